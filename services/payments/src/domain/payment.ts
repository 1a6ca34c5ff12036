/**
 * A payment: the charge of one booking, its attempts and its outcome. A booking has exactly one
 * payment, whose id is derived from the booking's (`paymentIdOf`), so every delivery of a booking's
 * events reaches the same record, and the record's conditional writes make its one charge.
 *
 * States: `PENDING -> SUCCEEDED | FAILED`, `SUCCEEDED -> REFUNDED`. A `PENDING` payment whose
 * provider answered pending stays so (the booking's hold expires instead).
 */
import { createHash } from 'node:crypto';
import type { Principal } from '@tessera/shared/auth';
import { type PAYMENT_ATTEMPT_OUTCOMES, PAYMENT_STATUSES } from '@tessera/shared/event-statuses';
import { PaymentNotFoundError } from '../errors.ts';

type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
type AttemptOutcome = (typeof PAYMENT_ATTEMPT_OUTCOMES)[number];
type FailureReason = 'DECLINED' | 'ERROR' | 'BOOKING_CLOSED';
type RefundReason = 'BOOKING_CANCELLED' | 'BOOKING_EXPIRED' | 'BOOKING_FAILED';

interface Attempt {
  readonly number: number;
  readonly at: string;
  readonly outcome: AttemptOutcome;
}

/** A payment as the API and the events show it. */
interface Payment {
  readonly id: string;
  readonly bookingId: string;
  readonly userId: string;
  readonly status: PaymentStatus;
  readonly amount: number;
  readonly currency: string;
  readonly attempts: readonly Attempt[];
  readonly failureReason: FailureReason | null;
  readonly refundReason: RefundReason | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** A payment as stored: with what it knows of its booking. */
interface StoredPayment extends Payment {
  /**
   * Set once the booking no longer wants the payment (its cancellation, expiry or failure arrived):
   * a charge not yet made is then never made, and one made is refunded.
   */
  readonly closedBy: RefundReason | null;
}

/**
 * Attempts at a charge before it fails for good: the first and 2 retries. The `charges` queue's
 * `maxReceiveCount` in `service.json` is the same number (a test holds them equal), so the last
 * attempt is also the last delivery before the dead-letter queue.
 */
const MAX_ATTEMPTS = 3;

/**
 * The payment id of a booking: a UUID (version 8) from the SHA-256 of the booking id, the same for
 * every delivery, so the payment record is keyed by booking.
 *
 * @example
 * paymentIdOf('0b7c...'); // the same UUID every time
 */
const paymentIdOf = (bookingId: string): string => {
  const bytes = createHash('sha256').update(`tessera:payment:${bookingId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const publicPayment = (payment: StoredPayment): Payment => {
  const { closedBy: _closedBy, ...visible } = payment;
  return visible;
};

/** The booking's owner and admins see a payment; anyone else gets 404, as for none. */
const assertVisible = (payment: StoredPayment | null, caller: Principal): StoredPayment => {
  if (!payment || !(caller.role === 'admin' || payment.userId === caller.userId))
    throw new PaymentNotFoundError();
  return payment;
};

export type { Attempt, AttemptOutcome, FailureReason, Payment, PaymentStatus, RefundReason, StoredPayment };
export { assertVisible, MAX_ATTEMPTS, PAYMENT_STATUSES, paymentIdOf, publicPayment };
