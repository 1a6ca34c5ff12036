import { describe, expect, it } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import {
  cancelBooking,
  confirmBooking,
  createBooking,
  expireBooking,
  failBooking,
  planCalendar,
  updateBooking,
} from '../../../src/domain/bookings.ts';
import { applyPieces, busyOf, type DayPieces, EMPTY, piecesOf } from '../../../src/domain/calendar.ts';
import { createRoom, deleteRoom } from '../../../src/domain/rooms.ts';
import {
  BookingNotFoundError,
  BookingOverlapError,
  BookingStartedError,
  CalendarContendedError,
  IdempotencyKeyReusedError,
  IllegalBookingTransitionError,
  NotAllowedError,
  RoomClosingError,
  RoomHasBookingsError,
  StaleVersionError,
  UnknownRoomError,
} from '../../../src/errors.ts';
import { deps, fixedClock, memoryStore, principal } from '../fakes.ts';

const minute = (iso: string) => Date.parse(iso) / 60_000;

const setup = async () => {
  const memory = memoryStore();
  const d = deps({ store: memory.store });
  const provider = principal('provider');
  const room = await createRoom(d, provider, {
    name: 'Blue',
    type: 'meeting',
    capacity: 8,
    pricePerHour: 1000,
    currency: 'EUR',
  });
  return { memory, d, provider, room, user: principal('user'), other: principal('user') };
};

const slot = (roomId: string, from: string, to: string, extra: Record<string, string> = {}) => ({
  roomId,
  startTime: `2027-03-02T${from}:00Z`,
  endTime: `2027-03-02T${to}:00Z`,
  ...extra,
});

