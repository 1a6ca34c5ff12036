/**
 * The outbox publisher: DynamoDB stream records of outbox items -> `PutEvents` on the bus.
 *
 * It runs as a small Lambda on each table's stream in AWS and as the same bundle in the devstack.
 * Records that are not inserts of outbox items (or of records carrying events) are ignored. Entries go out in order, ten per call; at the
 * first failure it stops and reports that record and every later one in `batchItemFailures`, so the
 * stream retries from there and order holds. A retry can publish an event twice; consumers dedupe on
 * `detail.eventId`.
 *
 * Each entry carries the trace header its event was written with (`TraceHeader`), so EventBridge
 * goes on with that trace at every target. `EventsPublished` counts the entries the bus took,
 * `PublishFailures` the ones it did not (or that a failed call left unsent).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { eventsOf } from './outbox.ts';

interface OutboxPublisherOptions {
  readonly eventBridge: EventBridgeClient;
  readonly busName: string;
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, 'emit'>;
}

interface Pending {
  readonly sequenceNumber: string;
  readonly entry: PutEventsRequestEntry;
}

const ENTRIES_PER_CALL = 10;

const pendingEntries = (event: DynamoDBStreamEvent, busName: string): Pending[] =>
  event.Records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (record.eventName !== 'INSERT' || !image || !sequenceNumber) return [];
    return eventsOf(unmarshall(image as Record<string, AttributeValue>)).map((event) => ({
      sequenceNumber,
      entry: {
        EventBusName: busName,
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
        Time: new Date(event.detail.occurredAt),
        ...(event.traceHeader ? { TraceHeader: event.traceHeader } : {}),
      },
    }));
  });

/**
 * Builds the stream handler.
 *
 * @example
 * export const handler = createOutboxPublisher({ eventBridge: new EventBridgeClient({}), busName, logger });
 */
const createOutboxPublisher =
  ({ eventBridge, busName, logger, metrics }: OutboxPublisherOptions) =>
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const pending = pendingEntries(event, busName);
    for (let start = 0; start < pending.length; start += ENTRIES_PER_CALL) {
      const chunk = pending.slice(start, start + ENTRIES_PER_CALL);
      let firstFailure = -1;
      try {
        const result = await eventBridge.send(new PutEventsCommand({ Entries: chunk.map((p) => p.entry) }));
        firstFailure = (result.Entries ?? []).findIndex((entry) => entry.ErrorCode !== undefined);
        if (firstFailure >= 0) {
          const failed = result.Entries?.[firstFailure];
          await logger.warn('event not accepted by the bus', {
            errorCode: failed?.ErrorCode,
            errorMessage: failed?.ErrorMessage,
          });
        }
      } catch (error) {
        await logger.error('PutEvents failed', { error: error as Error });
        firstFailure = 0;
      }
      const published = firstFailure >= 0 ? firstFailure : chunk.length;
      if (published > 0) metrics.emit({ EventsPublished: published });
      if (firstFailure >= 0) {
        metrics.emit({ PublishFailures: pending.length - start - firstFailure });
        // A record carrying several events is retried whole: those of its events that went out go
        // again, and consumers dedupe them on the event id.
        const failedFrom = start + firstFailure;
        const failed = [...new Set(pending.slice(failedFrom).map((p) => p.sequenceNumber))];
        return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
      }
    }
    if (pending.length > 0) await logger.debug('events published', { count: pending.length });
    return { batchItemFailures: [] };
  };

export type { OutboxPublisherOptions };
export { createOutboxPublisher };
