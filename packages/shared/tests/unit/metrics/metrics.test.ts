import { describe, expect, it } from 'vitest';
import { METRICS, statusClassOf } from '../../../src/metrics/catalog.ts';
import { coldStartCounter, createMetrics } from '../../../src/metrics/metrics.ts';
import { extraDimensionsOf, unitOf } from '../../../src/metrics/shapes.ts';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const metrics = createMetrics({
    service: 'bookings',
    environment: 'prod',
    write: (line) => lines.push(JSON.parse(line)),
    now: () => 1_764_870_000_000,
  });
  return { metrics, lines };
};

describe('Function: createMetrics', () => {
  it('writes one EMF line per call: namespace Tessera, [service, environment], the value at the root', () => {
    // Prepare
    const { metrics, lines } = capture();

    // Act
    metrics.count('BookingsCreated', { correlationId: 'req-1' });

    // Assess
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: 1_764_870_000_000,
          CloudWatchMetrics: [
            {
              Namespace: 'Tessera',
              Dimensions: [['service', 'environment']],
              Metrics: [{ Name: 'BookingsCreated', Unit: 'Count' }],
            },
          ],
        },
        correlationId: 'req-1',
        service: 'bookings',
        environment: 'prod',
        BookingsCreated: 1,
      },
    ]);
  });

  it('publishes a metric under each extra dimension its catalog entry names, one directive per set', () => {
    const { metrics, lines } = capture();

    metrics.emit(
      { Requests: 1, Latency: 12.5 },
      { dimensions: { operation: 'createBooking', statusClass: '2xx' } },
    );

    const [line] = lines;
    expect(line).toMatchObject({
      operation: 'createBooking',
      statusClass: '2xx',
      Requests: 1,
      Latency: 12.5,
    });
    expect((line as { _aws: { CloudWatchMetrics: unknown[] } })._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Tessera',
        Dimensions: [
          ['service', 'environment'],
          ['service', 'environment', 'operation'],
          ['service', 'environment', 'statusClass'],
        ],
        Metrics: [{ Name: 'Requests', Unit: 'Count' }],
      },
      {
        Namespace: 'Tessera',
        Dimensions: [
          ['service', 'environment'],
          ['service', 'environment', 'operation'],
        ],
        Metrics: [{ Name: 'Latency', Unit: 'Milliseconds' }],
      },
    ]);
  });

  it('never lets a property replace a dimension or a value, and skips values that are not finite', () => {
    const { metrics, lines } = capture();

    metrics.emit(
      { EventDeliveries: 1, EventFailures: Number.NaN },
      { properties: { service: 'spoofed', environment: 'dev', EventDeliveries: 99, detailType: 'x' } },
    );

    expect(lines[0]).toMatchObject({ service: 'bookings', environment: 'prod', EventDeliveries: 1 });
    expect(lines[0]).not.toHaveProperty('EventFailures');
    expect(JSON.stringify(lines[0])).not.toContain('EventFailures');
  });

  it('writes nothing when no value is left', () => {
    const { metrics, lines } = capture();

    metrics.emit({ ColdStarts: Number.POSITIVE_INFINITY });

    expect(lines).toEqual([]);
  });
});

describe('Function: coldStartCounter', () => {
  it('moves ColdStarts on the first call only', () => {
    const { metrics, lines } = capture();
    const count = coldStartCounter(metrics);

    count();
    count();
    count();

    expect(lines.map((line) => line.ColdStarts)).toEqual([1]);
  });
});

describe('The metric catalog', () => {
  it('names every metric in PascalCase with a unit and when it moves', () => {
    for (const [name, definition] of Object.entries(METRICS)) {
      expect(name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(['Count', 'Milliseconds']).toContain(definition.unit);
      expect(definition.moves.length).toBeGreaterThan(10);
    }
  });

  it("gives the writer each metric's unit and extra dimensions exactly as the catalog says", () => {
    for (const [name, definition] of Object.entries(METRICS) as [
      keyof typeof METRICS,
      (typeof METRICS)[keyof typeof METRICS],
    ][]) {
      expect(unitOf(name)).toBe(definition.unit);
      expect(extraDimensionsOf(name)).toEqual('by' in definition ? definition.by : []);
    }
  });

  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [304, '3xx'],
    [404, '4xx'],
    [429, '4xx'],
    [500, '5xx'],
    [503, '5xx'],
  ])('puts status %i in class %s', (status, statusClass) => {
    expect(statusClassOf(status)).toBe(statusClass);
  });
});
