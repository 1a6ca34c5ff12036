/**
 * The payment provider Tessera emulates (`../shared/DESIGN.md`): the booking's `paymentToken`
 * chooses what each attempt answers.
 *
 * | token                | attempt 1 | attempt 2 | attempt 3 |
 * |----------------------|-----------|-----------|-----------|
 * | absent, `tok_ok`     | SUCCEEDED |           |           |
 * | `tok_decline`        | DECLINED  |           |           |
 * | `tok_flaky`          | ERROR     | ERROR     | SUCCEEDED |
 * | `tok_error`          | ERROR     | ERROR     | ERROR     |
 * | `tok_pending`        | PENDING   |           |           |
 * | anything else        | DECLINED  |           |           |
 *
 * A decline is an answer and is not retried; an error is, until the attempts run out. Like a real
 * provider's idempotency key, the booking id makes an attempt's answer the same however often it
 * is asked, so the record's conditional write, not the call, decides that a booking is charged once.
 */
import type { AttemptOutcome } from './payment.ts';

interface ChargeRequest {
  readonly bookingId: string;
  readonly amount: number;
  readonly currency: string;
  readonly token: string | null;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** What the payments use cases need from a provider. */
interface PaymentProvider {
  charge(request: ChargeRequest): Promise<AttemptOutcome>;
  /** Gives a charge back; the emulated one always can. */
  refund(request: { readonly bookingId: string; readonly amount: number }): Promise<void>;
}

const outcomeOf = (token: string | null, attempt: number): AttemptOutcome => {
  switch (token ?? 'tok_ok') {
    case 'tok_ok':
      return 'SUCCEEDED';
    case 'tok_flaky':
      return attempt >= 3 ? 'SUCCEEDED' : 'ERROR';
    case 'tok_error':
      return 'ERROR';
    case 'tok_pending':
      return 'PENDING';
    default:
      return 'DECLINED';
  }
};

const emulatedProvider: PaymentProvider = {
  charge: async ({ token, attempt }) => outcomeOf(token, attempt),
  refund: async () => {},
};

export type { ChargeRequest, PaymentProvider };
export { emulatedProvider, outcomeOf };
