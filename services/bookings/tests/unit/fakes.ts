/**
 * In-memory stand-ins for the bookings ports, with the store's conditions (versions, the room
 * check, the idempotency claim) kept as DynamoDB would keep them. `beforeWrite` runs just before the
 * next transactional write lands, as a concurrent writer would.
 */
import type { Principal, Role } from '@tessera/shared/auth';
import { createCursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import type { UserDirectory } from '@tessera/shared/users-directory/ports';
import type { StoredBooking } from '../../src/domain/booking.ts';
import type { Interval } from '../../src/domain/interval.ts';
import type {
  BookingStore,
  ChangeRecord,
  DayCalendar,
  Dependencies,
  IdempotencyRecord,
  StoredRoom,
} from '../../src/domain/ports.ts';
import type { Room } from '../../src/domain/room.ts';

const memoryStore = () => {
  const rooms = new Map<string, StoredRoom>();
  const days = new Map<string, { version: number; intervals: readonly Interval[] }>();
  const bookings = new Map<string, StoredBooking>();
  const changes = new Map<string, ChangeRecord[]>();
  const keys = new Map<string, IdempotencyRecord>();
  const events: TesseraEvent[] = [];
  const writes = { attempted: 0 };
  const beforeWrite: Array<() => void> = [];
  const dayId = (roomId: string, day: string) => `${roomId}/${day}`;
  const roomOpen = (roomId: string, now: Date) => {
    const room = rooms.get(roomId);
    return !!room && (!room.closingUntil || room.closingUntil < now.toISOString());
  };
  const daysCurrent = (roomId: string, calendar: readonly { day: string; expectedVersion: number }[]) =>
    calendar.every((w) => (days.get(dayId(roomId, w.day))?.version ?? 0) === w.expectedVersion);
  const commit = (
    roomId: string,
    write: {
      calendar: readonly { day: string; expectedVersion: number; intervals: readonly Interval[] }[];
      change: ChangeRecord;
      events: readonly TesseraEvent[];
      booking: StoredBooking;
    },
  ) => {
    for (const w of write.calendar)
      days.set(dayId(roomId, w.day), { version: w.expectedVersion + 1, intervals: w.intervals });
    bookings.set(write.booking.id, write.booking);
    changes.set(write.booking.id, [...(changes.get(write.booking.id) ?? []), write.change]);
    events.push(...write.events);
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
      return 'written';
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
      return wanted.map(
        (day): DayCalendar => ({ day, ...(days.get(dayId(roomId, day)) ?? { version: 0, intervals: [] }) }),
      );
    },
    async hasIntervalEndingAfter(roomId, fromDay, after) {
      return [...days.entries()].some(
        ([id, day]) =>
          id.startsWith(`${roomId}/`) &&
          id.slice(roomId.length + 1) >= fromDay &&
          day.intervals.some((i) => i.end > after),
      );
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
      if (!daysCurrent(write.booking.roomId, write.calendar)) return 'calendar-changed';
      if (claim) {
        const { paymentToken: _t, ...shown } = write.booking;
        keys.set(`${claim.userId}/${claim.key}`, {
          requestHash: claim.requestHash,
          booking: shown,
          expiresAt: claim.expiresAt,
        });
      }
      commit(write.booking.roomId, { ...write, booking: write.booking });
      return 'written';
    },
    async changeBooking(write) {
      writes.attempted++;
      beforeWrite.shift()?.();
      if (bookings.get(write.next.id)?.version !== write.expectedVersion) return 'stale';
      if (write.checkRoom && !roomOpen(write.next.roomId, write.now)) return 'room-unavailable';
      if (!daysCurrent(write.next.roomId, write.calendar)) return 'calendar-changed';
      commit(write.next.roomId, { ...write, booking: write.next });
      return 'written';
    },
    async listBookings() {
      return { bookings: [...bookings.values()], lastKey: undefined };
    },
    async history(bookingId) {
      return { changes: changes.get(bookingId) ?? [], lastKey: undefined };
    },
  };
  /** The intervals the room's calendar holds on a day. */
  const intervalsOn = (roomId: string, day: string) => days.get(dayId(roomId, day))?.intervals ?? [];
  /** Bumps a day's version, as another booking of another slot would. */
  const touchDay = (roomId: string, day: string) => {
    const current = days.get(dayId(roomId, day)) ?? { version: 0, intervals: [] };
    days.set(dayId(roomId, day), { ...current, version: current.version + 1 });
  };
  /** Adds an interval to a day's calendar, as another booking committing would. */
  const occupy = (roomId: string, day: string, interval: Interval) => {
    const current = days.get(dayId(roomId, day)) ?? { version: 0, intervals: [] };
    days.set(dayId(roomId, day), {
      version: current.version + 1,
      intervals: [...current.intervals, interval],
    });
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
    intervalsOn,
    touchDay,
    occupy,
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
  pause: async () => {},
  ...overrides,
});

const principal = (role: Role, userId: string = crypto.randomUUID()): Principal => ({
  userId,
  role,
  expiresAt: 0,
});

export { deps, fixedClock, memoryDirectory, memoryStore, principal };
