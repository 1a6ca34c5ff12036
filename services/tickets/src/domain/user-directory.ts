/**
 * The users directory: the role of each user, projected from the users service's events, so the
 * tickets service can check an assignee without calling another service.
 *
 * Applying is idempotent and order-proof: an event is recorded only if it is later than the one
 * already recorded for that user, so a redelivery or an old event arriving late changes nothing.
 */
import type { AnyTesseraEvent } from '@tessera/shared/events';
import type { Dependencies } from './ports.ts';

const applyUserEvent = async (
  deps: Pick<Dependencies, 'directory'>,
  event: AnyTesseraEvent,
): Promise<'applied' | 'ignored'> => {
  if (event.detailType !== 'user.registered' && event.detailType !== 'user.role_changed') return 'ignored';
  return deps.directory.apply({
    userId: event.detail.data.userId,
    role: event.detail.data.role,
    eventId: event.detail.eventId,
    occurredAt: event.detail.occurredAt,
  });
};

export { applyUserEvent };
