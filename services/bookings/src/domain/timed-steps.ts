/**
 * A booking's timed steps, as EventBridge Scheduler one-time schedules of the service's group, each
 * named from the booking so that a retry never makes two:
 *
 * - the **payment hold** `hold-<bookingId>`: while the booking is `PENDING_PAYMENT`, at its
 *   creation plus the hold (`PAYMENT_HOLD_SECONDS`, 900); when it fires the booking, if still
 *   waiting, becomes `EXPIRED` and frees its interval (a payment that succeeds later is refunded by
 *   the payments service, which takes `booking.expired`);
 * - the **reminder** `reminder-<bookingId>`: while the booking is `CONFIRMED` and has not started, at
 *   its start less the lead (`REMINDER_LEAD_SECONDS`, 600); when it fires, `booking.reminder` is
 *   published once, through the outbox, if the booking is still `CONFIRMED` at that start time.
 *   A booking confirmed with less than the lead left is reminded at once; one already started, never.
 *
 * `reconcileSchedules` makes a booking's schedules what its current state wants, read from the
 * table rather than from the event that asked: the booking's events may come in any order and more
 * than once, and the answer is the same.
 */
import { newEvent } from '@tessera/shared/events';
import { IllegalBookingTransitionError } from '../errors.ts';
import { type Booking, publicBooking, type StoredBooking } from './booking.ts';
import { expireBooking } from './bookings.ts';
import type { ScheduleDependencies, Timing } from './ports.ts';

type Moment = Date | 'now' | null;

/** What the booking's state wants of each step: a time, at once, or none. */
const wantedSteps = (
  booking: Booking,
  now: Date,
  timing: ScheduleDependencies['timing'],
): { readonly hold: Moment; readonly reminder: Moment } => {
  const start = Date.parse(booking.startTime);
  let hold: Moment = null;
  if (booking.status === 'PENDING_PAYMENT') {
    const lapses = Date.parse(booking.createdAt) + timing.paymentHoldSeconds * 1000;
    hold = lapses <= now.getTime() ? 'now' : new Date(lapses);
  }
  let reminder: Moment = null;
  if (booking.status === 'CONFIRMED' && now.getTime() < start) {
    const due = start - timing.reminderLeadSeconds * 1000;
    reminder = due <= now.getTime() ? 'now' : new Date(due);
  }
  return { hold, reminder };
};

const holdName = (bookingId: string) => `hold-${bookingId}`;
const reminderName = (bookingId: string) => `reminder-${bookingId}`;

/** What a schedule hands the bookings function when it fires. */
type ScheduleInput =
  | { readonly schedule: 'payment-hold'; readonly bookingId: string; readonly correlationId: string }
  | {
      readonly schedule: 'booking-reminder';
      readonly bookingId: string;
      readonly startTime: string;
      readonly correlationId: string;
      /** When it is due (ISO 8601): what its lag is measured from. */
      readonly dueAt: string;
    };

/**
 * How late a reminder goes out, in milliseconds: from the time it was due, as its schedule says
 * (or, for a schedule made before schedules said so, its start less the lead), to now.
 */
const reminderLagOf = (
  booking: StoredBooking,
  dueAt: Date | undefined,
  now: Date,
  timing: Timing,
): number => {
  const due = dueAt?.getTime() ?? Date.parse(booking.startTime) - timing.reminderLeadSeconds * 1000;
  return Math.max(0, now.getTime() - due);
};

/**
 * Publishes the booking's reminder for `startTime`, once: nothing when the booking is no longer
 * `CONFIRMED` at that start time, has started, or was reminded already.
 */
