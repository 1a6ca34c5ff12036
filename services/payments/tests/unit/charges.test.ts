/**
 * The payments use cases over an in-memory store with DynamoDB's conditions: one attempt per
 * delivery, retries until the last attempt, declines and pending answers, the refunds and the
 * never-made charges of closed bookings, and every interleaving of a charge with a close or with a
 * second delivery, which still makes one charge. Then the SQS batch handler: one bad message never
 * fails its batch.
 */
import { createEventConsumer } from '@tessera/shared/consumer';
import type { TesseraEvent } from '@tessera/shared/events';
import type { Logger } from '@tessera/shared/logger';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { chargeBooking, closeBooking } from '../../src/domain/charges.ts';
import { paymentIdOf, type StoredPayment } from '../../src/domain/payment.ts';
import { PaymentAttemptError } from '../../src/errors.ts';
import { paymentsHandlers } from '../../src/handlers/events.ts';
import { closingEvent, createdEvent, deliveryOf, fakeDependencies, sqsRecord } from './fakes.ts';

const first = { receiveCount: 1 };
const outcomes = (payment: StoredPayment | undefined) => payment?.attempts.map((a) => a.outcome);
const typesOf = (events: readonly { detailType: string }[]) => events.map((e) => e.detailType);

/** The event under another correlation id, as the request that caused it would give it. */
const correlated = <E extends TesseraEvent>(event: E, correlationId: string): E => ({
  ...event,
  detail: { ...event.detail, correlationId },
});

describe('chargeBooking', () => {
  it('charges a tok_ok booking on its first delivery and says so once', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    const booking = event.detail.data.booking;

    const outcome = await chargeBooking(deps, event, first);

    const payment = deps.store.payments.get(paymentIdOf(booking.id));
    expect(outcome).toBe('succeeded');
    expect(payment).toMatchObject({
      bookingId: booking.id,
      userId: booking.userId,
      status: 'SUCCEEDED',
      amount: 1250,
      currency: 'EUR',
      failureReason: null,
      closedBy: null,
      version: 1,
    });
    expect(outcomes(payment)).toEqual(['SUCCEEDED']);
    expect(typesOf(deps.store.events)).toEqual(['payment.succeeded']);
  });

  it('declines tok_decline at once, with no retry', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_decline');

    expect(await chargeBooking(deps, event, first)).toBe('declined');

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'DECLINED' });
    expect(typesOf(deps.store.events)).toEqual(['payment.failed']);
  });

  it('records each erring attempt and throws, so the queue retries; tok_flaky succeeds on the third', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_flaky');
    const id = paymentIdOf(event.detail.data.booking.id);

    await expect(chargeBooking(deps, event, { receiveCount: 1 })).rejects.toThrow(PaymentAttemptError);
    await expect(chargeBooking(deps, event, { receiveCount: 2 })).rejects.toThrow(PaymentAttemptError);
    expect(deps.store.events).toEqual([]);
    expect(await chargeBooking(deps, event, { receiveCount: 3 })).toBe('succeeded');

    expect(outcomes(deps.store.payments.get(id))).toEqual(['ERROR', 'ERROR', 'SUCCEEDED']);
    expect(deps.store.payments.get(id)?.attempts.map((a) => a.number)).toEqual([1, 2, 3]);
    expect(typesOf(deps.store.events)).toEqual(['payment.succeeded']);
  });

  it('fails tok_error for good on the third attempt, and still throws so the message is dead-lettered', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_error');
    const id = paymentIdOf(event.detail.data.booking.id);

    for (const receiveCount of [1, 2, 3])
      await expect(chargeBooking(deps, event, { receiveCount })).rejects.toThrow(PaymentAttemptError);

    expect(deps.store.payments.get(id)).toMatchObject({ status: 'FAILED', failureReason: 'ERROR' });
    expect(outcomes(deps.store.payments.get(id))).toEqual(['ERROR', 'ERROR', 'ERROR']);
    expect(typesOf(deps.store.events)).toEqual(['payment.failed']);
    // The redrive of that message finds the payment settled: no fourth attempt, no event.
    expect(await chargeBooking(deps, event, { receiveCount: 1 })).toBe('settled');
    expect(outcomes(deps.store.payments.get(id))).toHaveLength(3);
    expect(deps.store.events).toHaveLength(1);
  });

  it("fails on the queue's last delivery even when fewer attempts were recorded (a delivery lost to a timeout)", async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_error');

    await expect(chargeBooking(deps, event, { receiveCount: 3 })).rejects.toThrow(PaymentAttemptError);

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'ERROR' });
    expect(outcomes(payment)).toEqual(['ERROR']);
  });

  it('leaves tok_pending pending, and a redelivery attempts nothing more', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_pending');

    expect(await chargeBooking(deps, event, first)).toBe('pending');
    expect(await chargeBooking(deps, event, { receiveCount: 2 })).toBe('settled');

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment?.status).toBe('PENDING');
    expect(outcomes(payment)).toEqual(['PENDING']);
    expect(deps.store.events).toEqual([]);
  });

  it('a duplicate, or a replay under another id with another token, charges a settled payment nothing more', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_decline');
    const replay = createdEvent('tok_ok', event.detail.data.booking);
    await chargeBooking(deps, event, first);

    expect(await chargeBooking(deps, event, first)).toBe('settled');
    expect(await chargeBooking(deps, replay, first)).toBe('settled');

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment?.status).toBe('FAILED');
    expect(typesOf(deps.store.events)).toEqual(['payment.failed']);
  });

  it('two deliveries at once make one charge: the one that loses the race reads again and finds it made', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    // The first delivery has read no payment and decided; the second one lands its charge first.
    deps.store.beforeWrite = () => chargeBooking(deps, event, first).then(() => undefined);

    const outcome = await chargeBooking(deps, event, first);

    expect(outcome).toBe('settled');
    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(outcomes(payment)).toEqual(['SUCCEEDED']);
    expect(typesOf(deps.store.events)).toEqual(['payment.succeeded']);
  });
});

