/**
 * The events the tickets function consumes (its `subscriptions` in `service.json`): the users
 * service's `user.registered` and `user.role_changed`, which keep its users directory, each applied
 * once however often it is delivered.
 */
import type { Logger } from '@tessera/shared/logger';
import { createDirectoryConsumer } from '@tessera/shared/users-directory/consumer';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';
import { client } from '#wiring';

const createEventHandlers = (deps: Pick<Dependencies, 'directory' | 'clock'>, logger: Logger) =>
  createDirectoryConsumer({
    service: 'tickets',
    client,
    tableName: config().TABLE_NAME,
    directory: deps.directory,
    clock: deps.clock,
    logger,
  });

export { createEventHandlers };
