/**
 * The bookings function's timed steps: the handlers of its own booking events that keep each
 * booking's schedules as its state wants them (the `schedules` subscription), and the handler of
 * the schedules when they fire (`{ "schedule": "payment-hold" | "booking-reminder", ... }`, the
 * input each was made with). A firing that fails throws, so Scheduler retries it and then sends it
 * to the schedules' dead-letter queue. Loaded on the first event or schedule.
 */
import type { TesseraEvent } from '@tessera/shared/events';
import type { Logger } from '@tessera/shared/logger';
import type { ScheduleDependencies } from '#domain/ports';
import { lapseHold, reconcileSchedules, remind } from '#domain/timed-steps';

/** The booking events after which a booking's schedules may have to change. */
type BookingEvent = TesseraEvent<
  | 'booking.created'
  | 'booking.confirmed'
  | 'booking.rescheduled'
  | 'booking.cancelled'
  | 'booking.expired'
  | 'booking.payment_failed'
>;

const scheduleHandlers = (deps: ScheduleDependencies) => {
  const reconcile = (event: BookingEvent) =>
    reconcileSchedules(deps, event.detail.data.booking.id, event.detail.correlationId);
  return {
    'booking.created': reconcile,
    'booking.confirmed': reconcile,
    'booking.rescheduled': reconcile,
    'booking.cancelled': reconcile,
    'booking.expired': reconcile,
    'booking.payment_failed': reconcile,
  };
};

class InvalidScheduleInputError extends Error {
  constructor(detail: string) {
    super(`The schedule's input is not one the bookings function makes: ${detail}`);
    this.name = 'InvalidScheduleInputError';
  }
}

const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw new InvalidScheduleInputError(`${name} must be a string`);
  }
  return value;
};

/** A schedule's `dueAt`, when it has one that reads as a time (schedules made before it had none). */
const momentOf = (value: unknown): Date | undefined => {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : new Date(at);
};

/** Runs a schedule that fired, by the name its input gives. */
const createScheduleHandler =
  (deps: ScheduleDependencies, logger: Logger) =>
  async (event: { readonly schedule: string; readonly [field: string]: unknown }) => {
    const bookingId = text(event.bookingId, 'bookingId');
    const correlationId = text(event.correlationId, 'correlationId');
    let outcome: string;
    if (event.schedule === 'payment-hold') {
      outcome = await lapseHold(deps, { bookingId, correlationId });
    } else if (event.schedule === 'booking-reminder') {
      outcome = await remind(deps, {
        bookingId,
        startTime: text(event.startTime, 'startTime'),
        correlationId,
        dueAt: momentOf(event.dueAt),
      });
    } else {
      throw new InvalidScheduleInputError(`no schedule is named ${String(event.schedule)}`);
    }
    await logger.info('schedule ran', { schedule: event.schedule, bookingId, correlationId, outcome });
    return { outcome };
  };

export { createScheduleHandler, InvalidScheduleInputError, scheduleHandlers };
