/**
 * The devstack's X-Ray: the daemon's datagram format (header line, one document; junk dropped) over
 * a real UDP socket, a busy port refused or fallen back from, the store's documents by trace (a
 * document sent again replaces the first), its bound (the oldest trace forgotten first), its
 * summaries newest first and its annotation filter, and the `/_devstack/traces` routes with their
 * 404 problem+json.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { EmfMetrics } from '../../src/emf-metrics.ts';
import { addObservabilityRoutes, annotationFilters } from '../../src/observability-routes.ts';
import { PortInUseError } from '../../src/ports.ts';
import { DevstackRouter } from '../../src/router.ts';
import { newSegmentId, newTraceId } from '../../src/trace-header.ts';
import { type SegmentDocument, TraceStore } from '../../src/trace-store.ts';
import { parseDaemonDatagram, XRayDaemon } from '../../src/xray-daemon.ts';

const HEADER = '{"format":"json","version":1}\n';

const segment = (overrides: Partial<SegmentDocument> & { trace_id: string }): SegmentDocument => ({
  name: 'bookings',
  id: newSegmentId(),
  start_time: 1764870000.1,
  end_time: 1764870000.2,
  ...overrides,
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('Function: parseDaemonDatagram', () => {
  it('reads the document after the header line, with or without spaces in the header', () => {
    expect(parseDaemonDatagram(Buffer.from(`${HEADER}{"name":"a"}`))).toEqual({ name: 'a' });
    expect(parseDaemonDatagram(Buffer.from('{"format": "json", "version": 1}\n{"name":"b"}'))).toEqual({
      name: 'b',
    });
  });

  it.each([
    ['no header', '{"name":"a"}'],
    ['a header of another format', '{"format":"xml","version":1}\n{"name":"a"}'],
    ['a header that is not JSON', 'format=json\n{"name":"a"}'],
    ['a body that is not JSON', `${HEADER}{"name":`],
    ['a body that is an array', `${HEADER}[1]`],
    ['a body that is null', `${HEADER}null`],
    ['nothing at all', ''],
  ])('drops a datagram with %s', (_, datagram) => {
    expect(parseDaemonDatagram(Buffer.from(datagram))).toBeUndefined();
  });
});

describe('Class: XRayDaemon', () => {
  const send = (socket: Socket, port: number, text: string) =>
    new Promise<void>((resolve, reject) =>
      socket.send(Buffer.from(text), port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );

  const client = () => {
    const socket = createSocket('udp4');
    closers.push(() => new Promise((resolve) => socket.close(() => resolve())));
    return socket;
  };

  const started = async (options: Partial<ConstructorParameters<typeof XRayDaemon>[0]> = {}) => {
    const documents: Record<string, unknown>[] = [];
    const daemon = new XRayDaemon({ onDocument: (d) => void documents.push({ ...d }), ...options });
    await daemon.start();
    closers.push(() => daemon.stop());
    return { daemon, documents };
  };

  it('takes the documents sent to its address, and drops the junk around them', async () => {
    // Prepare
    const { daemon, documents } = await started();
    const socket = client();
    const traceId = newTraceId(Date.now());

    // Act
    await send(socket, daemon.port, 'junk');
    await send(socket, daemon.port, `${HEADER}not json`);
    await send(
      socket,
      daemon.port,
      `${HEADER}${JSON.stringify(segment({ trace_id: traceId, name: 'createBooking' }))}`,
    );

    // Assess
    expect(daemon.address).toBe(`127.0.0.1:${daemon.port}`);
    await pollUntil(
      () => documents.length,
      (n) => n >= 1,
      { timeoutMs: 2000, intervalMs: 10 },
    );
    expect(documents).toEqual([expect.objectContaining({ name: 'createBooking', trace_id: traceId })]);
  });

  it('refuses a port given exactly that is busy, naming TESSERA_XRAY_PORT', async () => {
    const { daemon: first } = await started();

    const failure = await new XRayDaemon({ port: first.port, onDocument: () => undefined })
      .start()
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PortInUseError);
    expect((failure as Error).message).toContain('TESSERA_XRAY_PORT');
  });

  it('takes another port when the preferred one is busy', async () => {
    const { daemon: first } = await started();

    const { daemon: second } = await started({ preferredPort: first.port });

    expect(second.port).not.toBe(first.port);
    expect(second.port).toBeGreaterThan(0);
  });

  it('takes the preferred port when it is free', async () => {
    const { daemon: probe } = await started();
    const free = probe.port;
    await probe.stop();

    const { daemon } = await started({ preferredPort: free });

    expect(daemon.port).toBe(free);
  });
});

describe('Class: TraceStore', () => {
  it('keeps documents by trace, sorted by start, a document sent again replacing the first', () => {
    const store = new TraceStore();
    const traceId = newTraceId(Date.now());
    const id = newSegmentId();

    store.add(segment({ trace_id: traceId, name: 'late', start_time: 10, end_time: 11 }));
    store.add({ name: 'early', id, trace_id: traceId, start_time: 5, in_progress: true });
    store.add({ name: 'early', id, trace_id: traceId, start_time: 5, end_time: 6 });

    const trace = store.get(traceId);
    expect(trace?.segments.map((s) => [s.name, s.end_time])).toEqual([
      ['early', 6],
      ['late', 11],
    ]);
    expect(store.get(newTraceId(Date.now()))).toBeUndefined();
  });

  it.each([
    ['not an object', 'x'],
    ['no name', { id: newSegmentId(), trace_id: newTraceId(0), start_time: 1, end_time: 2 }],
    ['a bad id', { name: 'a', id: 'xyz', trace_id: newTraceId(0), start_time: 1, end_time: 2 }],
    ['a bad trace id', { name: 'a', id: newSegmentId(), trace_id: '1-abc', start_time: 1, end_time: 2 }],
    ['no start time', { name: 'a', id: newSegmentId(), trace_id: newTraceId(0), end_time: 2 }],
    [
      'no end time and not in progress',
      { name: 'a', id: newSegmentId(), trace_id: newTraceId(0), start_time: 1 },
    ],
  ])('refuses a document with %s', (_, document) => {
    const store = new TraceStore();

    expect(store.add(document)).toBe(false);
    expect(store.size).toBe(0);
  });

  it('keeps the traces written to most recently, forgetting the oldest first', () => {
    const store = new TraceStore({ maxTraces: 3 });
    const ids = [0, 1, 2, 3].map((i) => newTraceId(i * 1000));

    store.add(segment({ trace_id: ids[0] as string }));
    store.add(segment({ trace_id: ids[1] as string }));
    store.add(segment({ trace_id: ids[2] as string }));
    // Written to again: now the most recent, so the next one to go is ids[1].
    store.add(segment({ trace_id: ids[0] as string }));
    store.add(segment({ trace_id: ids[3] as string }));

    expect(store.size).toBe(3);
    expect(store.get(ids[1] as string)).toBeUndefined();
    expect(store.get(ids[0] as string)?.segments).toHaveLength(2);
  });

  it('keeps 1,000 traces unless told', () => {
    const store = new TraceStore();
    const first = newTraceId(0);
    store.add(segment({ trace_id: first }));

    for (let i = 0; i < 1000; i++) store.add(segment({ trace_id: newTraceId(i * 1000) }));

    expect(store.size).toBe(1000);
    expect(store.get(first)).toBeUndefined();
  });

  it('keeps at most so many documents per trace', () => {
    const store = new TraceStore({ maxSegmentsPerTrace: 2 });
    const traceId = newTraceId(0);

    const added = [1, 2, 3].map(() => store.add(segment({ trace_id: traceId })));

    expect(added).toEqual([true, true, false]);
    expect(store.get(traceId)?.segments).toHaveLength(2);
  });

  it('lists summaries newest first: start, duration, segments, functions, services, annotations, fault', () => {
    const store = new TraceStore();
    const older = newTraceId(0);
    const newer = newTraceId(0);
    const functionSegment = newSegmentId();
    store.add(segment({ trace_id: older, start_time: 100, end_time: 101 }));
    store.add({
      name: 'bookings',
      id: functionSegment,
      trace_id: newer,
      start_time: 1764870000,
      end_time: 1764870000.25,
      origin: 'AWS::Lambda::Function',
    });
    store.add(
      segment({
        trace_id: newer,
        type: 'subsegment',
        parent_id: functionSegment,
        name: 'createBooking',
        start_time: 1764870000.01,
        end_time: 1764870000.2,
        annotations: { correlationId: 'c-1', service: 'bookings', operation: 'createBooking' },
      }),
    );
    store.add(
      segment({
        trace_id: newer,
        name: 'payments',
        origin: 'AWS::Lambda::Function',
        start_time: 1764870000.3,
        end_time: 1764870000.5,
        fault: true,
        annotations: { correlationId: 'c-1', service: 'payments', operation: 'charge' },
      }),
    );

    const [first, second] = store.list();

    expect(first).toEqual({
      id: newer,
      startTime: new Date(1764870000000).toISOString(),
      duration: 500,
      segments: 3,
      functions: ['bookings', 'payments'],
      services: ['bookings', 'payments'],
      annotations: { correlationId: 'c-1', service: 'bookings', operation: 'createBooking' },
      fault: true,
      error: false,
    });
    expect(second?.id).toBe(older);
  });

  it('lists only the traces with a document annotated as asked, every filter applying', () => {
    const store = new TraceStore();
    const mine = newTraceId(0);
    const theirs = newTraceId(0);
    store.add(segment({ trace_id: mine, annotations: { correlationId: 'abc', operation: 'createBooking' } }));
    store.add(segment({ trace_id: mine, annotations: { count: 3 } }));
    store.add(
      segment({ trace_id: theirs, annotations: { correlationId: 'xyz', operation: 'createBooking' } }),
    );

    expect(store.list({ annotations: { correlationId: 'abc' } }).map((t) => t.id)).toEqual([mine]);
    expect(store.list({ annotations: { operation: 'createBooking' } })).toHaveLength(2);
    expect(store.list({ annotations: { operation: 'createBooking', count: '3' } }).map((t) => t.id)).toEqual([
      mine,
    ]);
    expect(store.list({ annotations: { correlationId: 'nobody' } })).toEqual([]);
  });
});

describe('Function: addObservabilityRoutes (traces)', () => {
  const get = (router: DevstackRouter, path: string) =>
    router.handle({
      method: 'GET',
      url: new URL(path, 'http://127.0.0.1'),
      headers: {},
      body: async () => Buffer.alloc(0),
    });

  it('lists traces filtered by annotation, and answers one trace whole', async () => {
    const traces = new TraceStore();
    const router = addObservabilityRoutes(new DevstackRouter(), { metrics: new EmfMetrics(), traces });
    const traceId = newTraceId(Date.now());
    traces.add(segment({ trace_id: traceId, annotations: { correlationId: 'abc' } }));
    traces.add(segment({ trace_id: newTraceId(Date.now()), annotations: { correlationId: 'other' } }));

    const list = await get(router, '/_devstack/traces?annotation.correlationId=abc');
    const one = await get(router, `/_devstack/traces/${traceId}`);

    expect(list.status).toBe(200);
    expect((JSON.parse(list.body.toString()) as { items: { id: string }[] }).items.map((t) => t.id)).toEqual([
      traceId,
    ]);
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body.toString())).toMatchObject({ id: traceId, segments: [{ trace_id: traceId }] });
  });

  it('answers 404 problem+json for a trace it does not hold', async () => {
    const router = addObservabilityRoutes(new DevstackRouter(), {
      metrics: new EmfMetrics(),
      traces: new TraceStore(),
    });

    const answer = await get(router, '/_devstack/traces/1-00000000-000000000000000000000000');

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body.toString())).toMatchObject({
      status: 404,
      type: expect.stringContaining('trace-not-found'),
    });
  });

  it('reads the annotation filters of a query', () => {
    expect(
      annotationFilters(new URLSearchParams('annotation.correlationId=abc&annotation.=x&limit=3')),
    ).toEqual({
      correlationId: 'abc',
    });
  });
});

describe('Function: addObservabilityRoutes (metrics)', () => {
  it('serves the Prometheus text with its content type, and the same samples as JSON', async () => {
    const metrics = new EmfMetrics();
    const router = addObservabilityRoutes(new DevstackRouter(), { metrics, traces: new TraceStore() });
    metrics.ingest(
      JSON.stringify({
        _aws: {
          Timestamp: 1,
          CloudWatchMetrics: [
            {
              Namespace: 'Tessera',
              Dimensions: [['service']],
              Metrics: [{ Name: 'Requests', Unit: 'Count' }],
            },
          ],
        },
        service: 'users',
        Requests: 1,
      }),
    );
    const request = (path: string) => ({
      method: 'GET',
      url: new URL(path, 'http://127.0.0.1'),
      headers: {},
      body: async () => Buffer.alloc(0),
    });

    const text = await router.handle(request('/_devstack/metrics'));
    const json = await router.handle(request('/_devstack/metrics?format=json'));

    expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body.toString()).toContain('tessera_requests_total{service="users"} 1\n');
    expect(JSON.parse(json.body.toString())).toEqual({
      families: [
        {
          name: 'tessera_requests_total',
          type: 'counter',
          help: expect.stringContaining('Requests'),
          samples: [{ name: 'tessera_requests_total', labels: { service: 'users' }, value: 1 }],
        },
      ],
    });
  });
});
