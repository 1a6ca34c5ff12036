/**
 * In-memory stand-ins for the bookings ports, with the store's conditions (the calendar's cells and
 * hours, versions, the room check, the idempotency claim) kept as DynamoDB would keep them.
 * `beforeWrite` runs just before the next transactional write lands, as a concurrent writer would.
 */
import type { Principal, Role } from '@tessera/shared/auth';
import { createCursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import type { UserDirectory } from '@tessera/shared/users-directory/ports';
import { capturedMetrics } from '../../../../tests/support/metrics.ts';
import type { StoredBooking } from '../../src/domain/booking.ts';
import {
  applyPieces,
  busyOf,
  cellCountsByHour,
  type DayPieces,
  type DayState,
  EMPTY,
  piecesOf,
} from '../../src/domain/calendar.ts';
import type { Interval } from '../../src/domain/interval.ts';
import type {
  BookingStore,
  CalendarWrite,
  ChangeRecord,
  Dependencies,
  IdempotencyRecord,
  StoredRoom,
} from '../../src/domain/ports.ts';
import type { Room } from '../../src/domain/room.ts';

/** Whether a take's cells and hours are free in a day, as the store's conditions decide it. */
const canTake = (state: DayState, pieces: DayPieces): boolean =>
  pieces.fullHours.every((hour) => (state.hours[hour] ?? 0) === 0) &&
  [...cellCountsByHour(pieces).keys()].every((hour) => (state.hours[hour] ?? 0) >= 0) &&
  pieces.cells.every((piece) => {
    const held = state.cells[piece.cell] ?? {};
    return 'prefixEnd' in piece
      ? held.prefixEnd === undefined &&
          (held.suffixStart === undefined || held.suffixStart >= piece.prefixEnd)
      : held.suffixStart === undefined &&
          (held.prefixEnd === undefined || held.prefixEnd <= piece.suffixStart);
  });

const memoryStore = () => {
  const rooms = new Map<string, StoredRoom>();
  const tombstones = new Map<string, string>();
  const days = new Map<string, DayState>();
  const bookings = new Map<string, StoredBooking>();
  const changes = new Map<string, ChangeRecord[]>();
  const keys = new Map<string, IdempotencyRecord>();
  const events: TesseraEvent[] = [];
  const writes = { attempted: 0 };
  const beforeWrite: Array<() => void> = [];
  const dayId = (roomId: string, day: string) => `${roomId}/${day}`;
  const dayOf = (roomId: string, day: string) => days.get(dayId(roomId, day)) ?? EMPTY(day);
  const roomOpen = (roomId: string, now: Date) => {
    const room = rooms.get(roomId);
    return !!room && (!room.closingUntil || room.closingUntil < now.toISOString());
  };
  /** Checks every day write as the store's conditions would, then applies them all or none. */
  const writeCalendar = (
    roomId: string,
    calendar: readonly CalendarWrite[],
  ): 'written' | 'taken' | 'calendar-changed' => {
    for (const write of calendar) {
      if (write.kind === 'take' && !canTake(dayOf(roomId, write.pieces.day), write.pieces)) return 'taken';
      if (write.kind === 'replace' && dayOf(roomId, write.next.day).version !== write.expectedVersion)
        return 'calendar-changed';
    }
    for (const write of calendar) {
      const day = write.kind === 'replace' ? write.next.day : write.pieces.day;
      const current = dayOf(roomId, day);
      const next =
        write.kind === 'replace'
          ? write.next
          : applyPieces(current, write.pieces, write.kind === 'take' ? 1 : -1);
      days.set(dayId(roomId, day), { ...next, version: current.version + 1 });
    }
    return 'written';
  };
  const reminders = new Set<string>();
  const record = (booking: StoredBooking, change: ChangeRecord, written: readonly TesseraEvent[]) => {
    bookings.set(booking.id, booking);
    changes.set(booking.id, [...(changes.get(booking.id) ?? []), change]);
    events.push(...written);
  };

  const store: BookingStore = {
    async getRoom(id) {
      return rooms.get(id) ?? null;
    },
    async createRoom(room: Room) {
      rooms.set(room.id, { ...room, closingUntil: null });
    },
    async replaceRoom(next, expectedVersion, now) {
      if (rooms.get(next.id)?.version !== expectedVersion || !roomOpen(next.id, now)) return 'stale';
      rooms.set(next.id, { ...next, closingUntil: null });
      return 'written';
    },
    async fenceRoom(id, expectedVersion, until, now) {
      const room = rooms.get(id);
      if (!room || room.version !== expectedVersion || !roomOpen(id, now)) return 'stale';
      rooms.set(id, { ...room, closingUntil: until });
      return 'written';
    },
    async unfenceRoom(id, until) {
      const room = rooms.get(id);
      if (room?.closingUntil === until) rooms.set(id, { ...room, closingUntil: null });
    },
    async deleteRoom(id, until, now) {
      const room = rooms.get(id);
      if (room?.closingUntil !== until || until <= now.toISOString()) return 'stale';
      rooms.delete(id);
      tombstones.set(id, room.providerId);
      return 'written';
    },
    async providerOfRoom(id) {
      return rooms.get(id)?.providerId ?? tombstones.get(id) ?? null;
    },
    async listRooms({ type, limit, startKey }) {
      const all = [...rooms.values()]
        .filter((r) => !type || r.type === type)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const from = startKey ? all.findIndex((r) => r.id === startKey.id) + 1 : 0;
      const page = all.slice(from, from + limit);
      return { rooms: page, keys: page.map((r) => ({ id: r.id })), more: from + limit < all.length };
    },
    async calendar(roomId, wanted) {
      return wanted.map((day) => dayOf(roomId, day));
    },
    async calendarFrom(roomId, fromDay) {
      return [...days.entries()]
        .filter(([id, state]) => id.startsWith(`${roomId}/`) && state.day >= fromDay)
        .map(([, state]) => state);
    },
    async getBooking(id) {
      return bookings.get(id) ?? null;
    },
    async getIdempotency(userId, key) {
      return keys.get(`${userId}/${key}`) ?? null;
    },
    async createBooking(write) {
      writes.attempted++;
      beforeWrite.shift()?.();
      const claim = write.idempotency;
      if (claim) {
        const kept = keys.get(`${claim.userId}/${claim.key}`);
        if (kept && kept.expiresAt > write.now.getTime() / 1000) return 'key-taken';
      }
      if (!roomOpen(write.booking.roomId, write.now)) return 'room-unavailable';
      const outcome = writeCalendar(write.booking.roomId, write.calendar);
      if (outcome !== 'written') return outcome;
      if (claim) {
        const { paymentToken: _t, ...shown } = write.booking;
        keys.set(`${claim.userId}/${claim.key}`, {
          requestHash: claim.requestHash,
          booking: shown,
          expiresAt: claim.expiresAt,
        });
      }
      record(write.booking, write.change, write.events);
      return 'written';
    },
    async changeBooking(write) {
      writes.attempted++;
      beforeWrite.shift()?.();
      if (bookings.get(write.next.id)?.version !== write.expectedVersion) return 'stale';
      if (write.checkRoom && !roomOpen(write.next.roomId, write.now)) return 'room-unavailable';
      const outcome = writeCalendar(write.next.roomId, write.calendar);
      if (outcome !== 'written') return outcome;
      record(write.next, write.change, write.events);
      return 'written';
    },
    async recordReminder({ booking, event }) {
      const current = bookings.get(booking.id);
      if (current?.status !== 'CONFIRMED' || current.startTime !== booking.startTime) return 'changed';
      const key = `${booking.id}#${booking.startTime}`;
      if (reminders.has(key)) return 'already-sent';
      reminders.add(key);
      events.push(event);
      return 'written';
    },
    async listBookings() {
      return { bookings: [...bookings.values()], lastKey: undefined };
    },
    async history(bookingId) {
      return { changes: changes.get(bookingId) ?? [], lastKey: undefined };
    },
  };
  /** The busy time the room's calendar holds on a day. */
  const busyOn = (roomId: string, day: string) => busyOf(dayOf(roomId, day));
  /** Bumps a day's version, as a booking of another cell of the day would. */
  const touchDay = (roomId: string, day: string) => {
    const current = dayOf(roomId, day);
    days.set(dayId(roomId, day), { ...current, version: current.version + 1 });
  };
  /** Takes an interval in the room's calendar, as another booking committing would. */
  const occupy = (roomId: string, interval: Interval) => {
    for (const pieces of piecesOf(interval)) {
      const current = dayOf(roomId, pieces.day);
      days.set(dayId(roomId, pieces.day), {
        ...applyPieces(current, pieces, 1),
        version: current.version + 1,
      });
    }
  };
  /** Frees an interval in the room's calendar, as another booking's cancel would. */
  const free = (roomId: string, interval: Interval) => {
    for (const pieces of piecesOf(interval)) {
      const current = dayOf(roomId, pieces.day);
      days.set(dayId(roomId, pieces.day), {
        ...applyPieces(current, pieces, -1),
        version: current.version + 1,
      });
    }
  };
  return {
    store,
    rooms,
    bookings,
    changes,
    keys,
    events,
    writes,
    beforeWrite,
    busyOn,
    touchDay,
    occupy,
    free,
  };
};

const memoryDirectory = (roles: Record<string, Role> = {}): UserDirectory => ({
  async roleOf(userId) {
    return roles[userId] ?? null;
  },
  async apply() {
    return 'applied';
  },
});

const fixedClock = (iso: string) => ({ now: () => new Date(iso) });

const deps = (overrides: Partial<Dependencies> & { store: BookingStore }): Dependencies => ({
  directory: memoryDirectory(),
  cursors: createCursorCodec(async () => 'a-cursor-secret-of-at-least-32-characters!'),
  clock: fixedClock('2027-03-01T12:00:00.000Z'),
  metrics: capturedMetrics('bookings'),
  retries: () => {
    let left = 40;
    return { wait: async () => --left > 0 };
  },
  ...overrides,
});

const principal = (role: Role, userId: string = crypto.randomUUID()): Principal => ({
  userId,
  role,
  expiresAt: 0,
});

export { deps, fixedClock, memoryDirectory, memoryStore, principal };
