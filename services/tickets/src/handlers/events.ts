/**
 * Events the tickets function subscribes to (see `subscriptions.json`): the users service's
 * `user.registered` and `user.role_changed`, which keep the users directory.
 */
import { type EventBridgeDelivery, parseEvent } from '@tessera/shared/events';
import type { Logger } from '@tessera/shared/logger';
import type { Dependencies } from '#domain/ports';
import { applyUserEvent } from '#domain/user-directory';

const createEventHandler =
  (base: Pick<Dependencies, 'directory'>, logger: Logger) => async (delivery: EventBridgeDelivery) => {
    const event = parseEvent(delivery);
    const outcome = await applyUserEvent(base, event);
    await logger.debug('event handled', {
      correlationId: event.detail.correlationId,
      eventId: event.detail.eventId,
      detailType: event.detailType,
      outcome,
    });
    return { outcome };
  };

export { createEventHandler };
