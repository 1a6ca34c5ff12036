import { describe, expect, it } from 'vitest';
import {
  checkObservedWork,
  type Expectation,
  parseDaemonDatagram,
  summarizeEmf,
} from '../../../lib/observability-checks.ts';

const emfLine = (values: Record<string, number>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [
        {
          Namespace: 'Tessera',
          Dimensions: [['service', 'environment']],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service: 'bookings',
    environment: 'bench',
    ...extra,
    ...values,
  });

const TESSERA: Expectation = {
  emfLines: 2,
  metrics: ['BookingsCreated', 'Latency', 'Requests'],
  subsegments: 1,
  subsegment: 'createBooking',
};

const subsegment = (annotations: Record<string, unknown> = { correlationId: 'c-1' }) => ({
  name: 'createBooking',
  type: 'subsegment',
  trace_id: '1-6751a2b3-0123456789abcdef01234567',
  annotations,
});

const goodOutput = [
  emfLine({ BookingsCreated: 1 }, { correlationId: 'c-1' }),
  emfLine({ Requests: 1, Latency: 0.5 }, { correlationId: 'c-1' }),
  '',
].join('\n');

describe('Function: parseDaemonDatagram', () => {
  it('returns the document after the daemon header', () => {
    // Act
    const document = parseDaemonDatagram('{"format":"json","version":1}\n{"name":"createBooking","id":"a"}');

    // Assess
    expect(document).toEqual({ name: 'createBooking', id: 'a' });
  });

  it('returns undefined for a datagram without the header or with a body that is not JSON', () => {
    // Act & Assess
    expect(parseDaemonDatagram('{"name":"createBooking"}')).toBeUndefined();
    expect(parseDaemonDatagram('{"format":"json","version":1}\nnot json')).toBeUndefined();
    expect(parseDaemonDatagram('{"format":"text","version":1}\n{}')).toBeUndefined();
  });
});

describe('Function: summarizeEmf', () => {
  it('counts the EMF lines and the metrics whose values they carry, ignoring other output', () => {
    // Prepare
    const output = `some log line\n${goodOutput}{"level":"INFO","message":"not EMF"}\n`;

    // Act
    const summary = summarizeEmf(output);

    // Assess
    expect(summary).toEqual({
      lines: 2,
      namespaces: ['Tessera'],
      metrics: ['BookingsCreated', 'Latency', 'Requests'],
      correlationIds: ['c-1'],
    });
  });

  it('does not count a metric declared without its value', () => {
    // Prepare
    const line = JSON.stringify({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Tessera', Metrics: [{ Name: 'Requests' }] }] },
    });

    // Act
    const summary = summarizeEmf(line);

    // Assess
    expect(summary.lines).toBe(1);
    expect(summary.metrics).toEqual([]);
  });
});

describe('Function: checkObservedWork', () => {
  it('finds nothing wrong with a run that wrote its lines and sent its subsegment', () => {
    // Act
    const problems = checkObservedWork(TESSERA, {
      invocations: 1,
      emf: summarizeEmf(goodOutput),
      subsegments: [subsegment()],
      correlationId: 'c-1',
    });

    // Assess
    expect(problems).toEqual([]);
  });

  it('reports a run whose metrics never reached stdout and whose subsegment never came', () => {
    // Act
    const problems = checkObservedWork(TESSERA, {
      invocations: 1,
      emf: summarizeEmf(''),
      subsegments: [],
      correlationId: 'c-1',
    });

    // Assess
    expect(problems).toEqual([
      '0 EMF lines on stdout, expected 2',
      'no BookingsCreated, Latency, Requests in the EMF lines',
      'EMF namespace none, expected Tessera',
      'no EMF line with correlationId c-1',
      '0 subsegments at the daemon, expected 1',
    ]);
  });

  it('scales what it expects with the invocations of a warm process', () => {
    // Act
    const problems = checkObservedWork(TESSERA, {
      invocations: 3,
      emf: summarizeEmf(goodOutput),
      subsegments: [subsegment(), subsegment(), subsegment()],
      correlationId: 'c-1',
    });

    // Assess
    expect(problems).toEqual(['2 EMF lines on stdout, expected 6']);
  });

  it('reports a subsegment without the correlation id annotation', () => {
    // Act
    const problems = checkObservedWork(TESSERA, {
      invocations: 1,
      emf: summarizeEmf(goodOutput),
      subsegments: [subsegment({ operation: 'createBooking' })],
      correlationId: 'c-1',
    });

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/expected createBooking annotated with correlationId c-1/);
  });

  it('reports a baseline that wrote metrics or sent a subsegment', () => {
    // Prepare
    const baseline: Expectation = { emfLines: 0, metrics: [], subsegments: 0 };

    // Act
    const problems = checkObservedWork(baseline, {
      invocations: 1,
      emf: summarizeEmf(goodOutput),
      subsegments: [subsegment()],
      correlationId: 'c-1',
    });

    // Assess
    expect(problems).toEqual([
      '2 EMF lines on stdout, expected 0',
      '1 subsegments at the daemon, expected 0',
    ]);
  });
});
