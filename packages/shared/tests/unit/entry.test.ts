import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { capturedMetrics } from '../../../../tests/support/metrics.ts';
import { createLambdaEntry, kindOf, UnsupportedEventError } from '../../src/entry.ts';
import { withTraceHeader } from '../../src/tracing/tracing.ts';

const httpEvent = {
  version: '2.0',
  routeKey: 'GET /health',
  rawPath: '/health',
  requestContext: { http: {} },
};
const eventBridge = {
  version: '0',
  id: 'e1',
  source: 'tessera.users',
  'detail-type': 'user.registered',
  detail: {},
};
const sqs = { Records: [{ messageId: 'm1', eventSource: 'aws:sqs', body: '{}' }] };
const webSocket = {
  requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: 'c1' },
  isBase64Encoded: false,
};
const schedule = { schedule: 'booking-reminder', bookingId: 'b1' };
const command = { command: 'bootstrap-admin', email: 'a@b.co' };

describe('Function: kindOf', () => {
  it.each([
    ['http', httpEvent],
    ['eventBridge', eventBridge],
    ['sqs', sqs],
    ['webSocket', webSocket],
    ['schedule', schedule],
    ['command', command],
  ])('tells a %s event by its shape', (kind, event) => {
    expect(kindOf(event)).toBe(kind);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['an empty object', {}],
    ['a stream batch', { Records: [{ eventSource: 'aws:dynamodb' }] }],
    ['an empty batch', { Records: [] }],
  ])('knows no kind for %s', (_label, event) => {
    expect(kindOf(event)).toBeUndefined();
  });
});

describe('Function: createLambdaEntry', () => {
  const metrics = capturedMetrics('tickets');
  it('hands each kind of event to its handler with the context', async () => {
    // Prepare
    const seen: string[] = [];
    const entry = createLambdaEntry(
      'tickets',
      {
        http: async (_event, context) => {
          seen.push(`http:${String(context)}`);
          return { statusCode: 200 };
        },
        eventBridge: async (event) => {
          seen.push(`eventBridge:${event['detail-type'] as string}`);
          return 'ok';
        },
        sqs: async (event) => {
          seen.push(`sqs:${event.Records.length}`);
          return { batchItemFailures: [] };
        },
      },
      { metrics },
    );

    // Act
    await entry(httpEvent, 'ctx');
    await entry(eventBridge);
    const answer = await entry(sqs);

    // Assess
    expect(seen).toEqual(['http:ctx', 'eventBridge:user.registered', 'sqs:1']);
    expect(answer).toEqual({ batchItemFailures: [] });
  });

  it('counts the cold start on the first invocation only, whatever its kind', async () => {
    const cold = capturedMetrics('tickets');
    const entry = createLambdaEntry(
      'tickets',
      { http: async () => ({ statusCode: 200 }) },
      { metrics: cold },
    );

    await entry(httpEvent);
    await entry(httpEvent);
    await entry(schedule).catch(() => undefined);

    expect(cold.total('ColdStarts')).toBe(1);
  });

  it('refuses a kind it declares no handler for, naming the function and the kind', async () => {
    const entry = createLambdaEntry('tickets', { http: async () => ({ statusCode: 200 }) }, { metrics });

    await expect(entry(schedule)).rejects.toThrow(UnsupportedEventError);
    await expect(entry(schedule)).rejects.toThrow('The tickets function has no handler for schedule events');
  });

  it('refuses an event of no known kind, naming its keys', async () => {
    const entry = createLambdaEntry('users', { http: async () => ({ statusCode: 200 }) }, { metrics });

    await expect(entry({ hello: 'world', n: 1 })).rejects.toThrow(
      'The users function has no handler for this kind of event (its keys: hello, n)',
    );
  });
});

describe('The trace subsegment of a schedule', () => {
  it("is annotated with the schedule's name and the correlation id its input carries", async () => {
    // Prepare: a UDP socket standing in for the X-Ray daemon, and a sampled trace.
    const daemon = createSocket('udp4');
    const received: Record<string, unknown>[] = [];
    daemon.on('message', (message) => {
      const text = message.toString('utf8');
      received.push(JSON.parse(text.slice(text.indexOf('\n') + 1)));
    });
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;
    const entry = createLambdaEntry(
      'bookings',
      { schedule: async () => 'ran' },
      { metrics: capturedMetrics() },
    );

    try {
      // Act
      await withTraceHeader(
        'Root=1-6750a000-0123456789abcdef01234567;Parent=1111111111111111;Sampled=1',
        () => entry({ schedule: 'booking-reminder', bookingId: 'b1', correlationId: 'req-7' }),
      );
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 5));

      // Assess
      expect(received).toEqual([
        expect.objectContaining({
          name: 'bookings schedule booking-reminder',
          annotations: { operation: 'booking-reminder', service: 'bookings', correlationId: 'req-7' },
        }),
      ]);
    } finally {
      delete process.env.AWS_XRAY_DAEMON_ADDRESS;
      daemon.close();
    }
  });
});
