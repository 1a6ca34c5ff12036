/**
 * Every error the bookings service raises on purpose, each with a stable `code` (the problem `type`
 * is `urn:tessera:problem:<code in kebab case>`).
 */
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  PreconditionFailedError,
  ServiceUnavailableError,
  UnprocessableError,
  ValidationError,
} from '@tessera/shared/errors';

/** The booking's body names a room that does not exist (or no longer does). */
class UnknownRoomError extends UnprocessableError {
  constructor() {
    super('UNKNOWN_ROOM', 'The roomId names no room.');
  }
}

/** A provider or admin that the users directory does not know as one. */
class ProviderNotEligibleError extends UnprocessableError {
  constructor(role: string | null) {
    super(
      'PROVIDER_NOT_ELIGIBLE',
      role === null
        ? 'The providerId is not a user this service knows; a new user reaches it a moment after registering.'
        : `A room's provider must be a provider or an admin, not a ${role}.`,
    );
  }
}

/** An admin booked for a user the users directory does not know. */
class UnknownUserError extends UnprocessableError {
  constructor() {
    super(
      'UNKNOWN_USER',
      'The userId is not a user this service knows; a new user reaches it a moment after registering.',
    );
  }
}

class NotAllowedError extends ForbiddenError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** A rule of a booking's times broken: each field named. */
class InvalidBookingError extends ValidationError {
  constructor(errors: readonly FieldError[]) {
    super('INVALID_BOOKING', errors.map((e) => e.detail).join(' '), errors);
  }
}

/** A room field a rule refuses (an unknown currency): each field named. */
class InvalidRoomError extends ValidationError {
  constructor(errors: readonly FieldError[]) {
    super('INVALID_ROOM', errors.map((e) => e.detail).join(' '), errors);
  }
}

/** A read window (`from`/`to`, `availableFrom`/`availableTo`) a rule refuses: each parameter named. */
class InvalidWindowError extends ValidationError {
  constructor(errors: readonly FieldError[]) {
    super('INVALID_WINDOW', errors.map((e) => e.detail).join(' '), errors);
  }
}

/** Names the interval it overlaps, never whose it is. */
class BookingOverlapError extends ConflictError {
  constructor(conflict: { readonly startTime: string; readonly endTime: string }) {
    super(
      'BOOKING_OVERLAP',
      `The room is already booked from ${conflict.startTime} to ${conflict.endTime}, which overlaps the interval asked for.`,
      { extensions: { conflict: { startTime: conflict.startTime, endTime: conflict.endTime } } },
    );
  }
}

/** Names both states, in the detail and as `currentStatus` and `requestedStatus`. */
class IllegalBookingTransitionError extends ConflictError {
  constructor(from: string, to: string) {
    super('ILLEGAL_BOOKING_TRANSITION', `A booking cannot move from ${from} to ${to}.`, {
      extensions: { currentStatus: from, requestedStatus: to },
    });
  }
}

class BookingStartedError extends ConflictError {
  constructor(what: string) {
    super('BOOKING_STARTED', `The booking has started; it can no longer be ${what}.`);
  }
}

class BookingNotLiveError extends ConflictError {
  constructor(status: string) {
    super('BOOKING_NOT_LIVE', `A ${status} booking cannot be changed.`);
  }
}

class RoomClosingError extends ConflictError {
  constructor() {
    super('ROOM_CLOSING', 'The room is being deleted and takes no bookings.');
  }
}

class RoomHasBookingsError extends ConflictError {
  constructor() {
    super(
      'ROOM_HAS_BOOKINGS',
      'The room has live bookings (pending payment or confirmed, not yet ended); it cannot be deleted.',
    );
  }
}

class StaleVersionError extends PreconditionFailedError {
  constructor(what: string, current: number) {
    super('STALE_VERSION', `The ${what} is at version ${current}, not the one in If-Match; read it again.`);
  }
}

/** Another writer kept changing the same booking or room under this request. */
class ConcurrentChangeError extends ConflictError {
  constructor(what: string) {
    super('CONCURRENT_CHANGE', `The ${what} kept changing while this request ran; read it again and retry.`);
  }
}

class IdempotencyKeyReusedError extends UnprocessableError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used with another request body; use a new key for a new request.',
    );
  }
}

class IdempotencyKeyInFlightError extends ConflictError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_IN_FLIGHT',
      'A request with this Idempotency-Key is still being processed; retry in a moment.',
    );
  }
}

/** The room's calendar kept changing under this request (many bookings of one room and day at once). */
class CalendarContendedError extends ServiceUnavailableError {
  constructor() {
    super('CALENDAR_CONTENDED', "The room's calendar kept changing under this request; retry.", 1);
  }
}

import { BookingNotFoundError, RoomNotFoundError } from './not-found-errors.ts';

export {
  BookingNotFoundError,
  BookingNotLiveError,
  BookingOverlapError,
  BookingStartedError,
  CalendarContendedError,
  ConcurrentChangeError,
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  IllegalBookingTransitionError,
  InvalidBookingError,
  InvalidRoomError,
  InvalidWindowError,
  NotAllowedError,
  ProviderNotEligibleError,
  RoomClosingError,
  RoomHasBookingsError,
  RoomNotFoundError,
  StaleVersionError,
  UnknownRoomError,
  UnknownUserError,
};
