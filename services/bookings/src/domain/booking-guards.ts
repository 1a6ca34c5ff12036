/**
 * The guards of a change to a booking: a legal move of its status, and a caller who may make it.
 * Apart from `booking.ts`, so a read (which only needs to know who sees a booking) loads none of the
 * errors they throw.
 */
import type { Principal } from '@tessera/shared/auth';
import { IllegalBookingTransitionError, NotAllowedError } from '../errors.ts';
import { type Booking, type BookingStatus, canMove } from './booking.ts';

const assertCanMove = (from: BookingStatus, to: BookingStatus): void => {
  if (!canMove(from, to)) throw new IllegalBookingTransitionError(from, to);
};

/** The owner and admins change a booking; the provider, who sees it, may not. */
const assertMayChange = (booking: Booking, caller: Principal, what: string): void => {
  if (caller.role === 'admin' || booking.userId === caller.userId) return;
  throw new NotAllowedError(
    'BOOKING_CHANGE_NOT_ALLOWED',
    `Only the booking's owner or an admin may ${what} it.`,
  );
};

export { assertCanMove, assertMayChange };
