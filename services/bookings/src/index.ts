/**
 * Lambda entry of the bookings function: HTTP API events for the rooms and bookings operations, and
 * the users events it subscribes to, whether a rule delivers them or a queue. The event consumer
 * (and processedOnce with it) loads on the first event, so no HTTP cold start carries it (ADR 0017).
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { once } from '@tessera/shared/once';
import { operations } from '#generated/contract';
import { createOperationHandlers } from '#handlers/http';
import { dependencies, logger } from '#wiring';

const http = createHttpHandler({ operations, handlers: createOperationHandlers(dependencies), logger });

const events = once(async () => {
  const { createEventHandlers } = await import('#handlers/events');
  return createEventHandlers(dependencies, logger);
});

export const handler = createLambdaEntry('bookings', {
  http,
  eventBridge: async (event) => (await events()).eventBridge(event),
  sqs: async (event) => (await events()).sqs(event),
});
