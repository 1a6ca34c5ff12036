/**
 * The booking reads: one booking, the lists a caller may see, and a booking's audit trail. Apart
 * from the commands (`bookings.ts`), so a request that only reads loads no calendar, pricing or
 * event code on its cold start.
 */
import type { Principal } from '@tessera/shared/auth';
import { assertVisible, type Booking, type BookingStatus, publicBooking } from './booking.ts';
import type { BookingSource, ChangeRecord, Dependencies } from './ports.ts';

const getBooking = async (
  deps: Pick<Dependencies, 'store'>,
  caller: Principal,
  id: string,
): Promise<Booking> => publicBooking(assertVisible(await deps.store.getBooking(id), caller));

interface ListQuery {
  readonly type: 'upcoming' | 'past';
  readonly roomId?: string | undefined;
  readonly status?: BookingStatus | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * Which index partition a caller's list reads: a user their own bookings, a provider those of their
 * rooms, an admin all (or, for one room, even a deleted one, its provider's, narrowed to the room).
 * Always a Query.
 */
const sourceOf = async (
  deps: Pick<Dependencies, 'store'>,
  caller: Principal,
  roomId: string | undefined,
): Promise<BookingSource | null> => {
  if (caller.role === 'user') return { index: 'by-user', userId: caller.userId };
  if (caller.role === 'provider') return { index: 'by-provider', providerId: caller.userId };
  if (roomId === undefined) return { index: 'by-kind' };
  const providerId = await deps.store.providerOfRoom(roomId);
  return providerId ? { index: 'by-provider', providerId } : null;
};

/**
 * One page of the bookings the caller may see: `upcoming` (starting now or later) by start
 * ascending, or `past` (started before now) by start descending. The cursor is bound to the caller and the filters.
 */
const listBookings = async (
  deps: Pick<Dependencies, 'store' | 'cursors' | 'clock'>,
  caller: Principal,
  query: ListQuery,
): Promise<{ readonly items: readonly Booking[]; readonly nextCursor: string | null }> => {
  const scope = `bookings:${caller.role}:${caller.userId}:${query.type}:${query.roomId ?? '*'}:${query.status ?? '*'}`;
  const startKey = await deps.cursors.decode(query.cursor, scope);
  const source = await sourceOf(deps, caller, query.roomId);
  if (!source) return { items: [], nextCursor: null };
  const page = await deps.store.listBookings({
    source,
    when: query.type,
    now: deps.clock.now(),
    status: query.status,
    roomId: query.roomId,
    limit: query.limit,
    startKey,
  });
  return {
    items: page.bookings.map(publicBooking),
    nextCursor: await deps.cursors.encode(page.lastKey, scope),
  };
};

/** The booking's audit trail, oldest first, for whoever may see the booking. */
const getHistory = async (
  deps: Pick<Dependencies, 'store' | 'cursors'>,
  caller: Principal,
  id: string,
  query: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<{ readonly items: readonly ChangeRecord[]; readonly nextCursor: string | null }> => {
  assertVisible(await deps.store.getBooking(id), caller);
  const scope = `history:${id}`;
  const page = await deps.store.history(id, {
    limit: query.limit,
    startKey: await deps.cursors.decode(query.cursor, scope),
  });
  return { items: page.changes, nextCursor: await deps.cursors.encode(page.lastKey, scope) };
};

export type { ListQuery };
export { getBooking, getHistory, listBookings };
