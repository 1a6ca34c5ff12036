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
 * - Each event runs in a trace subsegment named after its consumer (annotated with its correlation
 *   id and type), in the trace it came with: an SQS record's `AWSTraceHeader`, else the
 *   invocation's. Each delivery moves `EventDeliveries`, a duplicate `EventDuplicates`, a failure
 *   `EventFailures`, and a batch's failed records `BatchItemFailures`.
 *
 * @example
 * const consumer = createEventConsumer({
 *   name: 'tickets.user-directory',
 *   once: createProcessedOnce({ client, tableName, consumer: 'tickets.user-directory' }),
 *   logger,
 *   metrics,
 *   handlers: { 'user.registered': (event) => applyUserEvent(directory, event) },
 * });
 * export const handler = createLambdaEntry('tickets', { eventBridge: consumer.eventBridge, sqs: consumer.sqs });
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventType } from '../events/catalog.ts';
import { type EventBridgeDelivery, parseEvent, type TesseraEvent } from '../events/envelope.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { traced, withTraceHeader } from '../tracing/tracing.ts';
import type { ProcessedOnce } from './processed-once.ts';

/**
 * Handles each record of an SQS batch on its own, one after the other, in the trace its message
 * carries, and reports the failed ones. For standard queues (order is not promised there anyway).
 */
const createSqsBatchHandler =
  (handleRecord: (record: SQSRecord) => Promise<unknown>, logger: Logger, metrics: Pick<Metrics, 'emit'>) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await withTraceHeader(record.attributes?.AWSTraceHeader, () => handleRecord(record));
      } catch (error) {
        failures.push({ itemIdentifier: record.messageId });
        await logger.warn('message failed; it will be received again', {
          messageId: record.messageId,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          error: error as Error,
        });
      }
    }
    if (failures.length > 0) metrics.emit({ BatchItemFailures: failures.length });
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
  readonly metrics: Pick<Metrics, 'emit'>;
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
    let event: TesseraEvent;
    try {
      event = parseEvent(body);
    } catch (error) {
      options.metrics.emit(
        { EventDeliveries: 1, EventFailures: 1 },
        { properties: { consumer: options.name } },
      );
      throw error;
    }
    const handler = options.handlers[event.detailType] as
      | ((event: TesseraEvent, delivery: Delivery) => Promise<unknown>)
      | undefined;
    const context = {
      consumer: options.name,
      eventId: event.detail.eventId,
      detailType: event.detailType,
      correlationId: event.detail.correlationId,
    };
    // The log line's context is the metric line's properties too (ids, for Logs Insights).
    const properties = context;
    if (!handler) {
      options.metrics.emit({ EventDeliveries: 1 }, { properties });
      await options.logger.warn('no handler for this event type; ignored', context);
      return 'ignored';
    }
    let outcome: ConsumeOutcome;
    try {
      ({ outcome } = await traced(
        options.name,
        { correlationId: context.correlationId, operation: event.detailType, eventId: context.eventId },
        () => options.once(event.detail.eventId, () => handler(event, delivery)),
      ));
    } catch (error) {
      options.metrics.emit({ EventDeliveries: 1, EventFailures: 1 }, { properties });
      throw error;
    }
    options.metrics.emit(
      outcome === 'duplicate' ? { EventDeliveries: 1, EventDuplicates: 1 } : { EventDeliveries: 1 },
      { properties },
    );
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
      options.metrics,
    ),
  };
};

export type { ConsumeOutcome, Delivery, EventConsumerOptions, EventHandlers };
export { createEventConsumer, createSqsBatchHandler };
