/**
 * A queue drained by an event source mapping into a function (made up here: the boundary), on a
 * standing clock: the function gets SQS records as Lambda delivers them; what it reports in
 * `batchItemFailures` comes back after the visibility timeout, what it does not is deleted, and a
 * message that fails every time lands in the dead-letter queue after `maxReceiveCount` receives.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../src/clock.ts';
import { EventSourceMapping } from '../../src/event-source-mapping.ts';
import { LocalQueue, type ReceivedMessage } from '../../src/local-queue.ts';
import { QueueSource } from '../../src/queue-source.ts';

const mappings: EventSourceMapping<ReceivedMessage>[] = [];
afterEach(async () => {
  await Promise.all(mappings.splice(0).map((m) => m.stop()));
});

const idle = async () => {
  for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A queue with a dead-letter queue, drained into `handler`; every batch it gets is kept. */
const drained = (handler: (event: SQSEvent) => unknown) => {
  const clock = new MovableClock({ start: Date.parse('2026-05-01T00:00:00Z') });
  const dlq = new LocalQueue({ name: 'payments-bookings-dlq', clock });
  const queue = new LocalQueue({
    name: 'payments-bookings',
    clock,
    visibilityTimeoutSeconds: 60,
    deadLetter: { queue: dlq, maxReceiveCount: 3 },
  });
  const batches: SQSEvent[] = [];
  const mapping = new EventSourceMapping<ReceivedMessage>({
    source: new QueueSource(queue, 20),
    clock,
    batchSize: 10,
    pollIntervalMs: 0,
    invoke: async (event) => {
      batches.push(event as SQSEvent);
      return handler(event as SQSEvent);
    },
  });
  mappings.push(mapping);
  void mapping.start();
  return { clock, queue, dlq, batches };
};

describe('Class: QueueSource', () => {
  it('hands the function SQS records in the shape Lambda delivers, and deletes what succeeded', async () => {
    // Prepare
    const { queue, batches } = drained(() => ({ batchItemFailures: [] }));
    const event = { 'detail-type': 'booking.created', detail: { bookingId: 'b1' } };

    // Act
    const { messageId } = queue.send(JSON.stringify(event), {
      messageAttributes: {
        traceId: { DataType: 'String', StringValue: 't-1' },
        signature: { DataType: 'Binary', BinaryValue: 'AAEC+v8=' },
      },
    });
    await idle();

    // Assess
    expect(batches).toHaveLength(1);
    expect(batches[0]?.Records).toEqual([
      {
        messageId,
        receiptHandle: expect.any(String),
        body: JSON.stringify(event),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.parse('2026-05-01T00:00:00Z')),
          ApproximateFirstReceiveTimestamp: String(Date.parse('2026-05-01T00:00:00Z')),
          SenderId: '000000000000',
        },
        messageAttributes: {
          traceId: { dataType: 'String', stringValue: 't-1', stringListValues: [], binaryListValues: [] },
          signature: {
            dataType: 'Binary',
            binaryValue: 'AAEC+v8=',
            stringListValues: [],
            binaryListValues: [],
          },
        },
        md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
        md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings',
        awsRegion: 'us-east-1',
      },
    ]);
    expect(queue.depths()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('leaves a reported failure for after its visibility timeout, and the rest of the batch deleted', async () => {
    const failOnce = new Set<string>();
    const { clock, queue, batches } = drained((event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'flaky' && !failOnce.has(r.messageId)).map(
        (r) => {
          failOnce.add(r.messageId);
          return { itemIdentifier: r.messageId };
        },
      ),
    }));
    queue.send('fine');
    queue.send('flaky');
    await idle();
    const afterFirst = queue.depths();

    await clock.advance(60_000);
    await idle();

    expect(batches.map((b) => b.Records.map((r) => [r.body, r.attributes.ApproximateReceiveCount]))).toEqual([
      [
        ['fine', '1'],
        ['flaky', '1'],
      ],
      [['flaky', '2']],
    ]);
    expect(afterFirst).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    expect(queue.depths()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('leaves the whole batch when the function throws, until the dead-letter queue takes it after 3 receives', async () => {
    const { clock, queue, dlq, batches } = drained(() => {
      throw new Error('tok_error');
    });
    queue.send('always fails');
    await idle();

    for (let i = 0; i < 3; i++) {
      await clock.advance(60_000);
      await idle();
    }

    expect(batches.map((b) => b.Records[0]?.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(queue.depths()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(dlq.depths()).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  });
});
