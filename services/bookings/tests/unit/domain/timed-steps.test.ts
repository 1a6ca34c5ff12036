import { describe, expect, it } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import { cancelBooking, confirmBooking, createBooking, updateBooking } from '../../../src/domain/bookings.ts';
import type { ScheduleDependencies } from '../../../src/domain/ports.ts';
import { createRoom } from '../../../src/domain/rooms.ts';
import { lapseHold, reconcileSchedules, remind, wantedSteps } from '../../../src/domain/timed-steps.ts';
import { deps, memoryStore, principal } from '../fakes.ts';

const TIMING = { reminderLeadSeconds: 600, paymentHoldSeconds: 900 };

/** A world whose clock a test moves, with schedules kept in a map as Scheduler would keep them. */
const world = async (nowIso = '2027-03-01T12:00:00.000Z') => {
  const memory = memoryStore();
  let now = new Date(nowIso);
  const clock = { now: () => now };
  const metrics = capturedMetrics('bookings');
  const base = deps({ store: memory.store, clock, metrics });
  const schedules = new Map<string, { at: Date; input: Readonly<Record<string, unknown>> }>();
  const d: ScheduleDependencies = {
    store: base.store,
    clock,
    retries: base.retries,
    metrics,
    timing: TIMING,
    schedules: {
      async put(name, schedule) {
        schedules.set(name, schedule);
      },
      async remove(name) {
        schedules.delete(name);
      },
    },
  };
  const provider = principal('provider');
  const room = await createRoom(base, provider, {
    name: 'Blue',
    type: 'meeting',
    capacity: 8,
    pricePerHour: 1000,
    currency: 'EUR',
  });
  const user = principal('user');
  const book = async (startTime: string, endTime: string) =>
    (await createBooking(base, user, { roomId: room.id, startTime, endTime }, { correlationId: 'req-1' }))
      .booking;
  const reminders = () => memory.events.filter((e) => e.detailType === 'booking.reminder');
  return {
    memory,
    metrics,
    d,
    base,
    user,
    schedules,
    book,
    reminders,
    at: (iso: string) => {
      now = new Date(iso);
    },
  };
};

describe('Function: wantedSteps', () => {
  const booking = (status: string, startTime: string) =>
    ({ status, startTime, createdAt: '2027-03-01T12:00:00.000Z' }) as never;
  const now = new Date('2027-03-01T12:00:00.000Z');

  it('holds a pending booking until its creation plus the hold, and reminds a confirmed one at its start less the lead', () => {
    expect(wantedSteps(booking('PENDING_PAYMENT', '2027-03-02T10:00:00Z'), now, TIMING)).toEqual({
      hold: new Date('2027-03-01T12:15:00.000Z'),
      reminder: null,
    });
    expect(wantedSteps(booking('CONFIRMED', '2027-03-02T10:00:00Z'), now, TIMING)).toEqual({
      hold: null,
      reminder: new Date('2027-03-02T09:50:00.000Z'),
    });
  });

  it('reminds at once inside the lead, never once started, and wants nothing of a closed booking', () => {
    expect(wantedSteps(booking('CONFIRMED', '2027-03-01T12:05:00Z'), now, TIMING).reminder).toBe('now');
    expect(wantedSteps(booking('CONFIRMED', '2027-03-01T12:00:00Z'), now, TIMING).reminder).toBeNull();
    expect(wantedSteps(booking('CANCELLED', '2027-03-02T10:00:00Z'), now, TIMING)).toEqual({
      hold: null,
      reminder: null,
    });
  });

  it('lets a hold lapse at once when its time has passed', () => {
    const late = new Date('2027-03-01T12:15:00.000Z');
    expect(wantedSteps(booking('PENDING_PAYMENT', '2027-03-02T10:00:00Z'), late, TIMING).hold).toBe('now');
  });
});

