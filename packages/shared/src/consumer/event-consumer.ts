/**
 * The event consumer kit: how a service function takes the events it subscribes to, whether a rule
 * invokes it directly (EventBridge) or an SQS queue hands it batches.
 *
 * - `createSqsBatchHandler` runs each record of a batch on its own and answers the ones that failed
 *   in `batchItemFailures` (the event source mapping has `ReportBatchItemFailures`), so one bad
 *   message never fails its batch: the others are deleted, and only it comes back, until the
 *   queue's `maxReceiveCount` moves it to the dead-letter queue.
 * - `createEventConsumer` parses each event against the catalog, skips an event type the consumer
 *   has no handler for, and runs the handler through `processedOnce` on the event's `eventId`, so a
 *   redelivered or replayed event changes nothing twice. A malformed event or a failing handler
 *   throws: EventBridge retries it, then puts it in the rule's dead-letter queue; from SQS it comes
 *   back as a batch item failure.
 *
 * @example
 * const consumer = createEventConsumer({
 *   name: 'tickets.user-directory',
 *   once: createProcessedOnce({ client, tableName, consumer: 'tickets.user-directory' }),
 *   logger,
 *   handlers: { 'user.registered': (event) => applyUserEvent(directory, event) },
 * });
 * export const handler = createLambdaEntry('tickets', { eventBridge: consumer.eventBridge, sqs: consumer.sqs });
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventType } from '../events/catalog.ts';
import { type EventBridgeDelivery, parseEvent, type TesseraEvent } from '../events/envelope.ts';
import type { Logger } from '../logger.ts';
import type { ProcessedOnce } from './processed-once.ts';

/**
 * Handles each record of an SQS batch on its own, one after the other, and reports the failed ones.
 * For standard queues (order is not promised there anyway).
 */
const createSqsBatchHandler =
  (handleRecord: (record: SQSRecord) => Promise<unknown>, logger: Logger) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await handleRecord(record);
      } catch (error) {
        failures.push({ itemIdentifier: record.messageId });
        await logger.warn('message failed; it will be received again', {
          messageId: record.messageId,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          error: error as Error,
        });
      }
    }
    return { batchItemFailures: failures };
  };

/**
 * How an event reached the consumer. `receiveCount` is the SQS message's `ApproximateReceiveCount`
 * (1 on its first delivery), so a handler can tell its last attempt before the dead-letter queue;
 * undefined when a rule invoked the function directly.
 */
interface Delivery {
  readonly receiveCount: number | undefined;
}

/** A handler per event type the consumer takes. */
type EventHandlers = {
  readonly [T in EventType]?: (event: TesseraEvent<T>, delivery: Delivery) => Promise<unknown>;
};

interface EventConsumerOptions {
  /** Names the consumer in logs. */
  readonly name: string;
  readonly handlers: EventHandlers;
  /** Deduplication on the event id (see `processed-once.ts`). */
  readonly once: ProcessedOnce;
  readonly logger: Logger;
}

type ConsumeOutcome = 'processed' | 'duplicate' | 'ignored';

/** The record's `ApproximateReceiveCount`, or undefined when it carries none that reads as a count. */
const receiveCountOf = (record: SQSRecord): number | undefined => {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : undefined;
};

const createEventConsumer = (options: EventConsumerOptions) => {
  const consume = async (
    body: EventBridgeDelivery,
    delivery: Delivery = { receiveCount: undefined },
  ): Promise<ConsumeOutcome> => {
    const event = parseEvent(body);
    const handler = options.handlers[event.detailType] as
      | ((event: TesseraEvent, delivery: Delivery) => Promise<unknown>)
      | undefined;
    const context = {
      consumer: options.name,
      eventId: event.detail.eventId,
      detailType: event.detailType,
      correlationId: event.detail.correlationId,
    };
    if (!handler) {
      await options.logger.warn('no handler for this event type; ignored', context);
      return 'ignored';
    }
    const { outcome } = await options.once(event.detail.eventId, () => handler(event, delivery));
    await options.logger.debug('event consumed', { ...context, outcome });
    return outcome;
  };

  return {
    /** One event, delivered by an EventBridge rule; throws so EventBridge retries it. */
    eventBridge: async (delivery: EventBridgeDelivery) => ({ outcome: await consume(delivery) }),
    /** A batch of events, each the body of an SQS message an EventBridge rule sent. */
    sqs: createSqsBatchHandler(
      (record) =>
        consume(JSON.parse(record.body) as EventBridgeDelivery, { receiveCount: receiveCountOf(record) }),
      options.logger,
    ),
  };
};

export type { ConsumeOutcome, Delivery, EventConsumerOptions, EventHandlers };
export { createEventConsumer, createSqsBatchHandler };
