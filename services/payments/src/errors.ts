/**
 * Every error the payments service raises on purpose, each with a stable `code` (the problem `type`
 * is `urn:tessera:problem:<code in kebab case>`).
 */
import { NotFoundError } from '@tessera/shared/errors';

/** No payment, or one the caller may not see (never telling which). */
class PaymentNotFoundError extends NotFoundError {
  constructor() {
    super('PAYMENT_NOT_FOUND', 'No such payment.');
  }
}

/**
 * The payment provider erred on an attempt (not a decline: an answer it could not give). Thrown out
 * of the consumer, so the queue delivers the message again until its `maxReceiveCount`.
 */
class PaymentAttemptError extends Error {
  constructor(
    readonly bookingId: string,
    readonly attempt: number,
  ) {
    super(`Attempt ${attempt} at the payment of booking ${bookingId} erred; it will be retried`);
    this.name = 'PaymentAttemptError';
  }
}

/** The payment changed under every attempt to write it (another delivery at work on the same booking). */
class PaymentContendedError extends Error {
  constructor(readonly paymentId: string) {
    super(`The payment ${paymentId} kept changing while it was written; it will be retried`);
    this.name = 'PaymentContendedError';
  }
}

export { PaymentAttemptError, PaymentContendedError, PaymentNotFoundError };