describe('Function: reconcileSchedules', () => {
  it('schedules the hold of a new booking, then swaps it for the reminder once confirmed', async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');

    await reconcileSchedules(w.d, booking.id, 'req-1');
    expect([...w.schedules.keys()]).toEqual([`hold-${booking.id}`]);
    expect(w.schedules.get(`hold-${booking.id}`)).toEqual({
      at: new Date('2027-03-01T12:15:00.000Z'),
      input: { schedule: 'payment-hold', bookingId: booking.id, correlationId: 'req-1' },
    });

    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    await reconcileSchedules(w.d, booking.id, 'req-2');

    expect([...w.schedules.keys()]).toEqual([`reminder-${booking.id}`]);
    expect(w.schedules.get(`reminder-${booking.id}`)?.at).toEqual(new Date('2027-03-02T09:50:00.000Z'));
  });

  it('moves the reminder with a reschedule, whatever order the events come in', async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    await updateBooking(
      w.base,
      w.user,
      booking.id,
      { startTime: '2027-03-03T08:00:00Z', endTime: '2027-03-03T09:00:00Z' },
      {
        correlationId: 'req-3',
      },
    );

    // The rescheduled event first, then the older confirmed one: the table decides, not the event.
    await reconcileSchedules(w.d, booking.id, 'req-3');
    await reconcileSchedules(w.d, booking.id, 'req-2');

    expect(w.schedules.get(`reminder-${booking.id}`)?.at).toEqual(new Date('2027-03-03T07:50:00.000Z'));
    expect(w.schedules.get(`reminder-${booking.id}`)?.input).toMatchObject({
      startTime: '2027-03-03T08:00:00.000Z',
    });
  });

  it('reminds a booking confirmed inside the lead at once, and only once however often it is asked', async () => {
    const w = await world('2027-03-01T12:00:00.000Z');
    const booking = await w.book('2027-03-01T12:08:00Z', '2027-03-01T13:00:00Z');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });

    await reconcileSchedules(w.d, booking.id, 'req-2');
    await reconcileSchedules(w.d, booking.id, 'req-2');

    expect(w.reminders()).toHaveLength(1);
    expect(w.reminders()[0]?.detail.data).toMatchObject({ leadSeconds: 480, booking: { id: booking.id } });
    expect(w.schedules.size).toBe(0);
  });

  it('lets a hold whose time passed before its event came lapse at once', async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    w.at('2027-03-01T12:20:00.000Z');

    const outcome = await reconcileSchedules(w.d, booking.id, 'req-1');

    expect(outcome.hold).toBe('expired');
    expect((await w.d.store.getBooking(booking.id))?.status).toBe('EXPIRED');
  });
});

describe('Function: remind', () => {
  it('publishes booking.reminder once for the start time it was scheduled for', async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    w.at('2027-03-02T09:50:00.000Z');
    const input = { bookingId: booking.id, startTime: booking.startTime, correlationId: 'req-2' };

    expect(await remind(w.d, input)).toBe('sent');
    expect(await remind(w.d, input)).toBe('already-sent');
    expect(w.reminders()).toHaveLength(1);
    expect(w.reminders()[0]?.detail).toMatchObject({ correlationId: 'req-2', data: { leadSeconds: 600 } });
  });

  it('sends nothing for a booking no longer confirmed, moved to another start, or started', async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    const input = { bookingId: booking.id, startTime: booking.startTime, correlationId: 'req' };

    expect(await remind(w.d, input)).toBe('not-wanted');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    expect(await remind(w.d, { ...input, startTime: '2027-03-05T10:00:00.000Z' })).toBe('not-wanted');
    w.at('2027-03-02T10:00:00.000Z');
    expect(await remind(w.d, input)).toBe('not-wanted');
    expect(await remind(w.d, { ...input, bookingId: crypto.randomUUID() })).toBe('not-wanted');
    expect(w.reminders()).toEqual([]);
  });
});

describe('Function: lapseHold', () => {
  it('expires a booking still waiting for its payment once the hold has passed, and frees its interval', async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    const input = { bookingId: booking.id, correlationId: 'hold' };

    expect(await lapseHold(w.d, input)).toBe('not-wanted');
    w.at('2027-03-01T12:15:00.000Z');
    expect(await lapseHold(w.d, input)).toBe('expired');

    expect((await w.d.store.getBooking(booking.id))?.status).toBe('EXPIRED');
    expect(w.memory.events.map((e) => e.detailType)).toContain('booking.expired');
    expect(await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z')).toMatchObject({
      status: 'PENDING_PAYMENT',
    });
  });

  it('leaves a confirmed booking as it is', async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    w.at('2027-03-01T13:00:00.000Z');

    expect(await lapseHold(w.d, { bookingId: booking.id, correlationId: 'hold' })).toBe('not-wanted');
    expect((await w.d.store.getBooking(booking.id))?.status).toBe('CONFIRMED');
  });
});