describe('Function: createBooking', () => {
  it('books PENDING_PAYMENT at the room price, rounding up, with booking.created and the interval taken', async () => {
    const { memory, d, user, room, provider } = await setup();

    const { booking, replayed } = await createBooking(
      d,
      user,
      slot(room.id, '09:00', '10:07', { paymentToken: 'tok_ok' }),
      {
        correlationId: 'req-1',
      },
    );

    expect(replayed).toBe(false);
    expect(booking).toMatchObject({
      status: 'PENDING_PAYMENT',
      amount: 1117,
      currency: 'EUR',
      userId: user.userId,
      providerId: provider.userId,
      version: 1,
    });
    expect(booking).not.toHaveProperty('paymentToken');
    expect(memory.events.map((e) => e.detailType)).toEqual(['booking.created', 'room.availability_changed']);
    expect(memory.events[0]?.detail.data).toMatchObject({ paymentToken: 'tok_ok' });
    expect(memory.events[1]?.detail.data).toEqual({
      roomId: room.id,
      change: 'taken',
      startTime: '2027-03-02T09:00:00.000Z',
      endTime: '2027-03-02T10:07:00.000Z',
    });
    expect(memory.changes.get(booking.id)).toEqual([
      expect.objectContaining({
        action: 'created',
        fromStatus: null,
        toStatus: 'PENDING_PAYMENT',
        actorId: user.userId,
        requestId: 'req-1',
      }),
    ]);
  });

  it('refuses an overlap naming the interval it overlaps, and takes the half-open neighbour', async () => {
    const { d, user, other, room } = await setup();
    await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });

    await expect(
      createBooking(d, other, slot(room.id, '09:30', '10:30'), { correlationId: 'c' }),
    ).rejects.toMatchObject({
      extensions: {
        conflict: { startTime: '2027-03-02T09:00:00.000Z', endTime: '2027-03-02T10:00:00.000Z' },
      },
    });
    await expect(
      createBooking(d, other, slot(room.id, '10:00', '11:00'), { correlationId: 'c' }),
    ).resolves.toBeDefined();
  });

  it('books beside another booking of the same day that landed between its read and its write, in one write', async () => {
    const { memory, d, user, room } = await setup();
    // Another booking of the same day, other cells, commits first: no condition of ours fails.
    memory.beforeWrite.push(() =>
      memory.occupy(room.id, { start: minute('2027-03-02T10:07:00Z'), end: minute('2027-03-02T11:00:00Z') }),
    );

    await createBooking(d, user, slot(room.id, '09:00', '10:07'), { correlationId: 'c' });

    expect(memory.writes.attempted).toBe(1);
    expect(memory.busyOn(room.id, '2027-03-02')).toEqual([
      { start: minute('2027-03-02T09:00:00Z'), end: minute('2027-03-02T11:00:00Z') },
    ]);
  });

  it('finds the overlap that landed between its read and its write', async () => {
    const { memory, d, user, room } = await setup();
    // The other request's booking commits first.
    memory.beforeWrite.push(() =>
      memory.occupy(room.id, {
        start: minute('2027-03-02T09:30:00Z'),
        end: minute('2027-03-02T10:30:00Z'),
      }),
    );

    await expect(
      createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' }),
    ).rejects.toMatchObject({
      constructor: BookingOverlapError,
      extensions: {
        conflict: { startTime: '2027-03-02T09:30:00.000Z', endTime: '2027-03-02T10:30:00.000Z' },
      },
    });
    expect(memory.bookings.size).toBe(0);
  });

  it('answers 503 (CalendarContended) when its interval keeps being taken and freed, having written nothing', async () => {
    const { memory, d, user, room } = await setup();
    const theirs = { start: minute('2027-03-02T09:30:00Z'), end: minute('2027-03-02T09:45:00Z') };
    // Each time, the cell is taken just before our write and freed just after it.
    let held = false;
    const flip = () => {
      if (!held) memory.occupy(room.id, theirs);
      else memory.free(room.id, theirs);
      held = !held;
    };
    memory.store.calendar = (
      (original) =>
      async (...args: Parameters<typeof original>) => {
        if (held) flip();
        return original(...args);
      }
    )(memory.store.calendar.bind(memory.store));
    for (let i = 0; i < 100; i++) memory.beforeWrite.push(flip);

    await expect(
      createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' }),
    ).rejects.toBeInstanceOf(CalendarContendedError);
    expect(memory.bookings.size).toBe(0);
    expect(memory.events).toEqual([]);
  });

  it('replays an Idempotency-Key with the same body, and refuses it with another', async () => {
    const { memory, d, user, room } = await setup();
    const body = slot(room.id, '09:00', '10:00', { title: 'Standup' });
    const first = await createBooking(d, user, body, { correlationId: 'c', idempotencyKey: 'k-1' });

    const again = await createBooking(d, user, { ...body }, { correlationId: 'c2', idempotencyKey: 'k-1' });

    expect(again).toEqual({ booking: first.booking, replayed: true });
    expect(memory.bookings.size).toBe(1);
    await expect(
      createBooking(d, user, { ...body, title: 'Other' }, { correlationId: 'c', idempotencyKey: 'k-1' }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('keeps keys per caller: another user with the same key books for themselves', async () => {
    const { memory, d, user, other, room } = await setup();
    await createBooking(d, user, slot(room.id, '09:00', '10:00'), {
      correlationId: 'c',
      idempotencyKey: 'same',
    });

    const theirs = await createBooking(d, other, slot(room.id, '11:00', '12:00'), {
      correlationId: 'c',
      idempotencyKey: 'same',
    });

    expect(theirs.replayed).toBe(false);
    expect(memory.bookings.size).toBe(2);
  });

  it('replays the twin request that took the key between its read and its write', async () => {
    const { memory, d, user, room } = await setup();
    const body = slot(room.id, '09:00', '10:00');
    let twin: Promise<unknown> | undefined;
    memory.beforeWrite.push(() => {
      twin = createBooking(d, user, body, { correlationId: 'twin', idempotencyKey: 'k' });
    });

    const result = await createBooking(d, user, body, { correlationId: 'c', idempotencyKey: 'k' });
    await twin;

    expect(memory.bookings.size).toBe(1);
    expect(result.booking.id).toBe([...memory.bookings.keys()][0]);
  });

  it('lets only admins book for someone else', async () => {
    const { d, user, other, room } = await setup();

    await expect(
      createBooking(d, user, slot(room.id, '09:00', '10:00', { userId: other.userId }), {
        correlationId: 'c',
      }),
    ).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('refuses an unknown room (422) and one being deleted (409)', async () => {
    const { memory, d, user, room } = await setup();
    await expect(
      createBooking(d, user, slot(crypto.randomUUID(), '09:00', '10:00'), { correlationId: 'c' }),
    ).rejects.toBeInstanceOf(UnknownRoomError);
    const stored = memory.rooms.get(room.id);
    if (stored) memory.rooms.set(room.id, { ...stored, closingUntil: '2027-03-01T12:00:30.000Z' });

    await expect(
      createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' }),
    ).rejects.toBeInstanceOf(RoomClosingError);
  });
});

describe('Function: updateBooking', () => {
  it('reschedules in one write: the old interval freed, the new taken, the amount recomputed', async () => {
    const { memory, d, user, other, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });

    const moved = await updateBooking(
      d,
      user,
      booking.id,
      { startTime: '2027-03-02T09:30:00Z', endTime: '2027-03-02T11:00:00Z' },
      { correlationId: 'r' },
    );

    expect(moved).toMatchObject({ amount: 1500, version: 2, startTime: '2027-03-02T09:30:00.000Z' });
    expect(memory.busyOn(room.id, '2027-03-02')).toEqual([
      { start: minute('2027-03-02T09:30:00Z'), end: minute('2027-03-02T11:00:00Z') },
    ]);
    expect(
      memory.events.slice(2).map((e) => [e.detailType, (e.detail.data as { change?: string }).change]),
    ).toEqual([
      ['booking.rescheduled', undefined],
      ['room.availability_changed', 'freed'],
      ['room.availability_changed', 'taken'],
    ]);
    await expect(
      createBooking(d, other, slot(room.id, '09:00', '09:30'), { correlationId: 'c' }),
    ).resolves.toBeDefined();
  });

  it('refuses a reschedule onto another booking, changing nothing', async () => {
    const { memory, d, user, other, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });
    await createBooking(d, other, slot(room.id, '12:00', '13:00'), { correlationId: 'c' });

    await expect(
      updateBooking(
        d,
        user,
        booking.id,
        { startTime: '2027-03-02T12:30:00Z', endTime: '2027-03-02T13:30:00Z' },
        { correlationId: 'r' },
      ),
    ).rejects.toBeInstanceOf(BookingOverlapError);
    expect(memory.bookings.get(booking.id)?.version).toBe(1);
  });

  it('answers 412 for a stale If-Match, and the provider 403', async () => {
    const { d, user, provider, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });

    await expect(
      updateBooking(
        d,
        user,
        booking.id,
        { title: 'x' },
        { correlationId: 'r', precondition: { versions: [7] } },
      ),
    ).rejects.toBeInstanceOf(StaleVersionError);
    await expect(
      updateBooking(d, provider, booking.id, { title: 'x' }, { correlationId: 'r' }),
    ).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('refuses a change once the booking has started', async () => {
    const { memory, user, room } = await setup();
    const early = deps({ store: memory.store });
    const { booking } = await createBooking(early, user, slot(room.id, '09:00', '10:00'), {
      correlationId: 'c',
    });
    const later = deps({ store: memory.store, clock: fixedClock('2027-03-02T09:00:00.000Z') });

    await expect(
      updateBooking(later, user, booking.id, { title: 'late' }, { correlationId: 'r' }),
    ).rejects.toBeInstanceOf(BookingStartedError);
    await expect(cancelBooking(later, user, booking.id, { correlationId: 'r' })).rejects.toBeInstanceOf(
      BookingStartedError,
    );
  });
});

describe('Cancel, confirm, fail and expire', () => {
  it('cancels, freeing the interval at once; a second cancel answers the cancelled booking and writes nothing', async () => {
    const { memory, d, user, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });

    const cancelled = await cancelBooking(d, user, booking.id, { correlationId: 'x' });
    const writes = memory.writes.attempted;
    const again = await cancelBooking(d, user, booking.id, { correlationId: 'y' });

    expect(cancelled.status).toBe('CANCELLED');
    expect(again).toEqual(cancelled);
    expect(memory.writes.attempted).toBe(writes);
    expect(memory.busyOn(room.id, '2027-03-02')).toEqual([]);
  });

  it.each([
    ['confirmBooking', confirmBooking, 'CONFIRMED', ['booking.confirmed'], 1],
    [
      'failBooking',
      failBooking,
      'PAYMENT_FAILED',
      ['booking.payment_failed', 'room.availability_changed'],
      0,
    ],
    ['expireBooking', expireBooking, 'EXPIRED', ['booking.expired', 'room.availability_changed'], 0],
  ] as const)(
    '%s moves a pending booking once; a second call changes and publishes nothing',
    async (_name, move, status, events, holds) => {
      const { memory, d, user, room } = await setup();
      const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), {
        correlationId: 'c',
      });
      const before = memory.events.length;

      const first = await move(d, booking.id, { correlationId: 'evt-1' });
      const after = memory.events.length;
      const second = await move(d, booking.id, { correlationId: 'evt-2' });

      expect(first).toMatchObject({ changed: true, booking: { status, version: 2 } });
      expect(second).toMatchObject({ changed: false, booking: { status, version: 2 } });
      expect(memory.events.slice(before).map((e) => e.detailType)).toEqual(events);
      expect(memory.events.length).toBe(after);
      expect(memory.busyOn(room.id, '2027-03-02')).toHaveLength(holds);
      expect(memory.changes.get(booking.id)?.at(-1)).toMatchObject({
        actorId: null,
        actorRole: null,
        requestId: 'evt-1',
      });
    },
  );

  it('refuses to confirm a cancelled booking, naming both states (for payments to compensate)', async () => {
    const { d, user, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });
    await cancelBooking(d, user, booking.id, { correlationId: 'x' });

    await expect(confirmBooking(d, booking.id, { correlationId: 'e' })).rejects.toMatchObject({
      constructor: IllegalBookingTransitionError,
      extensions: { currentStatus: 'CANCELLED', requestedStatus: 'CONFIRMED' },
    });
  });
});

