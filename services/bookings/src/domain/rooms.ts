/**
 * The room use cases: offer, read, change, withdraw, list (by type, and free for an interval), and
 * a room's busy times.
 *
 * Withdrawing a room races new bookings of it, so it fences first: the room is marked closing for a
 * short while (every booking transaction checks the room is not closing), then the room's calendar
 * is read for live intervals, then the room is deleted only if the fence still holds. A booking
 * that committed before the fence is in the calendar read; one after it fails its room check.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@tessera/shared/auth';
import type { FieldError } from '@tessera/shared/errors';
import { nextVersion, type Precondition, satisfies } from '@tessera/shared/precondition';
import {
  ConcurrentChangeError,
  InvalidRoomError,
  InvalidWindowError,
  NotAllowedError,
  ProviderNotEligibleError,
  RoomHasBookingsError,
  RoomNotFoundError,
  StaleVersionError,
} from '../errors.ts';
import { busyAcross, conflictIn } from './calendar.ts';
import { busyWithin, checkWindow, daysOf, type Interval, minuteOf, toIso } from './interval.ts';
import type { Dependencies, Key, StoredRoom } from './ports.ts';
import { isKnownCurrency } from './pricing.ts';
import { assertMayManage, ROOM_FIELDS, type Room, type RoomChanges } from './room.ts';

const ATTEMPTS = 3;
/** How long a deletion holds its fence at most; it needs milliseconds. */
const FENCE_SECONDS = 30;
/** How many rooms one free-room search request reads at most, so a page answers in bounded time. */
const SEARCH_ROOMS_PER_REQUEST = 200;

const assertCurrency = (currency: string | undefined) => {
  if (currency !== undefined && !isKnownCurrency(currency))
    throw new InvalidRoomError([
      { location: 'body', field: 'currency', detail: `${currency} is not an ISO 4217 currency code.` },
    ]);
};

const assertPrecondition = (room: Room, precondition: Precondition | undefined) => {
  if (!satisfies(precondition, room.version)) throw new StaleVersionError('room', room.version);
};

/**
 * Offers a room. A provider owns what they create (`providerId`, if given, must be theirs); an admin
 * names the provider, who must be a provider or an admin as the users directory knows them (422).
 */
const createRoom = async (
  deps: Pick<Dependencies, 'store' | 'directory' | 'clock'>,
  caller: Principal,
  input: {
    readonly name: string;
    readonly type: string;
    readonly capacity: number;
    readonly pricePerHour: number;
    readonly currency: string;
    readonly description?: string | undefined;
    readonly providerId?: string | undefined;
  },
): Promise<Room> => {
  assertCurrency(input.currency);
  let providerId = caller.userId;
  if (caller.role === 'provider') {
    if (input.providerId !== undefined && input.providerId !== caller.userId)
      throw new NotAllowedError('ROOM_PROVIDER_NOT_ALLOWED', 'A provider creates rooms for themselves only.');
  } else if (input.providerId !== undefined && input.providerId !== caller.userId) {
    const role = await deps.directory.roleOf(input.providerId);
    if (role !== 'provider' && role !== 'admin') throw new ProviderNotEligibleError(role);
    providerId = input.providerId;
  }
  const now = deps.clock.now().toISOString();
  const room: Room = {
    id: randomUUID(),
    name: input.name,
    type: input.type,
    capacity: input.capacity,
    pricePerHour: input.pricePerHour,
    currency: input.currency,
    description: input.description ?? null,
    providerId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.store.createRoom(room);
  return room;
};

const publicRoom = ({ closingUntil: _fence, ...room }: StoredRoom): Room => room;

const getRoom = async (deps: Pick<Dependencies, 'store'>, id: string): Promise<Room> => {
  const room = await deps.store.getRoom(id);
  if (!room) throw new RoomNotFoundError();
  return publicRoom(room);
};

/** Changes a room (owner or admin; 404 for anyone else), conditional on the version read. */
const updateRoom = async (
  deps: Pick<Dependencies, 'store' | 'clock'>,
  caller: Principal,
  id: string,
  changes: RoomChanges,
  precondition: Precondition | undefined,
): Promise<Room> => {
  assertCurrency(changes.currency);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = assertMayManage(await deps.store.getRoom(id), caller) as StoredRoom;
    assertPrecondition(current, precondition);
    const fields = ROOM_FIELDS.filter(
      (field) => changes[field] !== undefined && changes[field] !== current[field],
    );
    if (fields.length === 0) return publicRoom(current);
    const now = deps.clock.now();
    const next: Room = nextVersion(
      publicRoom(current),
      now,
      Object.fromEntries(fields.map((field) => [field, changes[field]])),
    );
    if ((await deps.store.replaceRoom(next, current.version, now)) === 'written') return next;
  }
  throw new ConcurrentChangeError('room');
};

/**
 * Withdraws a room (owner or admin; 404 for anyone else): refused with 409 while any live booking of
 * it has not ended. Fence, read the calendar, delete under the fence (see the module comment).
 */
