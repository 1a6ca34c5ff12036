/**
 * What the payments use cases need from the world. The store answers outcomes (`'written'`,
 * `'stale'`, `'exists'`); the use cases turn them into retries or domain errors.
 */
import type { Clock } from '@tessera/shared/clock';
import type { TesseraEvent } from '@tessera/shared/events';
import type { Metrics } from '@tessera/shared/metrics-catalog';
import type { StoredPayment } from './payment.ts';
import type { PaymentProvider } from './provider.ts';

interface PaymentStore {
  get(id: string): Promise<StoredPayment | null>;
  /** Puts a new payment (and its event) if none has its id. */
  create(payment: StoredPayment, event?: TesseraEvent): Promise<'written' | 'exists'>;
  /** Replaces the payment (and writes its event) if it is still at `expectedVersion`. */
  update(payment: StoredPayment, expectedVersion: number, event?: TesseraEvent): Promise<'written' | 'stale'>;
}

interface Dependencies {
  readonly store: PaymentStore;
  readonly provider: PaymentProvider;
  readonly clock: Clock;
  /** Charges succeeded, failed and refunded, counted once each. */
  readonly metrics: Metrics;
}

export type { Dependencies, PaymentStore };