describe('Metric: BookingsCreated', () => {
  it('counts one for a booking it creates, under the bookings service, with the request id', async () => {
    // Prepare
    const { d, user, room } = await setup();
    const metrics = capturedMetrics('bookings');

    // Act
    await createBooking({ ...d, metrics }, user, slot(room.id, '09:00', '10:00'), { correlationId: 'req-1' });

    // Assess
    expect(metrics.published('BookingsCreated')).toEqual([
      { value: 1, dimensions: [['service', 'environment']], service: 'bookings', correlationId: 'req-1' },
    ]);
  });

  it('counts nothing for an Idempotency-Key replay of the same body', async () => {
    // Prepare
    const { d, user, room } = await setup();
    const body = slot(room.id, '09:00', '10:00');
    await createBooking(d, user, body, { correlationId: 'c', idempotencyKey: 'k-1' });
    const metrics = capturedMetrics('bookings');

    // Act
    const again = await createBooking(
      { ...d, metrics },
      user,
      { ...body },
      {
        correlationId: 'c2',
        idempotencyKey: 'k-1',
      },
    );

    // Assess
    expect(again.replayed).toBe(true);
    expect(metrics.total('BookingsCreated')).toBe(0);
  });

  it('counts one for two requests with one key at once, the one that finds the key taken replaying', async () => {
    // Prepare
    const { memory, d, user, room } = await setup();
    const metrics = capturedMetrics('bookings');
    const counting = { ...d, metrics };
    const body = slot(room.id, '09:00', '10:00');

    // Act
    const results = await Promise.all([
      createBooking(counting, user, body, { correlationId: 'a', idempotencyKey: 'k' }),
      createBooking(counting, user, body, { correlationId: 'b', idempotencyKey: 'k' }),
    ]);

    // Assess
    // Both read no key and wrote: the second write found the key taken and replayed the first.
    expect(memory.writes.attempted).toBe(2);
    expect(results.map((r) => r.replayed)).toEqual([false, true]);
    expect(memory.bookings.size).toBe(1);
    expect(metrics.total('BookingsCreated')).toBe(1);
  });

  it('counts nothing for a booking refused for an overlap (409)', async () => {
    // Prepare
    const { d, user, other, room } = await setup();
    await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });
    const metrics = capturedMetrics('bookings');

    // Act
    const refused = createBooking({ ...d, metrics }, other, slot(room.id, '09:30', '10:30'), {
      correlationId: 'c2',
    });

    // Assess
    await expect(refused).rejects.toBeInstanceOf(BookingOverlapError);
    expect(metrics.total('BookingsCreated')).toBe(0);
  });
});