const deleteRoom = async (
  deps: Pick<Dependencies, 'store' | 'clock'>,
  caller: Principal,
  id: string,
  precondition: Precondition | undefined,
): Promise<void> => {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = assertMayManage(await deps.store.getRoom(id), caller);
    assertPrecondition(current, precondition);
    const now = deps.clock.now();
    const until = new Date(now.getTime() + FENCE_SECONDS * 1000).toISOString();
    if ((await deps.store.fenceRoom(id, current.version, until, now)) !== 'written') continue;
    const nowMinute = minuteOf(now);
    // A live booking that has not ended holds time from today on, in today's calendar or later ones.
    const today = daysOf({ start: nowMinute, end: nowMinute + 1 })[0] ?? '';
    const days = await deps.store.calendarFrom(id, today);
    if (busyAcross(days).some((busy) => busy.end > nowMinute)) {
      await deps.store.unfenceRoom(id, until);
      throw new RoomHasBookingsError();
    }
    if ((await deps.store.deleteRoom(id, until, deps.clock.now())) === 'written') return;
  }
  throw new ConcurrentChangeError('room');
};

const windowOf = (
  from: string | undefined,
  to: string | undefined,
  names: { readonly from: string; readonly to: string },
): Interval | undefined => {
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined || to === undefined) {
    const missing = from === undefined ? names.from : names.to;
    throw new InvalidWindowError([
      { location: 'query', field: missing, detail: `${names.from} and ${names.to} go together.` },
    ]);
  }
  const checked = checkWindow({ from, to }, names);
  if ('errors' in checked) throw new InvalidWindowError(checked.errors as FieldError[]);
  return checked.interval;
};

/** Whether none of the room's live bookings overlaps the window. */
const isFree = async (
  deps: Pick<Dependencies, 'store'>,
  roomId: string,
  window: Interval,
): Promise<boolean> => {
  return conflictIn(await deps.store.calendar(roomId, daysOf(window)), window) === undefined;
};

/**
 * One page of rooms, oldest first, of one type or all; with a window, only those free for all of
 * it. A free-room search reads at most 200 rooms per request, so its page may be short and still
 * have a cursor. The cursor is bound to the filters.
 */
const listRooms = async (
  deps: Pick<Dependencies, 'store' | 'cursors'>,
  query: {
    readonly type?: string | undefined;
    readonly availableFrom?: string | undefined;
    readonly availableTo?: string | undefined;
    readonly limit: number;
    readonly cursor?: string | undefined;
  },
): Promise<{ readonly items: readonly Room[]; readonly nextCursor: string | null }> => {
  const window = windowOf(query.availableFrom, query.availableTo, {
    from: 'availableFrom',
    to: 'availableTo',
  });
  const scope = `rooms:${query.type ?? '*'}:${window ? `${window.start}-${window.end}` : '*'}`;
  let startKey = await deps.cursors.decode(query.cursor, scope);
  if (!window) {
    const page = await deps.store.listRooms({ type: query.type, limit: query.limit, startKey });
    const last = page.keys.at(-1);
    return {
      items: page.rooms,
      nextCursor: page.more && last ? await deps.cursors.encode(last, scope) : null,
    };
  }
  const items: Room[] = [];
  let examined = 0;
  let lastKey: Key | undefined;
  let more = true;
  while (items.length < query.limit && examined < SEARCH_ROOMS_PER_REQUEST && more) {
    const page = await deps.store.listRooms({
      type: query.type,
      limit: query.limit - items.length,
      startKey,
    });
    const free = await Promise.all(page.rooms.map((room) => isFree(deps, room.id, window)));
    page.rooms.forEach((room, i) => {
      if (free[i]) items.push(room);
    });
    examined += page.rooms.length;
    lastKey = page.keys.at(-1) ?? lastKey;
    startKey = lastKey;
    more = page.more;
  }
  return { items, nextCursor: more && lastKey ? await deps.cursors.encode(lastKey, scope) : null };
};

/** The busy times of a room in a window of at most 31 days, merged and clipped; nothing about who. */
const getAvailability = async (
  deps: Pick<Dependencies, 'store'>,
  roomId: string,
  query: { readonly from: string; readonly to: string },
): Promise<{ roomId: string; from: string; to: string; busy: { startTime: string; endTime: string }[] }> => {
  const window = windowOf(query.from, query.to, { from: 'from', to: 'to' }) as Interval;
  if (!(await deps.store.getRoom(roomId))) throw new RoomNotFoundError();
  const busy = busyWithin(busyAcross(await deps.store.calendar(roomId, daysOf(window))), window);
  return {
    roomId,
    from: toIso(window.start),
    to: toIso(window.end),
    busy: busy.map((interval) => ({ startTime: toIso(interval.start), endTime: toIso(interval.end) })),
  };
};

export { createRoom, deleteRoom, getAvailability, getRoom, listRooms, publicRoom, updateRoom };
