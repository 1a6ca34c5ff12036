/**
 * The payments use cases that events drive:
 *
 * - `chargeBooking` (from `booking.created`, through the `charges` queue): one attempt at the charge
 *   per delivery. A success or a decline settles the payment (`payment.succeeded`,
 *   `payment.failed`); an error is recorded and thrown, so the queue delivers again, until the last
 *   attempt (`MAX_ATTEMPTS`, or the queue's last delivery) fails the payment for good and still
 *   throws, so the message ends in the dead-letter queue for an operator to see. A settled payment
 *   answers every later delivery (a duplicate, a replay, a redrive) without a charge.
 * - `closeBooking` (from `booking.cancelled`, `booking.expired`, `booking.payment_failed`): the
 *   booking no longer wants its payment. A succeeded payment is refunded (`payment.refunded`); one
 *   not yet made is marked so that it never is (even when the booking's events arrive before its
 *   `booking.created`).
 *
 * Every write is conditional on the version read, with the event in the same transaction (the
 * outbox); a lost race reads again and decides again, so two deliveries at once still make one
 * charge.
 */

import { newEvent, type TesseraEvent } from '@tessera/shared/events';
import type { BusinessMetric } from '@tessera/shared/metrics-catalog';
import { nextVersion } from '@tessera/shared/precondition';
import { PaymentAttemptError, PaymentContendedError } from '../errors.ts';
import {
  type Attempt,
  MAX_ATTEMPTS,
  paymentIdOf,
  publicPayment,
  type RefundReason,
  type StoredPayment,
} from './payment.ts';
import type { Dependencies } from './ports.ts';

type Booking = TesseraEvent<'booking.created'>['detail']['data']['booking'];

/** Reads and writes before a payment that keeps changing is left to the next delivery. */
const WRITE_ATTEMPTS = 5;

/** What a delivery did: for logs and tests. */
type ChargeOutcome =
  | 'succeeded'
  | 'declined'
  | 'pending'
  | 'failed'
  | 'retrying'
  | 'refunded'
  | 'skipped'
  | 'settled';

/** The payment a booking's first event starts from, before its first write (version 0: never stored). */
const pendingPaymentOf = (booking: Booking, now: string): StoredPayment => ({
  id: paymentIdOf(booking.id),
  bookingId: booking.id,
  userId: booking.userId,
  status: 'PENDING',
  amount: booking.amount,
  currency: booking.currency,
  attempts: [],
  failureReason: null,
  refundReason: null,
  createdAt: now,
  updatedAt: now,
  version: 0,
  closedBy: null,
});

const paymentEvent = (
  type: 'payment.succeeded' | 'payment.failed' | 'payment.refunded',
  payment: StoredPayment,
  correlationId: string,
  now: Date,
) => {
  const visible = publicPayment(payment);
  return newEvent(
    type,
    { payment: { ...visible, attempts: [...visible.attempts] } },
    { correlationId, occurredAt: now },
  );
};

/**
 * Reads the booking's payment (starting from `pendingPaymentOf` when there is none) and writes what
 * `decide` makes of it: the first write makes the payment in its decided state, so no stored
 * version is one nothing decided. A lost race (another write between the read and this one) reads
 * again and decides again.
 */
const withPayment = async <R>(
  deps: Pick<Dependencies, 'store' | 'clock'>,
  booking: Booking,
  decide: (
    payment: StoredPayment,
    now: Date,
  ) => Promise<
    { readonly done: R } | { readonly next: StoredPayment; readonly event?: TesseraEvent; readonly result: R }
  >,
): Promise<R> => {
  const id = paymentIdOf(booking.id);
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    const stored = await deps.store.get(id);
    const payment = stored ?? pendingPaymentOf(booking, now.toISOString());
    const decision = await decide(payment, now);
    if ('done' in decision) return decision.done;
    const outcome = stored
      ? await deps.store.update(decision.next, stored.version, decision.event)
      : await deps.store.create(decision.next, decision.event);
    if (outcome === 'written') return decision.result;
  }
  throw new PaymentContendedError(id);
};

/** The business metric each written outcome moves: a charge succeeded, failed for good, refunded. */
const OUTCOME_METRICS: Readonly<Partial<Record<ChargeOutcome, BusinessMetric>>> = {
  succeeded: 'PaymentsSucceeded',
  declined: 'PaymentsFailed',
  failed: 'PaymentsFailed',
  refunded: 'PaymentsRefunded',
};

/** Counts an outcome that was written (`withPayment` answers the others as `done`, counted by none). */
const countOutcome = (deps: Pick<Dependencies, 'metrics'>, outcome: ChargeOutcome, correlationId: string) => {
  const metric = OUTCOME_METRICS[outcome];
  if (metric) deps.metrics.count(metric, { correlationId });
};

