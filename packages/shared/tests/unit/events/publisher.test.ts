import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import { newEvent } from '../../../src/events/envelope.ts';
import { outboxItem, recordWithEvents } from '../../../src/events/outbox.ts';
import { createOutboxPublisher } from '../../../src/events/publisher.ts';
import type { Logger } from '../../../src/logger.ts';
import { withTraceHeader } from '../../../src/tracing/tracing.ts';

const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() } as unknown as Logger;
const metrics = capturedMetrics('publisher');

const eventNumber = (n: number) =>
  newEvent(
    'user.registered',
    {
      userId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      email: `u${n}@example.com`,
      name: `U${n}`,
      role: 'user',
      registeredAt: '2026-11-21T05:00:00.000Z',
    },
    { correlationId: `req-${n}`, occurredAt: new Date('2026-11-21T05:00:00.000Z') },
  );

const record = (sequence: number, image: object, eventName = 'INSERT') => ({
  eventName,
  dynamodb: {
    SequenceNumber: String(sequence),
    NewImage: marshall(image as Record<string, unknown>, { removeUndefinedValues: true }),
  },
});

const streamOf = (...records: ReturnType<typeof record>[]) =>
  ({ Records: records }) as unknown as DynamoDBStreamEvent;

/** A stand-in for the EventBridge client: answers each PutEvents with the given per-entry codes. */
const fakeBus = (
  answers: Array<(count: number) => { Entries: Array<{ EventId?: string; ErrorCode?: string }> }>,
) => {
  const calls: Array<Array<Record<string, unknown>>> = [];
  const send = vi.fn(async (command: PutEventsCommand) => {
    const entries = (command.input.Entries ?? []) as Array<Record<string, unknown>>;
    calls.push(entries);
    const answer =
      answers.shift() ??
      ((count: number) => ({ Entries: Array.from({ length: count }, () => ({ EventId: 'e' })) }));
    return answer(entries.length);
  });
  return { client: { send } as unknown as EventBridgeClient, calls };
};

describe('Function: createOutboxPublisher', () => {
  it('publishes outbox inserts in order with their source, type, detail and time', async () => {
    const bus = fakeBus([]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });
    const first = eventNumber(1);
    const second = eventNumber(2);

    const result = await publish(streamOf(record(1, outboxItem(first)), record(2, outboxItem(second))));

    expect(result.batchItemFailures).toEqual([]);
    expect(bus.calls).toHaveLength(1);
    expect(bus.calls[0]).toEqual([
      {
        EventBusName: 'tessera',
        Source: 'tessera.users',
        DetailType: 'user.registered',
        Detail: JSON.stringify(first.detail),
        Time: new Date(first.detail.occurredAt),
      },
      expect.objectContaining({ Detail: JSON.stringify(second.detail) }),
    ]);
  });

  it('ignores records that are not outbox inserts', async () => {
    const bus = fakeBus([]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });

    const result = await publish(
      streamOf(
        record(1, { pk: 'USER#1', sk: 'PROFILE', name: 'Ada' }),
        record(2, outboxItem(eventNumber(1)), 'REMOVE'),
        record(3, outboxItem(eventNumber(2)), 'MODIFY'),
      ),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(bus.calls).toHaveLength(0);
  });

  it('sends at most ten entries per call', async () => {
    const bus = fakeBus([]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });
    const records = Array.from({ length: 23 }, (_, i) => record(i + 1, outboxItem(eventNumber(i + 1))));

    await publish(streamOf(...records));

    expect(bus.calls.map((c) => c.length)).toEqual([10, 10, 3]);
  });

  it('reports the first refused entry and every later record, and stops there', async () => {
    const bus = fakeBus([
      () => ({ Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }] }),
    ]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });
    const records = Array.from({ length: 13 }, (_, i) => record(i + 1, outboxItem(eventNumber(i + 1))));

    const result = await publish(streamOf(...records));

    expect(bus.calls).toHaveLength(1);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i + 2)),
    );
  });

  it('reports the whole chunk and the rest when the call itself fails', async () => {
    const bus = fakeBus([
      (count) => ({ Entries: Array.from({ length: count }, () => ({ EventId: 'ok' })) }),
      () => {
        throw new Error('network down');
      },
    ]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });
    const records = Array.from({ length: 25 }, (_, i) => record(i + 1, outboxItem(eventNumber(i + 1))));

    const result = await publish(streamOf(...records));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      Array.from({ length: 15 }, (_, i) => String(i + 11)),
    );
  });

  it('publishes every event a kept record carries, in order, on its insert only', async () => {
    const bus = fakeBus([]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });
    const first = eventNumber(1);
    const second = eventNumber(2);
    const third = eventNumber(3);
    const kept = recordWithEvents('t', { pk: 'BOOKING#1', sk: 'CHANGE#000001', action: 'created' }, [
      first,
      second,
    ]).Put.Item;

    const result = await publish(
      streamOf(record(1, kept), record(2, kept, 'MODIFY'), record(3, outboxItem(third))),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(bus.calls.flat().map((entry) => entry.Detail)).toEqual([
      JSON.stringify(first.detail),
      JSON.stringify(second.detail),
      JSON.stringify(third.detail),
    ]);
  });

  it('retries a record carrying several events whole when one of them is refused, reporting it once', async () => {
    const bus = fakeBus([
      () => ({ Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }] }),
    ]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });
    const kept = recordWithEvents('t', { pk: 'BOOKING#1', sk: 'CHANGE#000001' }, [
      eventNumber(1),
      eventNumber(2),
    ]).Put.Item;

    const result = await publish(streamOf(record(1, kept), record(2, outboxItem(eventNumber(3)))));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['1', '2']);
  });

  it('publishes nothing for a record whose carried events cannot be read', async () => {
    const bus = fakeBus([]);
    const publish = createOutboxPublisher({ eventBridge: bus.client, busName: 'tessera', logger, metrics });

    const result = await publish(
      streamOf(record(1, { pk: 'BOOKING#1', sk: 'CHANGE#000001', outboxEvents: new Uint8Array([1, 2, 3]) })),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(bus.calls).toHaveLength(0);
  });

  it('puts the trace header each event was written with on its entry, and counts what the bus took', async () => {
    // Prepare
    const bus = fakeBus([() => ({ Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure' }] })]);
    const counted = capturedMetrics('publisher');
    const publish = createOutboxPublisher({
      eventBridge: bus.client,
      busName: 'tessera',
      logger,
      metrics: counted,
    });
    const header = 'Root=1-6750a000-0123456789abcdef01234567;Parent=1111111111111111;Sampled=1';
    const traced = withTraceHeader(header, () => outboxItem(eventNumber(1)));
    const carried = withTraceHeader(header, () =>
      recordWithEvents('t', { pk: 'BOOKING#1', sk: 'V#1' }, [eventNumber(2)]),
    ).Put.Item;
    const untraced = outboxItem(eventNumber(3));

    // Act
    await publish(streamOf(record(1, traced), record(2, carried), record(3, untraced)));

    // Assess
    expect(traced.traceHeader).toBe(header);
    expect(bus.calls[0]?.map((entry) => entry.TraceHeader)).toEqual([header, header, undefined]);
    expect(counted.total('EventsPublished')).toBe(1);
    expect(counted.total('PublishFailures')).toBe(2);
  });
});
