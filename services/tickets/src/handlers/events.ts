/**
 * The events the tickets function consumes (its `subscriptions` in `service.json`): the users
 * service's `user.registered` and `user.role_changed`, which keep its users directory, each applied
 * once however often it is delivered.
 */
import { createEventConsumer } from '@tessera/shared/consumer';
import type { Logger } from '@tessera/shared/logger';
import type { ProcessedOnce } from '@tessera/shared/processed-once';
import { applyUserEvent } from '@tessera/shared/users-directory';
import type { Dependencies } from '#domain/ports';

const createEventHandlers = (deps: Pick<Dependencies, 'directory'>, once: ProcessedOnce, logger: Logger) =>
  createEventConsumer({
    name: 'tickets.user-directory',
    once,
    logger,
    handlers: {
      'user.registered': (event) => applyUserEvent(deps.directory, event),
      'user.role_changed': (event) => applyUserEvent(deps.directory, event),
    },
  });

export { createEventHandlers };