/**
 * One attempt at the charge of a new booking. `receiveCount` is the queue's count of this message's
 * deliveries (undefined when not from a queue): its last delivery is the payment's last attempt.
 *
 * @example
 * await chargeBooking(deps, event, { receiveCount: 1 }); // 'succeeded' for tok_ok
 */
const chargeBooking = async (
  deps: Dependencies,
  event: TesseraEvent<'booking.created'>,
  delivery: { readonly receiveCount: number | undefined },
): Promise<ChargeOutcome> => {
  const { booking, paymentToken } = event.detail.data;
  const { correlationId } = event.detail;
  let attempted = 0;
  const outcome = await withPayment<ChargeOutcome>(deps, booking, async (payment, now) => {
    if (payment.status !== 'PENDING') return { done: 'settled' };
    if (payment.attempts.some((a) => a.outcome === 'PENDING')) return { done: 'settled' };
    if (payment.closedBy)
      return {
        next: nextVersion(payment, now, { status: 'FAILED', failureReason: 'BOOKING_CLOSED' }),
        result: 'skipped',
      };
    const number = payment.attempts.length + 1;
    attempted = number;
    const answer = await deps.provider.charge({
      bookingId: booking.id,
      amount: payment.amount,
      currency: payment.currency,
      token: paymentToken,
      attempt: number,
    });
    const attempts: Attempt[] = [...payment.attempts, { number, at: now.toISOString(), outcome: answer }];
    if (answer === 'SUCCEEDED') {
      const next = nextVersion(payment, now, { status: 'SUCCEEDED', attempts });
      return {
        next,
        event: paymentEvent('payment.succeeded', next, correlationId, now),
        result: 'succeeded',
      };
    }
    if (answer === 'DECLINED') {
      const next = nextVersion(payment, now, { status: 'FAILED', failureReason: 'DECLINED', attempts });
      return { next, event: paymentEvent('payment.failed', next, correlationId, now), result: 'declined' };
    }
    if (answer === 'PENDING') return { next: nextVersion(payment, now, { attempts }), result: 'pending' };
    const last = number >= MAX_ATTEMPTS || (delivery.receiveCount ?? 0) >= MAX_ATTEMPTS;
    if (!last) return { next: nextVersion(payment, now, { attempts }), result: 'retrying' };
    const next = nextVersion(payment, now, { status: 'FAILED', failureReason: 'ERROR', attempts });
    return { next, event: paymentEvent('payment.failed', next, correlationId, now), result: 'failed' };
  });
  countOutcome(deps, outcome, correlationId);
  // An error is thrown after it is recorded, so the queue delivers the message again; after the
  // last attempt the message goes on to the dead-letter queue, the payment already failed.
  if (outcome === 'retrying' || outcome === 'failed') throw new PaymentAttemptError(booking.id, attempted);
  return outcome;
};

const REFUND_REASONS = {
  'booking.cancelled': 'BOOKING_CANCELLED',
  'booking.expired': 'BOOKING_EXPIRED',
  'booking.payment_failed': 'BOOKING_FAILED',
} as const satisfies Record<string, RefundReason>;

/**
 * The booking no longer wants its payment: refunds a succeeded one, and marks any other so that it
 * is never charged.
 *
 * @example
 * await closeBooking(deps, cancelledEvent); // 'refunded' when the payment had succeeded
 */
const closeBooking = async (
  deps: Dependencies,
  event: TesseraEvent<'booking.cancelled' | 'booking.expired' | 'booking.payment_failed'>,
): Promise<ChargeOutcome> => {
  const { booking } = event.detail.data;
  const reason = REFUND_REASONS[event.detailType];
  const outcome = await withPayment<ChargeOutcome>(deps, booking, async (payment, now) => {
    // Closed already, or settled without a charge to give back: nothing to write. (A booking
    // closed before its booking.created arrived makes its payment here, closed.)
    if (payment.closedBy || payment.status === 'FAILED' || payment.status === 'REFUNDED')
      return { done: 'settled' };
    if (payment.status === 'SUCCEEDED') {
      await deps.provider.refund({ bookingId: booking.id, amount: payment.amount });
      const next = nextVersion(payment, now, { status: 'REFUNDED', refundReason: reason, closedBy: reason });
      return {
        next,
        event: paymentEvent('payment.refunded', next, event.detail.correlationId, now),
        result: 'refunded',
      };
    }
    return { next: nextVersion(payment, now, { closedBy: reason }), result: 'skipped' };
  });
  countOutcome(deps, outcome, event.detail.correlationId);
  return outcome;
};

export type { ChargeOutcome };
export { chargeBooking, closeBooking, pendingPaymentOf };
