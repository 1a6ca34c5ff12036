/**
 * Lambda entry of the tickets function: HTTP API events for the tickets operations, and the users
 * events it subscribes to, whether a rule delivers them or a queue.
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { operations } from '#generated/contract';
import { createEventHandlers } from '#handlers/events';
import { createOperationHandlers } from '#handlers/http';
import { dependencies, logger, processedOnce } from '#wiring';

const http = createHttpHandler({ operations, handlers: createOperationHandlers(dependencies), logger });
const events = createEventHandlers(dependencies, processedOnce, logger);

export const handler = createLambdaEntry('tickets', {
  http,
  eventBridge: events.eventBridge,
  sqs: events.sqs,
});
