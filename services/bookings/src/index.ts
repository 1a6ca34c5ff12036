/**
 * Lambda entry of the bookings function: HTTP API events for the rooms and bookings operations, and the
 * events it subscribes to, whether a rule delivers them or a queue: the users events (its users
 * directory) and the payments' outcomes (which confirm or fail a booking). The
 * directory's consumer (and processedOnce with it) loads on the first event, so no HTTP cold start
 * carries it (ADR 0017).
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { lazyConsumer } from '@tessera/shared/lazy-consumer';
import { operations } from '#generated/contract';
import { createOperationHandlers } from '#handlers/http';
import { client, dependencies, logger, settings } from '#wiring';

const http = createHttpHandler({ operations, handlers: createOperationHandlers(dependencies), logger });

const events = lazyConsumer(async () => {
  const [{ createDirectoryConsumer }, { paymentHandlers }] = await Promise.all([
    import('@tessera/shared/users-directory/consumer'),
    import('#handlers/payment-events'),
  ]);
  return createDirectoryConsumer({
    service: 'bookings',
    client,
    tableName: settings.TABLE_NAME,
    directory: dependencies.directory,
    clock: dependencies.clock,
    logger,
    handlers: paymentHandlers(dependencies, logger),
  });
});

export const handler = createLambdaEntry('bookings', { http, ...events });
