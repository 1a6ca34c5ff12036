/**
 * The bookings store on DynamoDB Local: its conditional writes answer the outcome of the item that
 * failed, and a transaction that fails leaves nothing behind.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { eventsOf, newEvent } from '@tessera/shared/events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createBookingStore } from '../../src/adapters/booking-store.ts';
import { publicBooking, type StoredBooking } from '../../src/domain/booking.ts';
import { applyPieces, busyOf, EMPTY, piecesOf } from '../../src/domain/calendar.ts';
import type { BookingStore, CalendarWrite, ChangeRecord } from '../../src/domain/ports.ts';
import type { Room } from '../../src/domain/room.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;
let store: BookingStore;

beforeAll(async () => {
  table = await serviceTable('bookings');
  store = createBookingStore(table.documentClient, table.tableName);
});
afterAll(() => table.drop());

const NOW = new Date('2027-03-01T12:00:00.000Z');
const minute = (iso: string) => Date.parse(iso) / 60_000;
const DAY = '2027-03-02';

const newRoom = async (): Promise<Room> => {
  const room: Room = {
    id: crypto.randomUUID(),
    name: 'Blue',
    type: `t-${crypto.randomUUID().slice(0, 8)}`,
    capacity: 4,
    pricePerHour: 1000,
    currency: 'EUR',
    description: null,
    providerId: crypto.randomUUID(),
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    version: 1,
  };
  await store.createRoom(room);
  return room;
};

const newBooking = (room: Room, from = '09:00', to = '10:00'): StoredBooking => ({
  id: crypto.randomUUID(),
  roomId: room.id,
  userId: crypto.randomUUID(),
  providerId: room.providerId,
  title: null,
  startTime: `${DAY}T${from}:00.000Z`,
  endTime: `${DAY}T${to}:00.000Z`,
  status: 'PENDING_PAYMENT',
  amount: 1000,
  currency: 'EUR',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  version: 1,
  paymentToken: 'tok_ok',
});

const change = (booking: StoredBooking): ChangeRecord => ({
  version: booking.version,
  action: 'created',
  fromStatus: null,
  toStatus: booking.status,
  startTime: booking.startTime,
  endTime: booking.endTime,
  amount: booking.amount,
  actorId: booking.userId,
  actorRole: 'user',
  requestId: 'it',
  at: NOW.toISOString(),
});

const created = (booking: StoredBooking) =>
  newEvent(
    'booking.created',
    { booking: publicBooking(booking), paymentToken: booking.paymentToken, changedBy: booking.userId },
    { correlationId: 'it', occurredAt: NOW },
  );

const intervalOf = (b: StoredBooking) => ({ start: minute(b.startTime), end: minute(b.endTime) });

/** Every item of a partition, to see what a transaction left behind. */
const partition = async (pk: string) =>
  (
    await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    )
  ).Items ?? [];

const take = (booking: StoredBooking): CalendarWrite[] =>
  piecesOf(intervalOf(booking)).map((pieces) => ({ kind: 'take', pieces }));

const book = async (booking: StoredBooking, idempotency?: { userId: string; key: string }) =>
  store.createBooking({
    booking,
    calendar: take(booking),
    change: change(booking),
    events: [
      created(booking),
      newEvent(
        'room.availability_changed',
        { roomId: booking.roomId, change: 'taken', startTime: booking.startTime, endTime: booking.endTime },
        { correlationId: 'it', occurredAt: NOW },
      ),
    ],
    idempotency: idempotency && { ...idempotency, requestHash: 'h', expiresAt: NOW.getTime() / 1000 + 86400 },
    now: NOW,
  });

