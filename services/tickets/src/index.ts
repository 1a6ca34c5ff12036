/**
 * Lambda entry of the tickets function: HTTP API events for the tickets operations, and the users
 * events it subscribes to (its users directory), whether a rule delivers them or a queue. The
 * directory's consumer (and processedOnce with it) loads on the first event, so no HTTP cold start
 * carries it (ADR 0017).
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { lazyConsumer } from '@tessera/shared/lazy-consumer';
import { operations } from '#generated/contract';
import { createOperationHandlers } from '#handlers/http';
import { client, dependencies, logger, metrics, settings } from '#wiring';

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers(dependencies),
  logger,
  metrics,
  service: 'tickets',
});

const events = lazyConsumer(async () =>
  (await import('@tessera/shared/users-directory/consumer')).createDirectoryConsumer({
    service: 'tickets',
    client,
    tableName: settings.TABLE_NAME,
    directory: dependencies.directory,
    clock: dependencies.clock,
    logger,
    metrics,
  }),
);

export const handler = createLambdaEntry('tickets', { http, ...events }, { metrics });