const remind = async (
  deps: Pick<ScheduleDependencies, 'store' | 'clock' | 'metrics' | 'timing'>,
  input: {
    readonly bookingId: string;
    readonly startTime: string;
    readonly correlationId: string;
    /** When the reminder was due: its schedule's time, or the moment a late confirmation made it due. */
    readonly dueAt?: Date | undefined;
  },
): Promise<'sent' | 'already-sent' | 'not-wanted'> => {
  const booking = await deps.store.getBooking(input.bookingId);
  const now = deps.clock.now();
  const start = booking ? Date.parse(booking.startTime) : 0;
  if (booking?.status !== 'CONFIRMED' || booking.startTime !== input.startTime || start <= now.getTime()) {
    return 'not-wanted';
  }
  const event = newEvent(
    'booking.reminder',
    { booking: publicBooking(booking), leadSeconds: Math.floor((start - now.getTime()) / 1000) },
    { correlationId: input.correlationId, occurredAt: now },
  );
  const outcome = await deps.store.recordReminder({ booking, event, now });
  if (outcome === 'written') {
    deps.metrics.emit(
      { RemindersSent: 1, ReminderLag: reminderLagOf(booking, input.dueAt, now, deps.timing) },
      { properties: { correlationId: input.correlationId } },
    );
    return 'sent';
  }
  return outcome === 'already-sent' ? 'already-sent' : 'not-wanted';
};

/** The hold lapsed: the booking, if still waiting for its payment, expires and frees its interval. */
const lapseHold = async (
  deps: Pick<ScheduleDependencies, 'store' | 'clock' | 'retries' | 'timing' | 'metrics'>,
  input: { readonly bookingId: string; readonly correlationId: string },
): Promise<'expired' | 'not-wanted'> => {
  const booking = await deps.store.getBooking(input.bookingId);
  if (booking?.status !== 'PENDING_PAYMENT') return 'not-wanted';
  if (wantedSteps(booking, deps.clock.now(), deps.timing).hold !== 'now') return 'not-wanted';
  try {
    await expireBooking(deps, input.bookingId, { correlationId: input.correlationId });
    return 'expired';
  } catch (error) {
    // Confirmed, failed or cancelled meanwhile: the move no longer applies.
    if (error instanceof IllegalBookingTransitionError) return 'not-wanted';
    throw error;
  }
};

/**
 * Makes the booking's schedules what its current state wants: each step scheduled, done at once
 * (a hold that has lapsed, a reminder inside the lead), or removed.
 */
const reconcileSchedules = async (
  deps: ScheduleDependencies,
  bookingId: string,
  correlationId: string,
): Promise<{ readonly hold: string; readonly reminder: string }> => {
  const booking: StoredBooking | null = await deps.store.getBooking(bookingId);
  if (!booking) return { hold: 'none', reminder: 'none' };
  const now = deps.clock.now();
  const wanted = wantedSteps(booking, now, deps.timing);
  const hold = await (async () => {
    if (wanted.hold === null) {
      await deps.schedules.remove(holdName(bookingId));
      return 'removed';
    }
    if (wanted.hold === 'now') return lapseHold(deps, { bookingId, correlationId });
    const input: ScheduleInput = { schedule: 'payment-hold', bookingId, correlationId };
    await deps.schedules.put(holdName(bookingId), { at: wanted.hold, input });
    return 'scheduled';
  })();
  const reminder = await (async () => {
    if (wanted.reminder === null) {
      await deps.schedules.remove(reminderName(bookingId));
      return 'removed';
    }
    if (wanted.reminder === 'now') {
      await deps.schedules.remove(reminderName(bookingId));
      return remind(deps, { bookingId, startTime: booking.startTime, correlationId, dueAt: now });
    }
    const input: ScheduleInput = {
      schedule: 'booking-reminder',
      bookingId,
      startTime: booking.startTime,
      correlationId,
      dueAt: wanted.reminder.toISOString(),
    };
    await deps.schedules.put(reminderName(bookingId), { at: wanted.reminder, input });
    return 'scheduled';
  })();
  return { hold, reminder };
};

export type { ScheduleInput };
export { holdName, lapseHold, reconcileSchedules, remind, reminderName, wantedSteps };
