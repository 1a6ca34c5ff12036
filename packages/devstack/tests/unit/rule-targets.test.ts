/**
 * A `PutEvents` entry's `TraceHeader` through the local bus, as EventBridge carries it: put with the
 * real `@aws-sdk/client-eventbridge`, recorded with the event, a Lambda target invoked in its trace,
 * an SQS target's message carrying it as `AWSTraceHeader`, and each kind of dead letter too; an
 * entry without one delivers without one, and a header past 500 characters is refused.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { filterEvents, LocalEventBus } from '../../src/event-bus.ts';
import type { InvokeOptions } from '../../src/function-host.ts';
import { LocalQueues } from '../../src/queues.ts';
import { ruleTargets } from '../../src/rule-targets.ts';
import type { RuleDeclaration } from '../../src/topology.ts';

const HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

const RULES: RuleDeclaration[] = [
  {
    name: 'notifications-bookings',
    deadLetterQueueName: 'notifications-invocations-dlq',
    pattern: { source: ['tessera.bookings'] },
    target: { kind: 'function', functionName: 'notifications' },
  },
  {
    name: 'payments-bookings',
    deadLetterQueueName: 'payments-events-dlq',
    pattern: { source: ['tessera.bookings'] },
    target: { kind: 'queue', queueName: 'payments-bookings' },
  },
];

let queues: LocalQueues;
let bus: LocalEventBus;
let eventBridge: EventBridgeClient;
let invocations: { functionName: string; event: unknown; options: InvokeOptions | undefined }[];
let failing: boolean;

const start = async (specs: ConstructorParameters<typeof LocalQueues>[0]['specs']) => {
  queues = new LocalQueues({ specs });
  await queues.start();
  bus = new LocalEventBus({
    ...ruleTargets({
      rules: RULES,
      queues,
      invoke: async (functionName, event, options) => {
        invocations.push({ functionName, event, options });
        if (failing) throw Object.assign(new Error('down'), { errorType: 'Error' });
        return null;
      },
      clock: queues.clock,
      busName: 'tessera',
      log: () => undefined,
    }),
  });
  eventBridge = new EventBridgeClient({
    endpoint: await bus.start(),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
};

const everyQueue = [
  { name: 'payments-bookings', deadLetter: { name: 'payments-bookings-dlq', maxReceiveCount: 3 } },
  { name: 'notifications-invocations-dlq' },
  { name: 'payments-events-dlq' },
];

beforeEach(() => {
  invocations = [];
  failing = false;
});

afterEach(async () => {
  eventBridge.destroy();
  await bus.stop();
  await queues.stop();
});

const put = (traceHeader?: string) =>
  eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: 'tessera.bookings',
          DetailType: 'booking.created',
          Detail: JSON.stringify({ correlationId: 'c-1', bookingId: 'b-1' }),
          EventBusName: 'tessera',
          ...(traceHeader ? { TraceHeader: traceHeader } : {}),
        },
      ],
    }),
  );

const receiveAll = async (name: string) => queues.require(name).receive({ maxMessages: 10 });

describe('Function: ruleTargets', () => {
  it("invokes a Lambda target in the entry's trace, and records the header with the event", async () => {
    // Prepare
    await start(everyQueue);

    // Act
    const answer = await put(HEADER);
    await bus.settled();

    // Assess
    expect(answer.FailedEntryCount).toBe(0);
    expect(invocations).toEqual([
      {
        functionName: 'notifications',
        event: expect.objectContaining({ 'detail-type': 'booking.created' }),
        options: { traceHeader: HEADER },
      },
    ]);
    expect(filterEvents(bus.events, new URLSearchParams('correlationId=c-1'))).toEqual([
      expect.objectContaining({ detailType: 'booking.created', traceHeader: HEADER }),
    ]);
  });

  it('sends an SQS target its message with the header as AWSTraceHeader', async () => {
    await start(everyQueue);

    await put(HEADER);
    await bus.settled();
    const [message] = await receiveAll('payments-bookings');

    expect(JSON.parse(message?.body ?? '{}')).toMatchObject({ 'detail-type': 'booking.created' });
    expect(message?.attributes.AWSTraceHeader).toBe(HEADER);
  });

  it('delivers an entry with no TraceHeader without one', async () => {
    await start(everyQueue);

    await put();
    await bus.settled();
    const [message] = await receiveAll('payments-bookings');

    expect(invocations[0]?.options?.traceHeader).toBeUndefined();
    expect(message?.attributes).not.toHaveProperty('AWSTraceHeader');
    expect(bus.events[0]).not.toHaveProperty('traceHeader');
  });

  it("puts the header on a function target's on-failure record once every attempt failed", async () => {
    await start(everyQueue);
    failing = true;

    await put(HEADER);
    await bus.settled();
    const [record] = await receiveAll('notifications-invocations-dlq');

    expect(invocations).toHaveLength(3);
    expect(invocations.every((i) => i.options?.traceHeader === HEADER)).toBe(true);
    expect(JSON.parse(record?.body ?? '{}')).toMatchObject({
      requestContext: { condition: 'RetriesExhausted' },
    });
    expect(record?.attributes.AWSTraceHeader).toBe(HEADER);
  });

  it("puts the header on a queue target's dead letter when the queue cannot be sent to", async () => {
    // No payments-bookings queue: every send fails.
    await start(everyQueue.filter((q) => q.name !== 'payments-bookings'));

    await put(HEADER);
    await bus.settled();
    const [dead] = await receiveAll('payments-events-dlq');

    expect(dead?.messageAttributes.RULE_ARN?.StringValue).toBe(
      'arn:aws:events:us-east-1:000000000000:rule/tessera/payments-bookings',
    );
    expect(dead?.attributes.AWSTraceHeader).toBe(HEADER);
  });

  it('refuses an entry whose TraceHeader is longer than 500 characters', async () => {
    await start(everyQueue);

    const answer = await put(`${HEADER};${'x'.repeat(500)}`);

    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries?.[0]?.ErrorCode).toBe('InvalidArgument');
    expect(bus.events).toEqual([]);
  });
});
