/**
 * The bookings store on DynamoDB Local: its conditional writes answer the outcome of the item that
 * failed, and a transaction that fails leaves nothing behind.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { newEvent } from '@tessera/shared/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createBookingStore, decodeIntervals, encodeIntervals } from '../../src/adapters/booking-store.ts';
import { publicBooking, type StoredBooking } from '../../src/domain/booking.ts';
import type { BookingStore, ChangeRecord } from '../../src/domain/ports.ts';
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

const book = async (
  booking: StoredBooking,
  expectedVersion: number,
  idempotency?: { userId: string; key: string },
) =>
  store.createBooking({
    booking,
    calendar: [{ day: DAY, expectedVersion, intervals: [intervalOf(booking)] }],
    change: change(booking),
    events: [created(booking)],
    idempotency: idempotency && { ...idempotency, requestHash: 'h', expiresAt: NOW.getTime() / 1000 + 86400 },
    now: NOW,
  });

describe('The calendar interval codec', () => {
  it('round-trips intervals in 8 bytes each', () => {
    const intervals = [
      { start: minute('2027-03-02T09:00:00Z'), end: minute('2027-03-02T10:00:00Z') },
      { start: minute('2027-02-20T00:00:00Z'), end: minute('2027-03-21T23:59:00Z') },
    ];

    const encoded = encodeIntervals(intervals);

    expect(encoded.byteLength).toBe(16);
    expect(decodeIntervals(encoded)).toEqual(intervals);
  });
});

describe('Function: createBookingStore', () => {
  it('books: the day at version 1, the booking, its change record carrying its events', async () => {
    const room = await newRoom();
    const booking = newBooking(room);

    expect(await book(booking, 0)).toBe('written');

    expect(await store.calendar(room.id, [DAY, '2027-03-03'])).toEqual([
      { day: DAY, version: 1, intervals: [intervalOf(booking)] },
      { day: '2027-03-03', version: 0, intervals: [] },
    ]);
    expect(await store.getBooking(booking.id)).toEqual(booking);
    const items = await partition(`BOOKING#${booking.id}`);
    expect(items.map((item) => item.sk).sort()).toEqual(['BOOKING', 'CHANGE#000001']);
    const record = items.find((item) => item.sk === 'CHANGE#000001');
    expect(record?.outboxEvents).toEqual([expect.objectContaining({ detailType: 'booking.created' })]);
    expect(record?.ttl).toBeUndefined();
  });

  it('answers calendar-changed for a day no longer at the version read, and writes nothing', async () => {
    const room = await newRoom();
    await book(newBooking(room, '09:00', '10:00'), 0);
    const late = newBooking(room, '11:00', '12:00');

    expect(await book(late, 0)).toBe('calendar-changed');

    expect(await store.getBooking(late.id)).toBeNull();
    expect(await partition(`BOOKING#${late.id}`)).toEqual([]);
    expect((await store.calendar(room.id, [DAY]))[0]?.version).toBe(1);
  });

  it('answers key-taken for an Idempotency-Key already kept, before anything else, and writes nothing', async () => {
    const room = await newRoom();
    const userId = crypto.randomUUID();
    await book(newBooking(room, '09:00', '10:00'), 0, { userId, key: 'k' });
    const twin = newBooking(room, '11:00', '12:00');

    expect(await book(twin, 0, { userId, key: 'k' })).toBe('key-taken');
    expect(await store.getBooking(twin.id)).toBeNull();
    expect((await store.getIdempotency(userId, 'k'))?.booking).not.toHaveProperty('paymentToken');
    expect(await store.getIdempotency(crypto.randomUUID(), 'k')).toBeNull();
  });

  it('answers room-unavailable for a room gone or held by a deletion', async () => {
    const room = await newRoom();
    expect(await store.fenceRoom(room.id, 1, '2027-03-01T12:00:30.000Z', NOW)).toBe('written');

    expect(await book(newBooking(room), 0)).toBe('room-unavailable');

    // A fence that lapsed (its deletion died) holds nothing.
    const later = newBooking(room);
    const outcome = await store.createBooking({
      booking: later,
      calendar: [{ day: DAY, expectedVersion: 0, intervals: [intervalOf(later)] }],
      change: change(later),
      events: [],
      now: new Date('2027-03-01T12:01:00.000Z'),
    });
    expect(outcome).toBe('written');
  });

  it('changes a booking only at the version read', async () => {
    const room = await newRoom();
    const booking = newBooking(room);
    await book(booking, 0);
    const next = { ...booking, status: 'CANCELLED' as const, version: 2 };
    const write = {
      next,
      calendar: [{ day: DAY, expectedVersion: 1, intervals: [] }],
      checkRoom: false,
      change: { ...change(next), action: 'cancelled' as const },
      events: [],
      now: NOW,
    };

    expect(await store.changeBooking({ ...write, expectedVersion: 2 })).toBe('stale');
    expect(await store.changeBooking({ ...write, expectedVersion: 1 })).toBe('written');
    expect(await store.calendar(room.id, [DAY])).toEqual([{ day: DAY, version: 2, intervals: [] }]);
    expect((await store.history(booking.id, { limit: 10 })).changes.map((c) => c.action)).toEqual([
      'created',
      'cancelled',
    ]);
  });

  it('deletes a room only under the fence it set, and not after the fence lapsed', async () => {
    const room = await newRoom();
    const until = '2027-03-01T12:00:30.000Z';
    await store.fenceRoom(room.id, 1, until, NOW);

    expect(await store.fenceRoom(room.id, 1, '2027-03-01T12:00:40.000Z', NOW)).toBe('stale');
    expect(await store.deleteRoom(room.id, until, new Date('2027-03-01T12:00:31.000Z'))).toBe('stale');
    expect(await store.deleteRoom(room.id, until, NOW)).toBe('written');
    expect(await store.getRoom(room.id)).toBeNull();
  });

  it('finds a live interval for the deletion check, from the day it is told on', async () => {
    const room = await newRoom();
    await book(newBooking(room, '09:00', '10:00'), 0);

    expect(await store.hasIntervalEndingAfter(room.id, '2027-02-01', minute('2027-03-02T09:30:00Z'))).toBe(
      true,
    );
    expect(await store.hasIntervalEndingAfter(room.id, '2027-02-01', minute('2027-03-02T10:00:00Z'))).toBe(
      false,
    );
    expect(await store.hasIntervalEndingAfter(room.id, '2027-03-03', 0)).toBe(false);
  });

  it('lists upcoming bookings by start ascending and past by start descending, on the index', async () => {
    const room = await newRoom();
    const userId = crypto.randomUUID();
    const slots = [
      ['13:00', '14:00'],
      ['09:00', '10:00'],
      ['11:00', '12:00'],
    ];
    let version = 0;
    for (const [from, to] of slots) {
      const booking = { ...newBooking(room, from, to), userId };
      const days = await store.calendar(room.id, [DAY]);
      await store.createBooking({
        booking,
        calendar: [
          {
            day: DAY,
            expectedVersion: version++,
            intervals: [...(days[0]?.intervals ?? []), intervalOf(booking)],
          },
        ],
        change: change(booking),
        events: [],
        now: NOW,
      });
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

  it('keeps a day item under 1 KB with the most intervals a day can hold', async () => {
    const room = await newRoom();
    const start = minute(`${DAY}T00:00:00Z`);
    const intervals = [
      { start: start - 600, end: start + 1 },
      ...Array.from({ length: 95 }, (_, i) => ({ start: start + 1 + i * 15, end: start + 16 + i * 15 })),
      { start: start + 1426, end: start + 3000 },
    ];
    const booking = newBooking(room);
    await store.createBooking({
      booking,
      calendar: [{ day: DAY, expectedVersion: 0, intervals }],
      change: change(booking),
      events: [],
      now: NOW,
    });

    const item = (await partition(`ROOM#${room.id}`)).find((i) => i.sk === `DAY#${DAY}`);
    // DynamoDB's item size: each attribute's name and value (a number takes at most 21 bytes).
    if (!item) throw new Error('the day item is missing');
    const size =
      'pk'.length +
      String(item.pk).length +
      'sk'.length +
      String(item.sk).length +
      'version'.length +
      21 +
      'intervals'.length +
      (item.intervals as Uint8Array).byteLength;
    expect(size).toBeLessThan(1024);
    expect((await store.calendar(room.id, [DAY]))[0]?.intervals).toEqual(intervals);
  });
});

describe('The table after the store tests', () => {
  it('holds no outbox item: every event rode on a change record', async () => {
    const items =
      (await table.documentClient.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];
    expect(items.filter((item) => String(item.pk).startsWith('OUTBOX#'))).toEqual([]);
  });
});