describe('closeBooking', () => {
  it.each([
    ['booking.cancelled', 'BOOKING_CANCELLED'],
    ['booking.expired', 'BOOKING_EXPIRED'],
    ['booking.payment_failed', 'BOOKING_FAILED'],
  ] as const)('%s refunds a succeeded payment (%s), once', async (type, reason) => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    await chargeBooking(deps, event, first);
    const close = closingEvent(type, event.detail.data.booking);

    expect(await closeBooking(deps, close)).toBe('refunded');
    expect(await closeBooking(deps, close)).toBe('settled');

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment).toMatchObject({ status: 'REFUNDED', refundReason: reason, failureReason: null });
    expect(outcomes(payment)).toEqual(['SUCCEEDED']);
    expect(typesOf(deps.store.events)).toEqual(['payment.succeeded', 'payment.refunded']);
  });

  it('a booking closed between two attempts is never charged', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_flaky');
    await expect(chargeBooking(deps, event, first)).rejects.toThrow(PaymentAttemptError);

    await closeBooking(deps, closingEvent('booking.cancelled', event.detail.data.booking));
    expect(await chargeBooking(deps, event, { receiveCount: 2 })).toBe('skipped');

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'BOOKING_CLOSED', refundReason: null });
    expect(outcomes(payment)).toEqual(['ERROR']);
    expect(deps.store.events).toEqual([]);
  });

  it('a booking closed before its booking.created arrives is never charged when it does', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');

    expect(await closeBooking(deps, closingEvent('booking.cancelled', event.detail.data.booking))).toBe(
      'skipped',
    );
    expect(await chargeBooking(deps, event, first)).toBe('skipped');

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'BOOKING_CLOSED', attempts: [] });
    expect(deps.store.events).toEqual([]);
  });

  it('a close that lands while the charge is written makes the charge read again, and charge nothing', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    const close = closingEvent('booking.cancelled', event.detail.data.booking);
    // The charge has read no payment and decided; the close lands first.
    let closed = false;
    deps.store.beforeWrite = async () => {
      closed = true;
      await closeBooking(deps, close);
    };

    const outcome = await chargeBooking(deps, event, first);

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(closed).toBe(true);
    expect(outcome).toBe('skipped');
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'BOOKING_CLOSED' });
    expect(deps.store.events).toEqual([]);
  });

  it('a charge that lands while the close is written makes the close read again, and refund', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    // The close has read no payment and decided; a charge lands first.
    deps.store.beforeWrite = () => chargeBooking(deps, event, first).then(() => undefined);

    const outcome = await closeBooking(deps, closingEvent('booking.cancelled', event.detail.data.booking));

    const payment = deps.store.payments.get(paymentIdOf(event.detail.data.booking.id));
    expect(outcome).toBe('refunded');
    expect(payment).toMatchObject({ status: 'REFUNDED', refundReason: 'BOOKING_CANCELLED' });
    expect(typesOf(deps.store.events)).toEqual(['payment.succeeded', 'payment.refunded']);
  });
});

