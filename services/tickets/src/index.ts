/**
 * Lambda entry of the tickets function: HTTP API events for the tickets operations, and the users
 * events it subscribes to (its users directory), whether a rule delivers them or a queue. The
 * directory's consumer (and processedOnce with it) loads on the first event, so no HTTP cold start
 * carries it (ADR 0017).
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { directoryEvents } from '@tessera/shared/users-directory/events';
import { operations } from '#generated/contract';
import { createOperationHandlers } from '#handlers/http';
import { dependencies, directoryConsumer, logger, metrics } from '#wiring';

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers(dependencies),
  logger,
  metrics,
});

const events = directoryEvents(directoryConsumer);

export const handler = createLambdaEntry('tickets', { http, ...events }, { metrics });