describe('Metric: BookingsCancelled', () => {
  it('counts one for a booking it cancels, under the bookings service, with the request id', async () => {
    // Prepare
    const { d, user, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });
    const metrics = capturedMetrics('bookings');

    // Act
    await cancelBooking({ ...d, metrics }, user, booking.id, { correlationId: 'req-cancel' });

    // Assess
    expect(metrics.published('BookingsCancelled')).toEqual([
      {
        value: 1,
        dimensions: [['service', 'environment']],
        service: 'bookings',
        correlationId: 'req-cancel',
      },
    ]);
  });

  it('counts nothing for cancelling a booking already cancelled (it answers as it is)', async () => {
    // Prepare
    const { d, user, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });
    await cancelBooking(d, user, booking.id, { correlationId: 'x' });
    const metrics = capturedMetrics('bookings');

    // Act
    const again = await cancelBooking({ ...d, metrics }, user, booking.id, { correlationId: 'y' });

    // Assess
    expect(again.status).toBe('CANCELLED');
    expect(metrics.total('BookingsCancelled')).toBe(0);
  });

  it('counts one for two cancels of one booking at once', async () => {
    // Prepare
    const { memory, d, user, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });
    const metrics = capturedMetrics('bookings');
    const writes = memory.writes.attempted;

    // Act
    await Promise.all([
      cancelBooking({ ...d, metrics }, user, booking.id, { correlationId: 'x' }),
      cancelBooking({ ...d, metrics }, user, booking.id, { correlationId: 'y' }),
    ]);

    // Assess
    // Both wrote at the version they read: one landed, the other read again and found it cancelled.
    expect(memory.writes.attempted - writes).toBe(2);
    expect(metrics.total('BookingsCancelled')).toBe(1);
  });

  it.each([
    ['once the booking has started', 'owner', '2027-03-02T09:00:00.000Z', BookingStartedError],
    ["by the room's provider (403)", 'provider', '2027-03-01T12:00:00.000Z', NotAllowedError],
    ['by another user (404)', 'other', '2027-03-01T12:00:00.000Z', BookingNotFoundError],
  ] as const)('counts nothing for a cancel refused %s', async (_case, who, nowIso, refusal) => {
    // Prepare
    const { memory, d, user, other, provider, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });
    const caller = { owner: user, provider, other }[who];
    const metrics = capturedMetrics('bookings');
    const later = deps({ store: memory.store, clock: fixedClock(nowIso), metrics });

    // Act
    const refused = cancelBooking(later, caller, booking.id, { correlationId: 'x' });

    // Assess
    await expect(refused).rejects.toBeInstanceOf(refusal);
    expect(metrics.total('BookingsCancelled')).toBe(0);
  });
});