describe('A change that lands between the read and the write', () => {
  it('a close that lands while a retry is written makes it read again: the retry is not recorded, nothing charged', async () => {
    const deps = fakeDependencies();
    const event = createdEvent('tok_flaky');
    await expect(chargeBooking(deps, event, first)).rejects.toThrow(PaymentAttemptError);
    const id = paymentIdOf(event.detail.data.booking.id);
    const stored = deps.store.payments.get(id);
    deps.store.beforeWrite = () =>
      closeBooking(deps, closingEvent('booking.cancelled', event.detail.data.booking)).then(() => undefined);

    const outcome = await chargeBooking(deps, event, { receiveCount: 2 });

    expect(stored).toMatchObject({ status: 'PENDING', version: 1 });
    expect(outcome).toBe('skipped');
    expect(deps.store.payments.get(id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'BOOKING_CLOSED',
      closedBy: 'BOOKING_CANCELLED',
      version: 3,
    });
    expect(outcomes(deps.store.payments.get(id))).toEqual(['ERROR']);
    expect(deps.store.events).toEqual([]);
  });
});

describe('Metric: PaymentsSucceeded', () => {
  it('counts one for a succeeded charge, under the payments service, with the booking request id', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = correlated(createdEvent('tok_ok'), 'req-7');

    // Act
    await chargeBooking(deps, event, first);

    // Assess
    expect(deps.metrics.published('PaymentsSucceeded')).toEqual([
      { value: 1, dimensions: [['service', 'environment']], service: 'payments', correlationId: 'req-7' },
    ]);
  });

  it('counts nothing for a redelivery of the settled charge', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    await chargeBooking(deps, event, first);

    // Act
    const again = await chargeBooking(deps, event, { receiveCount: 2 });

    // Assess
    expect(again).toBe('settled');
    expect(deps.metrics.total('PaymentsSucceeded')).toBe(1);
  });

  it('counts one for two deliveries charged at once', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    // The first delivery has read no payment and decided; the second one lands its charge first.
    deps.store.beforeWrite = () => chargeBooking(deps, event, first).then(() => undefined);

    // Act
    await chargeBooking(deps, event, first);

    // Assess
    expect(deps.metrics.total('PaymentsSucceeded')).toBe(1);
  });

  it('counts one success and no failure for a flaky charge that succeeds on its third attempt', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_flaky');

    // Act
    for (const receiveCount of [1, 2])
      await chargeBooking(deps, event, { receiveCount }).catch(() => undefined);
    await chargeBooking(deps, event, { receiveCount: 3 });

    // Assess
    expect(deps.metrics.total('PaymentsSucceeded')).toBe(1);
    expect(deps.metrics.total('PaymentsFailed')).toBe(0);
  });
});

describe('Metric: PaymentsFailed', () => {
  it('counts one for a declined charge, under the payments service, with the booking request id', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = correlated(createdEvent('tok_decline'), 'req-8');

    // Act
    await chargeBooking(deps, event, first);

    // Assess
    expect(deps.metrics.published('PaymentsFailed')).toEqual([
      { value: 1, dimensions: [['service', 'environment']], service: 'payments', correlationId: 'req-8' },
    ]);
  });

  it('counts an erroring charge once, on its last attempt only, not on the attempts it retries', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_error');
    const afterEach: number[] = [];

    // Act
    for (const receiveCount of [1, 2, 3]) {
      await chargeBooking(deps, event, { receiveCount }).catch(() => undefined);
      afterEach.push(deps.metrics.total('PaymentsFailed'));
    }

    // Assess
    expect(afterEach).toEqual([0, 0, 1]);
  });

  it('counts nothing for the redrive of a charge that failed for good', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_error');
    for (const receiveCount of [1, 2, 3])
      await chargeBooking(deps, event, { receiveCount }).catch(() => undefined);

    // Act
    const redriven = await chargeBooking(deps, event, { receiveCount: 1 });

    // Assess
    expect(redriven).toBe('settled');
    expect(deps.metrics.total('PaymentsFailed')).toBe(1);
  });

  it('counts no failure for a charge skipped because its booking closed first', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    await closeBooking(deps, closingEvent('booking.cancelled', event.detail.data.booking));

    // Act
    const outcome = await chargeBooking(deps, event, first);

    // Assess
    expect(outcome).toBe('skipped');
    expect(deps.metrics.total('PaymentsFailed')).toBe(0);
  });
});