describe('Metric: BookingsExpired', () => {
  it('counts one when a lapsed hold expires the booking, under the bookings service, with the hold id', async () => {
    // Prepare
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    w.at('2027-03-01T12:15:00.000Z');

    // Act
    await lapseHold(w.d, { bookingId: booking.id, correlationId: 'hold-1' });

    // Assess
    expect(w.metrics.published('BookingsExpired')).toEqual([
      { value: 1, dimensions: [['service', 'environment']], service: 'bookings', correlationId: 'hold-1' },
    ]);
  });

  it('counts nothing for a hold that fires before it has lapsed', async () => {
    // Prepare
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    w.at('2027-03-01T12:14:59.999Z');

    // Act
    const outcome = await lapseHold(w.d, { bookingId: booking.id, correlationId: 'hold' });

    // Assess
    expect(outcome).toBe('not-wanted');
    expect(w.metrics.total('BookingsExpired')).toBe(0);
  });

  it('counts nothing for a hold that fires after the booking was confirmed', async () => {
    // Prepare
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    w.at('2027-03-01T12:15:00.000Z');

    // Act
    const outcome = await lapseHold(w.d, { bookingId: booking.id, correlationId: 'hold' });

    // Assess
    expect(outcome).toBe('not-wanted');
    expect(w.metrics.total('BookingsExpired')).toBe(0);
  });

  it('counts nothing when the payment confirms the booking between the hold reading it and expiring it', async () => {
    // Prepare
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    w.at('2027-03-01T12:15:00.000Z');
    // The confirmation commits just before the expiry's write lands.
    w.memory.beforeWrite.push(() => {
      const current = w.memory.bookings.get(booking.id);
      if (current)
        w.memory.bookings.set(booking.id, { ...current, status: 'CONFIRMED', version: current.version + 1 });
    });

    // Act
    const outcome = await lapseHold(w.d, { bookingId: booking.id, correlationId: 'hold' });

    // Assess
    expect(outcome).toBe('not-wanted');
    expect(w.memory.bookings.get(booking.id)?.status).toBe('CONFIRMED');
    expect(w.metrics.total('BookingsExpired')).toBe(0);
  });

  it('counts one for a hold that fires twice', async () => {
    // Prepare
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    w.at('2027-03-01T12:15:00.000Z');
    const input = { bookingId: booking.id, correlationId: 'hold' };

    // Act
    await lapseHold(w.d, input);
    await lapseHold(w.d, input);

    // Assess
    expect(w.metrics.total('BookingsExpired')).toBe(1);
  });

  it('counts one for a hold that fires twice at once', async () => {
    // Prepare
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    w.at('2027-03-01T12:15:00.000Z');
    const input = { bookingId: booking.id, correlationId: 'hold' };

    // Act
    const outcomes = await Promise.all([lapseHold(w.d, input), lapseHold(w.d, input)]);

    // Assess
    // Both read it waiting: one expiry landed, the other read again and found it expired.
    expect(outcomes).toEqual(['expired', 'expired']);
    expect(w.metrics.total('BookingsExpired')).toBe(1);
  });
});

