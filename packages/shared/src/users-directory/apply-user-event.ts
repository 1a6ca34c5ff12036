/**
 * Keeps a users directory from the users service's events: `user.registered` records a new user's
 * role, `user.role_changed` the new one. Idempotent and order-proof: an event is recorded only if it
 * is later than the one already recorded for that user (the store's condition), so a redelivery or
 * an old event arriving late changes nothing.
 *
 * A service that keeps a directory subscribes to both events from `tessera.users` in its manifest
 * and hands them to this function through its event consumer.
 *
 * @example
 * handlers: { 'user.registered': (e) => applyUserEvent(directory, e), 'user.role_changed': (e) => applyUserEvent(directory, e) }
 */
import type { TesseraEvent } from '../events/envelope.ts';
import type { UserDirectory } from './ports.ts';

/** The users events a directory is kept from. */
const USER_DIRECTORY_EVENTS = ['user.registered', 'user.role_changed'] as const;

const applyUserEvent = (
  directory: Pick<UserDirectory, 'apply'>,
  event: TesseraEvent<(typeof USER_DIRECTORY_EVENTS)[number]>,
): Promise<'applied' | 'ignored'> =>
  directory.apply({
    userId: event.detail.data.userId,
    role: event.detail.data.role,
    eventId: event.detail.eventId,
    occurredAt: event.detail.occurredAt,
  });

export { applyUserEvent, USER_DIRECTORY_EVENTS };