describe('Metric: PaymentsRefunded', () => {
  it("counts one when a cancelled booking's succeeded payment is refunded, with the cancel's id", async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    await chargeBooking(deps, event, first);
    const close = correlated(closingEvent('booking.cancelled', event.detail.data.booking), 'req-cancel');

    // Act
    await closeBooking(deps, close);

    // Assess
    expect(deps.metrics.published('PaymentsRefunded')).toEqual([
      {
        value: 1,
        dimensions: [['service', 'environment']],
        service: 'payments',
        correlationId: 'req-cancel',
      },
    ]);
  });

  it.each([
    ['declined', 'tok_decline'],
    ['still retrying after an error', 'tok_flaky'],
    ['left pending by the provider', 'tok_pending'],
  ])('counts nothing for closing a booking whose payment was %s', async (_case, token) => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent(token);
    await chargeBooking(deps, event, first).catch(() => undefined);

    // Act
    await closeBooking(deps, closingEvent('booking.cancelled', event.detail.data.booking));

    // Assess
    expect(deps.metrics.total('PaymentsRefunded')).toBe(0);
  });

  it('counts nothing for closing a booking before its charge was ever attempted', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');

    // Act
    const outcome = await closeBooking(deps, closingEvent('booking.cancelled', event.detail.data.booking));

    // Assess
    expect(outcome).toBe('skipped');
    expect(deps.metrics.total('PaymentsRefunded')).toBe(0);
  });

  it('counts one refund for a booking closed twice', async () => {
    // Prepare
    const deps = fakeDependencies();
    const event = createdEvent('tok_ok');
    await chargeBooking(deps, event, first);
    const close = closingEvent('booking.cancelled', event.detail.data.booking);
    await closeBooking(deps, close);

    // Act
    const again = await closeBooking(deps, close);

    // Assess
    expect(again).toBe('settled');
    expect(deps.metrics.total('PaymentsRefunded')).toBe(1);
  });
});

describe('The SQS batch handler', () => {
  const silent: Logger = {
    debug: async () => {},
    info: async () => {},
    warn: async () => {},
    error: async () => {},
  } as unknown as Logger;

  it('reports only the failed messages: an erring charge and a malformed body; the others are done', async () => {
    const deps = fakeDependencies();
    const consumer = createEventConsumer({
      name: 'payments',
      once: async (_id, work) => ({ outcome: 'processed', result: await work() }),
      logger: silent,
      metrics: deps.metrics,
      handlers: paymentsHandlers(deps),
    });
    const ok = createdEvent('tok_ok');
    const erring = createdEvent('tok_error');
    const declined = createdEvent('tok_decline');
    const batch = {
      Records: [
        sqsRecord('a', deliveryOf(ok)),
        sqsRecord('b', deliveryOf(erring)),
        sqsRecord('c', '{not json'),
        sqsRecord('d', deliveryOf(declined)),
      ],
    } as SQSEvent;

    const response = await consumer.sqs(batch);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }]);
    expect(deps.store.payments.get(paymentIdOf(ok.detail.data.booking.id))?.status).toBe('SUCCEEDED');
    expect(deps.store.payments.get(paymentIdOf(declined.detail.data.booking.id))?.status).toBe('FAILED');
    expect(outcomes(deps.store.payments.get(paymentIdOf(erring.detail.data.booking.id)))).toEqual(['ERROR']);
  });
});