describe('Function: deleteRoom', () => {
  it('refuses while a live booking has not ended, and lifts its fence', async () => {
    const { memory, d, user, provider, room } = await setup();
    const { booking } = await createBooking(d, user, slot(room.id, '09:00', '10:00'), { correlationId: 'c' });

    await expect(deleteRoom(d, provider, room.id, undefined)).rejects.toBeInstanceOf(RoomHasBookingsError);
    expect(memory.rooms.get(room.id)?.closingUntil).toBeNull();

    await cancelBooking(d, user, booking.id, { correlationId: 'x' });
    await deleteRoom(d, provider, room.id, undefined);
    expect(memory.rooms.has(room.id)).toBe(false);
  });
});

describe('Function: planCalendar', () => {
  const day = '2027-03-02';
  const at = (hh: string) => minute(`${day}T${hh}:00Z`);
  const holding = (interval: { start: number; end: number }, version: number) => ({
    ...applyPieces(EMPTY(day), piecesOf(interval)[0] as DayPieces, 1),
    version,
  });

  it('takes a new interval cell by cell, and refuses one that overlaps, naming the busy stretch', () => {
    const days = [holding({ start: at('12:00'), end: at('13:00') }, 1)];

    expect(planCalendar(days, { add: { start: at('08:00'), end: at('09:00') } })).toEqual({
      writes: [{ kind: 'take', pieces: piecesOf({ start: at('08:00'), end: at('09:00') })[0] }],
    });
    expect(planCalendar(days, { add: { start: at('12:45'), end: at('13:15') } })).toEqual({
      conflict: { start: at('12:00'), end: at('13:00') },
    });
  });

  it('lets a reschedule overlap only its own old interval, replacing the day at the version read', () => {
    const old = { start: at('09:00'), end: at('10:00') };
    const plan = planCalendar([holding(old, 3)], {
      remove: old,
      add: { start: at('09:30'), end: at('10:30') },
    });

    expect(plan).toMatchObject({ writes: [{ kind: 'replace', expectedVersion: 3 }] });
    const next = 'writes' in plan && plan.writes[0]?.kind === 'replace' ? plan.writes[0].next : EMPTY(day);
    expect(busyOf(next)).toEqual([{ start: at('09:30'), end: at('10:30') }]);
  });

  it('frees the days a reschedule leaves and takes the ones it moves to', () => {
    const old = { start: at('09:00'), end: at('10:00') };
    const plan = planCalendar([holding(old, 2), EMPTY('2027-03-03')], {
      remove: old,
      add: { start: minute('2027-03-03T09:00:00Z'), end: minute('2027-03-03T10:00:00Z') },
    });

    expect(plan).toMatchObject({ writes: [{ kind: 'free' }, { kind: 'take' }] });
  });
});
