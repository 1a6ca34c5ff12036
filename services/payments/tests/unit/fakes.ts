/**
 * In-memory stand-ins for the payments ports, with the store's conditions kept as DynamoDB keeps
 * them (a new payment only if none has its id; a change only at the version read). `beforeWrite`
 * runs just before the next write lands, as a concurrent writer would.
 */
import type { Clock } from '@tessera/shared/clock';
import { newEvent, type TesseraEvent } from '@tessera/shared/events';
import type { SQSRecord } from 'aws-lambda';
import { type CapturedMetrics, capturedMetrics } from '../../../../tests/support/metrics.ts';
import type { StoredPayment } from '../../src/domain/payment.ts';
import type { Dependencies, PaymentStore } from '../../src/domain/ports.ts';
import { emulatedProvider } from '../../src/domain/provider.ts';

interface FakeStore extends PaymentStore {
  readonly payments: Map<string, StoredPayment>;
  /** Every event written with a payment, in order. */
  readonly events: TesseraEvent[];
  /** Runs once, just before the next write lands. */
  beforeWrite: (() => Promise<void>) | undefined;
}

const fakeStore = (): FakeStore => {
  const store: FakeStore = {
    payments: new Map(),
    events: [],
    beforeWrite: undefined,
    async get(id) {
      return store.payments.get(id) ?? null;
    },
    async create(payment, event) {
      await hook();
      if (store.payments.has(payment.id)) return 'exists';
      store.payments.set(payment.id, payment);
      if (event) store.events.push(event);
      return 'written';
    },
    async update(payment, expectedVersion, event) {
      await hook();
      if (store.payments.get(payment.id)?.version !== expectedVersion) return 'stale';
      store.payments.set(payment.id, payment);
      if (event) store.events.push(event);
      return 'written';
    },
  };
  const hook = async () => {
    const run = store.beforeWrite;
    store.beforeWrite = undefined;
    await run?.();
  };
  return store;
};

const fixedClock = (iso = '2027-01-10T08:00:00.000Z'): Clock => ({ now: () => new Date(iso) });

const fakeDependencies = (
  store = fakeStore(),
): Dependencies & { store: FakeStore; metrics: CapturedMetrics } => ({
  store,
  provider: emulatedProvider,
  clock: fixedClock(),
  metrics: capturedMetrics('payments'),
});

const BOOKING = {
  id: '7b1f0d1e-2c5a-4c1e-9a51-0d2f3e4a5b6c',
  roomId: '1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
  userId: '2e3f4051-6b7c-4d8e-9fa0-b1c2d3e4f506',
  providerId: '3f405162-7c8d-4e9f-a0b1-c2d3e4f50617',
  title: null,
  startTime: '2027-01-12T10:00:00.000Z',
  endTime: '2027-01-12T11:00:00.000Z',
  status: 'PENDING_PAYMENT' as const,
  amount: 1250,
  currency: 'EUR',
  createdAt: '2027-01-10T07:59:00.000Z',
  updatedAt: '2027-01-10T07:59:00.000Z',
  version: 1,
};

const occurredAt = new Date('2027-01-10T07:59:00.000Z');

type Booking = TesseraEvent<'booking.created'>['detail']['data']['booking'];

/** A booking.created for a booking of its own (or of `booking`), with this token. */
const createdEvent = (
  paymentToken: string | null,
  booking: Booking = { ...BOOKING, id: crypto.randomUUID() },
) =>
  newEvent(
    'booking.created',
    { booking, paymentToken, changedBy: booking.userId },
    {
      correlationId: 'test',
      occurredAt,
    },
  );

/** The booking's closing event (cancelled, expired or payment_failed). */
const closingEvent = (
  type: 'booking.cancelled' | 'booking.expired' | 'booking.payment_failed',
  booking: Booking,
) =>
  newEvent(
    type,
    {
      booking: {
        ...booking,
        status:
          type === 'booking.cancelled'
            ? 'CANCELLED'
            : type === 'booking.expired'
              ? 'EXPIRED'
              : 'PAYMENT_FAILED',
      },
      previousStatus: 'PENDING_PAYMENT',
      changedBy: null,
    },
    { correlationId: 'test', occurredAt },
  );

/** An SQS record of the `charges` queue, as the event source mapping hands it to the function. */
const sqsRecord = (id: string, body: string, receiveCount = 1): SQSRecord => ({
  messageId: id,
  receiptHandle: `handle-${id}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payments-charges',
  awsRegion: 'us-east-1',
});

/** The body EventBridge gives the queue for an event. */
const deliveryOf = (event: TesseraEvent) =>
  JSON.stringify({ source: event.source, 'detail-type': event.detailType, detail: event.detail });

export type { FakeStore };
export {
  BOOKING,
  closingEvent,
  createdEvent,
  deliveryOf,
  fakeDependencies,
  fakeStore,
  fixedClock,
  sqsRecord,
};