describe('Function: createBookingStore', () => {
  it('books: the day holds its cells and hours, the booking, its change record carrying its events', async () => {
    const room = await newRoom();
    const booking = newBooking(room, '09:00', '10:07');

    expect(await book(booking)).toBe('written');

    const [day, next] = await store.calendar(room.id, [DAY, '2027-03-03']);
    expect(day && busyOf(day)).toEqual([intervalOf(booking)]);
    expect(day).toMatchObject({ version: 1, hours: { 9: -1, 10: 1 }, cells: { 40: { prefixEnd: 7 } } });
    expect(next).toEqual(EMPTY('2027-03-03'));
    expect(await store.getBooking(booking.id)).toEqual(booking);
    const items = await partition(`BOOKING#${booking.id}`);
    expect(items.map((item) => item.sk).sort()).toEqual(['BOOKING', 'CHANGE#000001']);
    const record = items.find((item) => item.sk === 'CHANGE#000001');
    expect(eventsOf(record).map((e) => e.detailType)).toEqual([
      'booking.created',
      'room.availability_changed',
    ]);
    // Carried compressed, so the record with its events stays under the 1 KB a transactional write
    // prices at 2 units (DynamoDB's size: names and values; a number at most 21 bytes).
    const size = Object.entries(record ?? {}).reduce(
      (total, [name, value]) =>
        total +
        name.length +
        (value instanceof Uint8Array
          ? value.byteLength
          : typeof value === 'number'
            ? 21
            : String(value ?? '').length + 1),
      0,
    );
    expect(size).toBeLessThan(1024);
    expect(record?.ttl).toBeUndefined();
  });

  it('takes cells beside another booking of the same day without reading it again, and refuses a shared minute', async () => {
    const room = await newRoom();
    expect(await book(newBooking(room, '09:00', '10:07'))).toBe('written');

    // Half-open: 10:07 is free; the cell 10:00-10:15 now holds both pieces.
    expect(await book(newBooking(room, '10:07', '11:00'))).toBe('written');
    const late = newBooking(room, '10:50', '11:30');
    expect(await book(late)).toBe('taken');

    expect(await store.getBooking(late.id)).toBeNull();
    expect(await partition(`BOOKING#${late.id}`)).toEqual([]);
    const [day] = await store.calendar(room.id, [DAY]);
    expect(day && busyOf(day)).toEqual([
      { start: minute(`${DAY}T09:00:00Z`), end: minute(`${DAY}T11:00:00Z`) },
    ]);
  });

  it('answers taken, on DynamoDB Local, exactly when a booking overlaps what is held (property)', async () => {
    const room = await newRoom();
    const held: Array<{ start: number; end: number }> = [];
    const dayStart = minute(`${DAY}T00:00:00Z`);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1440 - 15 }),
        fc.integer({ min: 15, max: 180 }),
        async (from, length) => {
          const interval = { start: dayStart + from, end: dayStart + Math.min(1440, from + length) };
          if (interval.end - interval.start < 15) return;
          const booking = {
            ...newBooking(room),
            startTime: new Date(interval.start * 60_000).toISOString(),
            endTime: new Date(interval.end * 60_000).toISOString(),
          };
          const overlaps = held.some((h) => h.start < interval.end && interval.start < h.end);
          const outcome = await book(booking);
          expect(outcome).toBe(overlaps ? 'taken' : 'written');
          if (!overlaps) held.push(interval);
        },
      ),
      { numRuns: 60, seed: 20261203 },
    );
    const [day] = await store.calendar(room.id, [DAY]);
    const expected = held.reduce(
      (all, interval) => applyPieces(all, piecesOf(interval)[0] ?? (undefined as never), 1),
      EMPTY(DAY),
    );
    expect(day && busyOf(day)).toEqual(busyOf(expected));
  });

  it('answers key-taken for an Idempotency-Key already kept, before anything else, and writes nothing', async () => {
    const room = await newRoom();
    const userId = crypto.randomUUID();
    await book(newBooking(room, '09:00', '10:00'), { userId, key: 'k' });
    const twin = newBooking(room, '11:00', '12:00');

    expect(await book(twin, { userId, key: 'k' })).toBe('key-taken');
    expect(await store.getBooking(twin.id)).toBeNull();
    expect((await store.getIdempotency(userId, 'k'))?.booking).not.toHaveProperty('paymentToken');
    expect(await store.getIdempotency(crypto.randomUUID(), 'k')).toBeNull();
  });

  it('answers room-unavailable for a room gone or held by a deletion', async () => {
    const room = await newRoom();
    expect(await store.fenceRoom(room.id, 1, '2027-03-01T12:00:30.000Z', NOW)).toBe('written');

    expect(await book(newBooking(room))).toBe('room-unavailable');

    // A fence that lapsed (its deletion died) holds nothing.
    const later = newBooking(room);
    const outcome = await store.createBooking({
      booking: later,
      calendar: take(later),
      change: change(later),
      events: [],
      now: new Date('2027-03-01T12:01:00.000Z'),
    });
    expect(outcome).toBe('written');
  });

  it('frees at the booking version read, and replaces a day only at the version read', async () => {
    const room = await newRoom();
    const booking = newBooking(room);
    await book(booking);
    const next = { ...booking, status: 'CANCELLED' as const, version: 2 };
    const free = {
      next,
      calendar: piecesOf(intervalOf(booking)).map((pieces): CalendarWrite => ({ kind: 'free', pieces })),
      checkRoom: false,
      change: { ...change(next), action: 'cancelled' as const },
      events: [],
      now: NOW,
    };

    expect(await store.changeBooking({ ...free, expectedVersion: 2 })).toBe('stale');
    expect(await store.changeBooking({ ...free, expectedVersion: 1 })).toBe('written');
    const [day] = await store.calendar(room.id, [DAY]);
    expect(day).toMatchObject({ version: 2, cells: {} });
    expect(day && busyOf(day)).toEqual([]);
    expect((await store.history(booking.id, { limit: 10 })).changes.map((c) => c.action)).toEqual([
      'created',
      'cancelled',
    ]);

    const again = { ...next, version: 3 };
    const replace = (expectedVersion: number) =>
      store.changeBooking({
        ...free,
        next: again,
        expectedVersion: 2,
        calendar: [{ kind: 'replace', expectedVersion, next: EMPTY(DAY) }],
        change: { ...change(again), action: 'retitled' },
      });
    expect(await replace(1)).toBe('calendar-changed');
    expect(await replace(2)).toBe('written');
  });

  it('deletes a room only under the fence it set, and not after the fence lapsed', async () => {
    const room = await newRoom();
    const until = '2027-03-01T12:00:30.000Z';
    await store.fenceRoom(room.id, 1, until, NOW);

    expect(await store.fenceRoom(room.id, 1, '2027-03-01T12:00:40.000Z', NOW)).toBe('stale');
    expect(await store.deleteRoom(room.id, until, new Date('2027-03-01T12:00:31.000Z'))).toBe('stale');
    expect(await store.providerOfRoom(room.id)).toBe(room.providerId);
    expect(await store.deleteRoom(room.id, until, NOW)).toBe('written');
    expect(await store.getRoom(room.id)).toBeNull();
    // Its tombstone still names its provider, for the lists of its bookings.
    expect(await store.providerOfRoom(room.id)).toBe(room.providerId);
    expect(await store.providerOfRoom(crypto.randomUUID())).toBeNull();
  });

  it('reads the calendar from a day on, for the deletion check', async () => {
    const room = await newRoom();
    await book(newBooking(room, '09:00', '10:00'));

    expect((await store.calendarFrom(room.id, '2027-02-01')).map((d) => d.day)).toEqual([DAY]);
    expect(await store.calendarFrom(room.id, '2027-03-03')).toEqual([]);
  });

  it('lists upcoming bookings by start ascending and past by start descending, on the index', async () => {
    const room = await newRoom();
    const userId = crypto.randomUUID();
    for (const [from, to] of [
      ['13:00', '14:00'],
      ['09:00', '10:00'],
      ['11:00', '12:00'],
    ] as const) {
      expect(await book({ ...newBooking(room, from, to), userId })).toBe('written');
    }
    const source = { index: 'by-user' as const, userId };

    const upcoming = await store.listBookings({ source, when: 'upcoming', now: NOW, limit: 2 });
    const rest = await store.listBookings({
      source,
      when: 'upcoming',
      now: NOW,
      limit: 2,
      startKey: upcoming.lastKey,
    });
    const past = await store.listBookings({
      source,
      when: 'past',
      now: new Date('2027-03-02T12:30:00Z'),
      limit: 10,
    });

    expect(upcoming.bookings.map((b) => b.startTime.slice(11, 16))).toEqual(['09:00', '11:00']);
    expect(rest.bookings.map((b) => b.startTime.slice(11, 16))).toEqual(['13:00']);
    expect(rest.lastKey).toBeUndefined();
    expect(past.bookings.map((b) => b.startTime.slice(11, 16))).toEqual(['11:00', '09:00']);
  });

  it('keeps a day item under 1 KB when 15-minute bookings fill the day', async () => {
    const room = await newRoom();
    const dayStart = minute(`${DAY}T00:00:00Z`);
    for (let i = 0; i < 96; i += 1) {
      const booking = {
        ...newBooking(room),
        startTime: new Date((dayStart + i * 15) * 60_000).toISOString(),
        endTime: new Date((dayStart + i * 15 + 15) * 60_000).toISOString(),
      };
      expect(await book(booking)).toBe('written');
    }

    const item = (await partition(`ROOM#${room.id}`)).find((i) => i.sk === `DAY#${DAY}`);
    if (!item) throw new Error('the day item is missing');
    // DynamoDB's item size: each attribute's name and value (a number takes at most 21 bytes; these
    // small ones 2).
    const size = Object.entries(item).reduce(
      (total, [name, value]) => total + name.length + (typeof value === 'number' ? 2 : String(value).length),
      0,
    );
    expect(size).toBeLessThan(1024);
    const [day] = await store.calendar(room.id, [DAY]);
    expect(day && busyOf(day)).toEqual([{ start: dayStart, end: dayStart + 1440 }]);
  });
});

