/**
 * The events the bookings function consumes (its `subscriptions` in `service.json`): the users
 * service's `user.registered` and `user.role_changed`, which keep its users directory (a room's
 * provider must be a provider or an admin), each applied once however often it is delivered.
 */
import { createEventConsumer } from '@tessera/shared/consumer';
import type { Logger } from '@tessera/shared/logger';
import { createProcessedOnce } from '@tessera/shared/processed-once';
import { applyUserEvent } from '@tessera/shared/users-directory';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';
import { client } from '#wiring';

const createEventHandlers = (deps: Pick<Dependencies, 'directory' | 'clock'>, logger: Logger) =>
  createEventConsumer({
    name: 'bookings.user-directory',
    once: createProcessedOnce({
      client,
      tableName: config().TABLE_NAME,
      consumer: 'bookings',
      clock: deps.clock,
    }),
    logger,
    handlers: {
      'user.registered': (event) => applyUserEvent(deps.directory, event),
      'user.role_changed': (event) => applyUserEvent(deps.directory, event),
    },
  });

export { createEventHandlers };
