import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import { createEventConsumer, createSqsBatchHandler } from '../../../src/consumer/event-consumer.ts';
import type { ProcessedOnce } from '../../../src/consumer/processed-once.ts';
import { newEvent } from '../../../src/events/envelope.ts';
import type { Logger } from '../../../src/logger.ts';
import { currentTraceHeader, parseTraceHeader } from '../../../src/tracing/tracing.ts';

const logger = (): Logger =>
  ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() }) as unknown as Logger;

const USER = '6f1c2b5e-8a4d-4c3e-9f2a-1b2c3d4e5f60';

/** An event as an EventBridge rule delivers it. */
const delivered = (eventId?: string) => {
  const event = newEvent(
    'user.registered',
    { userId: USER, email: 'a@b.co', name: 'A', role: 'user', registeredAt: '2026-11-21T01:00:00.000Z' },
    {
      correlationId: 'c1',
      occurredAt: new Date('2026-11-21T01:00:00.000Z'),
      ...(eventId ? { eventId } : {}),
    },
  );
  return {
    version: '0',
    id: 'eb-1',
    source: event.source,
    'detail-type': event.detailType,
    detail: event.detail,
  };
};

/** A stand-in for processedOnce that remembers event ids in memory. */
const memoryOnce = (): ProcessedOnce => {
  const done = new Set<string>();
  return async (eventId, work) => {
    if (done.has(eventId)) return { outcome: 'duplicate' };
    const result = await work();
    done.add(eventId);
    return { outcome: 'processed', result };
  };
};

const sqsEvent = (...bodies: string[]): SQSEvent =>
  ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i + 1}`,
      body,
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
    })),
  }) as unknown as SQSEvent;

describe('Function: createSqsBatchHandler', () => {
  it('answers only the records that failed, after trying every one', async () => {
    // Prepare
    const tried: string[] = [];
    const handle = createSqsBatchHandler(
      async (record) => {
        tried.push(record.messageId);
        if (record.body === 'bad') throw new Error('cannot');
      },
      logger(),
      capturedMetrics(),
    );

    // Act
    const result = await handle(sqsEvent('ok', 'bad', 'ok', 'bad'));

    // Assess
    expect(tried).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm4' }] });
  });
});

/** A consumer of user.registered (unless `withHandler` is false) that records the event ids it handles. */
const recordingConsumer = (withHandler = true) => {
  const handled: string[] = [];
  const metrics = capturedMetrics('test');
  const consumer = createEventConsumer({
    name: 'test',
    once: memoryOnce(),
    logger: logger(),
    metrics,
    handlers: withHandler
      ? {
          'user.registered': async (event) => {
            handled.push(event.detail.eventId);
          },
        }
      : {},
  });
  return { consumer, handled, metrics };
};

describe('Function: createEventConsumer', () => {
  it('runs the handler of the event type once, however often the event comes', async () => {
    // Prepare
    const { consumer, handled } = recordingConsumer();
    const event = delivered();

    // Act
    const first = await consumer.eventBridge(event);
    const again = await consumer.eventBridge(event);

    // Assess
    expect([first, again]).toEqual([{ outcome: 'processed' }, { outcome: 'duplicate' }]);
    expect(handled).toEqual([event.detail.eventId]);
  });

  it('ignores an event type it has no handler for', async () => {
    const { consumer } = recordingConsumer(false);

    await expect(consumer.eventBridge(delivered())).resolves.toEqual({ outcome: 'ignored' });
  });

  it('throws for a malformed event, so the delivery is retried and ends in a dead-letter queue', async () => {
    const { consumer } = recordingConsumer();

    await expect(consumer.eventBridge({ ...delivered(), detail: { data: {} } })).rejects.toThrow(
      /malformed detail/,
    );
  });

  it('from SQS, fails only the message that is not a valid event and processes the others', async () => {
    // Prepare
    const { consumer, handled } = recordingConsumer();
    const good = delivered('11111111-1111-4111-8111-111111111111');

    // Act
    const result = await consumer.sqs(sqsEvent(JSON.stringify(good), 'not json', JSON.stringify(good)));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(handled).toEqual(['11111111-1111-4111-8111-111111111111']);
  });

  it('counts each delivery, a duplicate and a failure, and no more', async () => {
    // Prepare
    const { consumer, metrics } = recordingConsumer();
    const event = delivered();

    // Act
    await consumer.eventBridge(event);
    await consumer.eventBridge(event);
    await consumer.eventBridge({ ...delivered(), detail: { data: {} } }).catch(() => undefined);

    // Assess
    expect(metrics.total('EventDeliveries')).toBe(3);
    expect(metrics.total('EventDuplicates')).toBe(1);
    expect(metrics.total('EventFailures')).toBe(1);
    expect(metrics.lines.every((line) => line.service === 'test' && line.consumer === 'test')).toBe(true);
  });

  it("counts a batch's failed records once, as BatchItemFailures", async () => {
    const { consumer, metrics } = recordingConsumer();

    await consumer.sqs(sqsEvent('not json', JSON.stringify(delivered()), '{}'));

    expect(metrics.total('BatchItemFailures')).toBe(2);
    expect(metrics.total('EventFailures')).toBe(1);
  });

  it("continues each SQS record's own trace: the handler sees the message's AWSTraceHeader as its trace", async () => {
    // Prepare
    const seen: (string | undefined)[] = [];
    const consumer = createEventConsumer({
      name: 'test',
      once: memoryOnce(),
      logger: logger(),
      metrics: capturedMetrics(),
      handlers: {
        'user.registered': async () => {
          seen.push(parseTraceHeader(currentTraceHeader())?.root);
        },
      },
    });
    const roots = ['1-6750a000-aaaaaaaaaaaaaaaaaaaaaaaa', '1-6750a000-bbbbbbbbbbbbbbbbbbbbbbbb'];
    const batch = sqsEvent(
      JSON.stringify(delivered('11111111-1111-4111-8111-111111111111')),
      JSON.stringify(delivered('22222222-2222-4222-8222-222222222222')),
    );
    batch.Records.forEach((record, index) => {
      record.attributes.AWSTraceHeader = `Root=${roots[index]};Parent=0123456789abcdef;Sampled=1`;
    });

    // Act
    await consumer.sqs(batch);

    // Assess
    expect(seen).toEqual(roots);
  });
});
