/**
 * What CloudWatch would make of the functions' EMF lines, in Prometheus's text format: counters
 * added up (an array's every value), histograms in their buckets with sum and count, gauges at the
 * last value, labels from the union of a directive's dimension sets (snake_cased, valued from the
 * root, a missing key left out), HELP from the catalog (a generic one for a name it lacks), other
 * namespaces skipped, malformed lines and directives ignored, and a stable order.
 */
import { createMetrics } from '@tessera/shared/metrics';
import { METRICS } from '@tessera/shared/metrics-catalog';
import { describe, expect, it } from 'vitest';
import { EmfMetrics, isEmfLine, snakeCase } from '../../src/emf-metrics.ts';

/** An EMF line as the kit writes it: directives and the root's values. */
const emf = (directives: readonly unknown[], root: Record<string, unknown>): string =>
  JSON.stringify({ _aws: { Timestamp: 1764870000000, CloudWatchMetrics: directives }, ...root });

/** One request's line, as the kit's own writer (`@tessera/shared/metrics`) writes it. */
const request = (latency: number, statusClass = '2xx', operation = 'createBooking'): string => {
  let line = '';
  createMetrics({
    service: 'bookings',
    environment: 'local',
    write: (written) => {
      line = written;
    },
    now: () => 1764870000000,
  }).emit(
    { Requests: 1, Latency: latency },
    { dimensions: { operation, statusClass }, properties: { correlationId: 'c-1' } },
  );
  return line;
};

describe('Function: snakeCase', () => {
  it.each([
    ['statusClass', 'status_class'],
    ['BatchItemFailures', 'batch_item_failures'],
    ['HTTPLatency', 'http_latency'],
    ['service', 'service'],
    ['p99-latency', 'p99_latency'],
    ['2xx', '_2xx'],
  ])('%s -> %s', (name, expected) => {
    expect(snakeCase(name)).toBe(expected);
  });
});

