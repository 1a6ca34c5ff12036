/**
 * An event consumer that loads on the first event it is given: a function serving HTTP as well
 * keeps the consumer kit (and `processedOnce`) out of its cold start (ADR 0017), and hands the
 * result to `createLambdaEntry` as its `eventBridge` and `sqs` handlers.
 *
 * @example
 * const events = lazyConsumer(async () => (await import('@tessera/shared/users-directory/consumer')).createDirectoryConsumer({ ... }));
 * export const handler = createLambdaEntry('tickets', { http, ...events });
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EventBridgeDelivery } from '../events/envelope.ts';
import { once } from '../once.ts';

interface EventConsumer {
  eventBridge(event: EventBridgeDelivery): Promise<unknown>;
  sqs(event: SQSEvent): Promise<SQSBatchResponse>;
}

const lazyConsumer = (load: () => Promise<EventConsumer>): EventConsumer => {
  const consumer = once(load);
  return {
    eventBridge: async (event) => (await consumer()).eventBridge(event),
    sqs: async (event) => (await consumer()).sqs(event),
  };
};

export type { EventConsumer };
export { lazyConsumer };
