/**
 * A booking, its states and who may see and change it. Pure rules.
 *
 * States: `PENDING_PAYMENT -> CONFIRMED | PAYMENT_FAILED | EXPIRED`, and `PENDING_PAYMENT | CONFIRMED
 * -> CANCELLED` (before the start). Only `PENDING_PAYMENT` and `CONFIRMED` hold the room.
 */
import type { Principal } from '@tessera/shared/auth';
import { BOOKING_STATUSES } from '@tessera/shared/event-statuses';
import { BookingNotFoundError } from '../not-found-errors.ts';
import type { Interval } from './interval.ts';

type BookingStatus = (typeof BOOKING_STATUSES)[number];

interface Booking {
  readonly id: string;
  readonly roomId: string;
  readonly userId: string;
  readonly providerId: string;
  readonly title: string | null;
  readonly startTime: string;
  readonly endTime: string;
  readonly status: BookingStatus;
  readonly amount: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** What the store keeps beside the booking the API shows: the token for the payments service. */
interface StoredBooking extends Booking {
  readonly paymentToken: string | null;
}

/** Every move the state machine allows. */
const TRANSITIONS: Readonly<Record<BookingStatus, readonly BookingStatus[]>> = {
  PENDING_PAYMENT: ['CONFIRMED', 'PAYMENT_FAILED', 'EXPIRED', 'CANCELLED'],
  CONFIRMED: ['CANCELLED'],
  PAYMENT_FAILED: [],
  EXPIRED: [],
  CANCELLED: [],
};

const HOLDING: readonly BookingStatus[] = ['PENDING_PAYMENT', 'CONFIRMED'];

const canMove = (from: BookingStatus, to: BookingStatus): boolean => TRANSITIONS[from].includes(to);

/** Whether a booking in this status holds its room's interval. */
const holdsRoom = (status: BookingStatus): boolean => HOLDING.includes(status);

/** The owner, the room's provider and admins see a booking; to anyone else it does not exist. */
const assertVisible = <B extends Booking>(booking: B | null, caller: Principal): B => {
  if (
    !booking ||
    !(caller.role === 'admin' || booking.userId === caller.userId || booking.providerId === caller.userId)
  )
    throw new BookingNotFoundError();
  return booking;
};

/** The API's view of a stored booking: never the payment token. */
const publicBooking = (booking: StoredBooking | Booking): Booking => ({
  id: booking.id,
  roomId: booking.roomId,
  userId: booking.userId,
  providerId: booking.providerId,
  title: booking.title,
  startTime: booking.startTime,
  endTime: booking.endTime,
  status: booking.status,
  amount: booking.amount,
  currency: booking.currency,
  createdAt: booking.createdAt,
  updatedAt: booking.updatedAt,
  version: booking.version,
});

const intervalOf = (booking: Pick<Booking, 'startTime' | 'endTime'>): Interval => ({
  start: Date.parse(booking.startTime) / 60_000,
  end: Date.parse(booking.endTime) / 60_000,
});

export type { Booking, BookingStatus, StoredBooking };
export { assertVisible, BOOKING_STATUSES, canMove, holdsRoom, intervalOf, publicBooking, TRANSITIONS };