describe('Function: recordReminder', () => {
  const reminder = (booking: StoredBooking) =>
    newEvent(
      'booking.reminder',
      { booking: publicBooking(booking), leadSeconds: 600 },
      { correlationId: 'it', occurredAt: NOW },
    );

  it('records the reminder of a confirmed booking once, carrying booking.reminder, and refuses a booking moved or not confirmed', async () => {
    const room = await newRoom();
    const confirmed = { ...newBooking(room, '13:00', '14:00'), status: 'CONFIRMED' as const };
    const pending = newBooking(room, '15:00', '16:00');
    expect(await book(confirmed)).toBe('written');
    expect(await book(pending)).toBe('written');

    const first = await store.recordReminder({ booking: confirmed, event: reminder(confirmed), now: NOW });
    const again = await store.recordReminder({ booking: confirmed, event: reminder(confirmed), now: NOW });
    const moved = { ...confirmed, startTime: `${DAY}T12:00:00.000Z` };
    const elsewhere = await store.recordReminder({ booking: moved, event: reminder(moved), now: NOW });
    const unpaid = await store.recordReminder({ booking: pending, event: reminder(pending), now: NOW });

    expect([first, again, elsewhere, unpaid]).toEqual(['written', 'already-sent', 'changed', 'changed']);
    const records = (await partition(`BOOKING#${confirmed.id}`)).filter((item) =>
      String(item.sk).startsWith('REMINDER#'),
    );
    expect(records.map((item) => item.sk)).toEqual([`REMINDER#${confirmed.startTime}`]);
    expect(eventsOf(records[0]).map((e) => e.detailType)).toEqual(['booking.reminder']);
    expect(
      (await partition(`BOOKING#${pending.id}`)).some((item) => String(item.sk).startsWith('REMINDER#')),
    ).toBe(false);
  });
});

describe('The table after the store tests', () => {
  it('holds no outbox item: every event rode on a change record', async () => {
    const items =
      (await table.documentClient.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];
    expect(items.filter((item) => String(item.pk).startsWith('OUTBOX#'))).toEqual([]);
  });
});