describe('Class: EmfMetrics', () => {
  it('adds up a Count metric as a counter, labelled with the union of its dimension sets', () => {
    // Prepare
    const metrics = new EmfMetrics();

    // Act
    metrics.ingest(request(12.4));
    metrics.ingest(request(30));
    metrics.ingest(request(7, '4xx'));

    // Assess
    const text = metrics.prometheus();
    expect(text).toContain('# TYPE tessera_requests_total counter\n');
    expect(text).toContain(
      'tessera_requests_total{environment="local",operation="createBooking",service="bookings",status_class="2xx"} 2\n',
    );
    expect(text).toContain(
      'tessera_requests_total{environment="local",operation="createBooking",service="bookings",status_class="4xx"} 1\n',
    );
    expect(metrics.value('tessera_requests_total', { service: 'bookings' })).toBe(3);
    expect(metrics.value('tessera_requests_total', { status_class: '4xx' })).toBe(1);
    // A property (the correlation id) is never a label.
    expect(text).not.toContain('correlation');
  });

  it('puts a Milliseconds metric in histogram buckets, cumulative, with its sum and count', () => {
    const metrics = new EmfMetrics();

    metrics.ingest(request(3));
    metrics.ingest(request(12.4));
    metrics.ingest(request(12000));

    const text = metrics.prometheus();
    const labels = 'environment="local",operation="createBooking",service="bookings"';
    expect(text).toContain('# TYPE tessera_latency_milliseconds histogram\n');
    expect(text).toContain(`tessera_latency_milliseconds_bucket{${labels},le="5"} 1\n`);
    expect(text).toContain(`tessera_latency_milliseconds_bucket{${labels},le="10"} 1\n`);
    expect(text).toContain(`tessera_latency_milliseconds_bucket{${labels},le="25"} 2\n`);
    expect(text).toContain(`tessera_latency_milliseconds_bucket{${labels},le="10000"} 2\n`);
    expect(text).toContain(`tessera_latency_milliseconds_bucket{${labels},le="+Inf"} 3\n`);
    expect(text).toContain(`tessera_latency_milliseconds_sum{${labels}} 12015.4\n`);
    expect(text).toContain(`tessera_latency_milliseconds_count{${labels}} 3\n`);
    // Latency's directive has no statusClass: its series has no such label.
    expect(text).not.toMatch(/tessera_latency_milliseconds_count\{[^}]*status_class/);
    const bucketLines = text
      .split('\n')
      .filter((line) => line.startsWith('tessera_latency_milliseconds_bucket'));
    expect(bucketLines.map((line) => /le="([^"]+)"/.exec(line)?.[1])).toEqual([
      '5',
      '10',
      '25',
      '50',
      '100',
      '250',
      '500',
      '1000',
      '2500',
      '5000',
      '10000',
      '+Inf',
    ]);
  });

  it('takes every value of an array: each added to a counter, each observed by a histogram', () => {
    const metrics = new EmfMetrics();

    metrics.ingest(
      emf(
        [
          {
            Namespace: 'Tessera',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'EventDeliveries', Unit: 'Count' },
              { Name: 'ReminderLag', Unit: 'Milliseconds' },
            ],
          },
        ],
        { service: 'bookings', EventDeliveries: [1, 2, 3], ReminderLag: [40, 60, 'x'] },
      ),
    );

    expect(metrics.value('tessera_event_deliveries_total', { service: 'bookings' })).toBe(6);
    expect(metrics.value('tessera_reminder_lag_milliseconds_count')).toBe(2);
    expect(metrics.value('tessera_reminder_lag_milliseconds_sum')).toBe(100);
    expect(metrics.value('tessera_reminder_lag_milliseconds_bucket', { le: '50' })).toBe(1);
  });

  it('keeps the last value of a metric of any other unit, as a gauge', () => {
    const metrics = new EmfMetrics();
    const line = (value: number) =>
      emf(
        [
          {
            Namespace: 'Tessera',
            Dimensions: [['service']],
            Metrics: [{ Name: 'QueueDepth', Unit: 'None' }],
          },
        ],
        {
          service: 'payments',
          QueueDepth: value,
        },
      );

    metrics.ingest(line(5));
    metrics.ingest(line(2));

    expect(metrics.prometheus()).toContain(
      '# TYPE tessera_queue_depth gauge\ntessera_queue_depth{service="payments"} 2\n',
    );
  });

  it("writes the catalog's HELP for a known metric, and a generic one for a name the catalog lacks", () => {
    const metrics = new EmfMetrics();

    metrics.ingest(request(1));
    metrics.ingest(
      emf([{ Namespace: 'Tessera', Dimensions: [[]], Metrics: [{ Name: 'Widgets', Unit: 'Count' }] }], {
        Widgets: 4,
      }),
    );

    const text = metrics.prometheus();
    expect(text).toContain(
      `# HELP tessera_requests_total Requests (Count): moves ${METRICS.Requests.moves}.\n`,
    );
    expect(text).toMatch(
      /# HELP tessera_widgets_total Widgets \(Count\): a Tessera metric the catalog does not name/,
    );
    expect(text).toContain('tessera_widgets_total 4\n');
  });

  it('leaves out a label whose key the root has no string for, and skips other namespaces', () => {
    const metrics = new EmfMetrics();

    metrics.ingest(
      emf(
        [
          {
            Namespace: 'Tessera',
            Dimensions: [['service', 'operation']],
            Metrics: [{ Name: 'ColdStarts', Unit: 'Count' }],
          },
          { Namespace: 'Other', Dimensions: [['service']], Metrics: [{ Name: 'Foreign', Unit: 'Count' }] },
        ],
        { service: 'users', ColdStarts: 1, Foreign: 9 },
      ),
    );

    const text = metrics.prometheus();
    expect(text).toContain('tessera_cold_starts_total{service="users"} 1\n');
    expect(text).not.toContain('foreign');
  });

  it('ignores malformed lines and directives, never throwing, and still counts the good directives', () => {
    const metrics = new EmfMetrics();
    const lines = [
      '',
      'not json',
      '{"_aws": {',
      '{"_aws": {"CloudWatchMetrics": "nope"}}',
      '{"_aws": null}',
      '[1,2]',
      emf(
        [
          null,
          'x',
          { Namespace: 'Tessera', Metrics: 'nope' },
          {
            Namespace: 'Tessera',
            Dimensions: 'x',
            Metrics: [null, { Name: 7 }, { Name: 'Requests', Unit: 'Count' }],
          },
        ],
        {
          Requests: 'many',
        },
      ),
      emf(
        [
          null,
          {
            Namespace: 'Tessera',
            Dimensions: [['service', 3]],
            Metrics: [{ Name: 'Requests', Unit: 'Count' }],
          },
        ],
        {
          service: 'tickets',
          Requests: 2,
        },
      ),
    ];

    for (const line of lines) expect(() => metrics.ingest(line)).not.toThrow();

    expect(
      metrics
        .prometheus()
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
    ).toEqual(['tessera_requests_total{service="tickets"} 2']);
  });

  it('tells an EMF line from a log line', () => {
    const metrics = new EmfMetrics();

    expect(metrics.ingest(request(1))).toBe(true);
    expect(metrics.ingest('{"level":"INFO","message":"booking created","_aws":"no"}')).toBe(false);
    expect(isEmfLine('{"level":"INFO","message":"hello"}')).toBe(false);
    expect(isEmfLine('{"_aws":{"CloudWatchMetrics":[]}}')).toBe(true);
  });

  it('writes families by name and series by their labels, whatever order they came in, escaping label values', () => {
    const one = new EmfMetrics();
    const other = new EmfMetrics();
    const lines = [
      request(1, '5xx', 'listRooms'),
      request(1, '2xx', 'createBooking'),
      request(1, '2xx', 'cancelBooking'),
      emf(
        [
          {
            Namespace: 'Tessera',
            Dimensions: [['service']],
            Metrics: [{ Name: 'ColdStarts', Unit: 'Count' }],
          },
        ],
        {
          service: 'a "quoted"\\ name\nhere',
          ColdStarts: 1,
        },
      ),
    ];

    for (const line of lines) one.ingest(line);
    for (const line of [...lines].reverse()) other.ingest(line);

    const text = one.prometheus();
    expect(text).toBe(other.prometheus());
    const families = text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE'))
      .map((l) => l.split(' ')[2]);
    expect(families).toEqual([
      'tessera_cold_starts_total',
      'tessera_latency_milliseconds',
      'tessera_requests_total',
    ]);
    const operations = text
      .split('\n')
      .filter((l) => l.startsWith('tessera_requests_total'))
      .map((l) => /operation="([^"]+)"/.exec(l)?.[1]);
    expect(operations).toEqual(['cancelBooking', 'createBooking', 'listRooms']);
    expect(text).toContain('tessera_cold_starts_total{service="a \\"quoted\\"\\\\ name\\nhere"} 1\n');
  });

  it('stops making series past its cap, counting what it dropped', () => {
    const metrics = new EmfMetrics({ maxSeries: 2 });

    for (const operation of ['a', 'b', 'c']) {
      metrics.ingest(
        emf(
          [
            {
              Namespace: 'Tessera',
              Dimensions: [['operation']],
              Metrics: [{ Name: 'Requests', Unit: 'Count' }],
            },
          ],
          {
            operation,
            Requests: 1,
          },
        ),
      );
    }

    expect(metrics.value('tessera_requests_total')).toBe(2);
    expect(metrics.dropped).toBe(1);
  });
});

describe('The text format of a value', () => {
  it('writes a sum of milliseconds without binary-fraction noise', () => {
    const metrics = new EmfMetrics();

    metrics.ingest(request(0.1));
    metrics.ingest(request(0.2));

    expect(metrics.prometheus()).toContain(
      'tessera_latency_milliseconds_sum{environment="local",operation="createBooking",service="bookings"} 0.3\n',
    );
  });
});