describe('Metrics: RemindersSent and ReminderLag', () => {
  /** A booking confirmed at 12:00 the day before its 10:00 start: its reminder is due at 09:50. */
  const confirmedTomorrow = async () => {
    const w = await world();
    const booking = await w.book('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    const input = { bookingId: booking.id, startTime: booking.startTime, correlationId: 'reminder-1' };
    return { ...w, booking, input };
  };

  it('counts one reminder and its lag past the due time, on one line of the bookings service with its id', async () => {
    // Prepare
    const w = await confirmedTomorrow();
    w.at('2027-03-02T09:50:02.500Z');

    // Act
    await remind(w.d, w.input);

    // Assess
    expect(w.metrics.lines.filter((line) => 'RemindersSent' in line)).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            {
              Namespace: 'Tessera',
              Dimensions: [['service', 'environment']],
              Metrics: [
                { Name: 'RemindersSent', Unit: 'Count' },
                { Name: 'ReminderLag', Unit: 'Milliseconds' },
              ],
            },
          ],
        }),
        service: 'bookings',
        correlationId: 'reminder-1',
        RemindersSent: 1,
        ReminderLag: 2500,
      }),
    ]);
  });

  it('measures the lag of a reminder sent on time as 0', async () => {
    // Prepare
    const w = await confirmedTomorrow();
    w.at('2027-03-02T09:50:00.000Z');

    // Act
    await remind(w.d, w.input);

    // Assess
    expect(w.metrics.values('ReminderLag')).toEqual([0]);
  });

  it('measures the lag from the time the reminder was due, as its schedule says', async () => {
    // Prepare: a late confirmation (12:03, after the lead before its 12:08 start) made it due then.
    const w = await world('2027-03-01T12:00:00.000Z');
    const booking = await w.book('2027-03-01T12:08:00Z', '2027-03-01T13:00:00Z');
    w.at('2027-03-01T12:03:00.000Z');
    await confirmBooking(w.base, booking.id, { correlationId: 'req-2' });
    w.at('2027-03-01T12:03:01.250Z');

    // Act
    await remind(w.d, {
      bookingId: booking.id,
      startTime: booking.startTime,
      correlationId: 'req-2',
      dueAt: new Date('2027-03-01T12:03:00.000Z'),
    });

    // Assess
    expect(w.metrics.total('RemindersSent')).toBe(1);
    expect(w.metrics.values('ReminderLag')).toEqual([1250]);
  });

  it('measures a reminder whose schedule names no due time from its start less the lead', async () => {
    const w = await confirmedTomorrow();
    w.at('2027-03-02T09:50:03.000Z');

    await remind(w.d, { ...w.input, dueAt: undefined });

    expect(w.metrics.values('ReminderLag')).toEqual([3000]);
  });

  it('gives the reminder schedule its due time, and reminds a late confirmation at once with no lag', async () => {
    // Prepare
    const early = await confirmedTomorrow();
    const late = await world('2027-03-01T12:00:00.000Z');
    const soon = await late.book('2027-03-01T12:08:00Z', '2027-03-01T13:00:00Z');
    late.at('2027-03-01T12:03:00.000Z');
    await confirmBooking(late.base, soon.id, { correlationId: 'req-3' });

    // Act
    await reconcileSchedules(early.d, early.input.bookingId, 'req-1');
    await reconcileSchedules(late.d, soon.id, 'req-3');

    // Assess
    expect(early.schedules.get(`reminder-${early.input.bookingId}`)?.input).toMatchObject({
      dueAt: '2027-03-02T09:50:00.000Z',
    });
    expect(late.schedules.size).toBe(0);
    expect(late.metrics.values('ReminderLag')).toEqual([0]);
  });

  it('counts nothing for a reminder already sent', async () => {
    // Prepare
    const w = await confirmedTomorrow();
    w.at('2027-03-02T09:50:00.000Z');
    await remind(w.d, w.input);
    w.at('2027-03-02T09:51:00.000Z');

    // Act
    const again = await remind(w.d, w.input);

    // Assess
    expect(again).toBe('already-sent');
    expect(w.metrics.total('RemindersSent')).toBe(1);
    expect(w.metrics.values('ReminderLag')).toHaveLength(1);
  });

  it('counts nothing for a reminder of a booking cancelled since', async () => {
    // Prepare
    const w = await confirmedTomorrow();
    await cancelBooking(w.base, w.user, w.booking.id, { correlationId: 'req-3' });
    w.at('2027-03-02T09:50:00.000Z');

    // Act
    const outcome = await remind(w.d, w.input);

    // Assess
    expect(outcome).toBe('not-wanted');
    expect(w.metrics.total('RemindersSent')).toBe(0);
    expect(w.metrics.values('ReminderLag')).toEqual([]);
  });

  it('counts nothing for a reminder that fires once the booking has started', async () => {
    // Prepare
    const w = await confirmedTomorrow();
    w.at('2027-03-02T10:00:00.000Z');

    // Act
    const outcome = await remind(w.d, w.input);

    // Assess
    expect(outcome).toBe('not-wanted');
    expect(w.metrics.total('RemindersSent')).toBe(0);
    expect(w.metrics.values('ReminderLag')).toEqual([]);
  });
});
