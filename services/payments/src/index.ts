/**
 * Lambda entry of the payments function: HTTP API events for the payments operations, SQS batches
 * from the `charges` queue (`booking.created`, with `batchItemFailures`), and the booking outcomes a
 * rule delivers. The consumer loads on the first event, so no HTTP cold start carries it (ADR 0017).
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
});

const events = lazyConsumer(async () =>
  (await import('#handlers/events')).createPaymentsConsumer({
    client,
    tableName: settings.TABLE_NAME,
    dependencies,
    logger,
  }),
);

export const handler = createLambdaEntry('payments', { http, ...events }, { metrics });
