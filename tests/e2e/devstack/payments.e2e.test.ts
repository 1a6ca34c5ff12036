/**
 * The booking saga on the devstack: `booking.created` crosses the bus to the payments queue, the
 * payments function charges (retrying errors through the queue, declines not at all), and its
 * `payment.succeeded` or `payment.failed` confirms or fails the booking. Each emulated token's final
 * state, the payment record and its attempts, the events on the bus and the dead-letter queue; a
 * redrive, duplicates and replays (one charge), and the refunds.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { at, type Booking, call, createRoom } from '../../support/bookings.ts';
import {
  type Account,
  adminAccount,
  type BusEvent,
  busEvents,
  newAccount,
  newProvider,
  waitForEvent,
} from '../../support/e2e.ts';
import {
  bookingIn,
  devstackClientConfig,
  type Payment,
  paymentOf,
  paymentWhen,
  queueSummary,
  sqsClient,
  waitingFor,
} from '../../support/payments.ts';
import { pollUntil } from '../../support/poll.ts';

const run = promisify(execFile);
const QUEUE = 'payments-charges';
const DEAD_LETTERS = 'payments-charges-dlq';
const SETTLED = (payment: Payment) => payment.status !== 'PENDING';

let provider: Account;
let user: Account;
let admin: string;
let roomId: string;
let day = 0;

beforeAll(async () => {
  [provider, user] = await Promise.all([newProvider('payments-provider'), newAccount('payments-booker')]);
  admin = (await adminAccount()).accessToken;
  roomId = (await createRoom(provider, { pricePerHour: 1250, currency: 'EUR' })).id;
});

/** A booking of its own hour, so no two tests' bookings overlap. */
const bookWith = async (paymentToken?: string): Promise<Booking> => {
  day++;
  // Straight to the API, not through `book`, which names a pending token when given none.
  const response = await call(user, 'POST', '/v1/bookings', {
    roomId,
    startTime: at(2 + day, 9),
    endTime: at(2 + day, 10),
    ...(paymentToken === undefined ? {} : { paymentToken }),
  });
  if (response.status !== 201) throw new Error(`booking failed with ${response.status}`);
  return (await response.json()) as Booking;
};

/** Every event of `detailType` about this booking's payment, once at least `atLeast` have crossed the bus. */
const paymentEvents = (detailType: string, bookingId: string, atLeast = 0): Promise<BusEvent[]> =>
  busEvents(
    { detailType },
    (event) => (event.detail.data.payment as { bookingId?: string } | undefined)?.bookingId === bookingId,
    atLeast,
  );

/** Every event of `detailType` about this booking, once at least `atLeast` have crossed the bus. */
const bookingEvents = (detailType: string, bookingId: string, atLeast = 0): Promise<BusEvent[]> =>
  busEvents(
    { detailType },
    (event) => (event.detail.data.booking as { id?: string } | undefined)?.id === bookingId,
    atLeast,
  );

/** The room.availability_changed events of this booking's room and interval. */
const roomEvents = (booking: Booking): Promise<BusEvent[]> =>
  busEvents(
    { detailType: 'room.availability_changed' },
    ({ detail: { data } }) =>
      data.roomId === booking.roomId &&
      data.startTime === booking.startTime &&
      data.endTime === booking.endTime,
  );

const outcomes = (payment: Payment) => payment.attempts.map((attempt) => attempt.outcome);

/** The booking.created event of a booking, as the bus carried it (what the queue got). */
const createdEvent = (booking: Booking) =>
  waitForEvent({ detailType: 'booking.created' }, (event) => {
    const data = event.detail.data as { booking: { id: string } };
    return data.booking.id === booking.id;
  });

describe('Each emulated token', () => {
  const cases = [
    {
      token: undefined,
      booking: 'CONFIRMED',
      payment: 'SUCCEEDED',
      attempts: ['SUCCEEDED'],
      event: 'payment.succeeded',
    },
    {
      token: 'tok_ok',
      booking: 'CONFIRMED',
      payment: 'SUCCEEDED',
      attempts: ['SUCCEEDED'],
      event: 'payment.succeeded',
    },
    {
      token: 'tok_decline',
      booking: 'PAYMENT_FAILED',
      payment: 'FAILED',
      attempts: ['DECLINED'],
      event: 'payment.failed',
      reason: 'DECLINED',
    },
    {
      token: 'tok_unknown',
      booking: 'PAYMENT_FAILED',
      payment: 'FAILED',
      attempts: ['DECLINED'],
      event: 'payment.failed',
      reason: 'DECLINED',
    },
    {
      token: 'tok_flaky',
      booking: 'CONFIRMED',
      payment: 'SUCCEEDED',
      attempts: ['ERROR', 'ERROR', 'SUCCEEDED'],
      event: 'payment.succeeded',
    },
    {
      token: 'tok_error',
      booking: 'PAYMENT_FAILED',
      payment: 'FAILED',
      attempts: ['ERROR', 'ERROR', 'ERROR'],
      event: 'payment.failed',
      reason: 'ERROR',
      deadLettered: true,
    },
  ] as const;

  for (const expected of cases) {
    it(`${expected.token ?? 'no token'}: the booking ends ${expected.booking}, the payment ${expected.payment} after ${expected.attempts.length} attempt(s)`, {
      timeout: 40_000,
    }, async () => {
      // Act
      const booking = await bookWith(expected.token);
      const final = await bookingIn(user, booking.id, ['CONFIRMED', 'PAYMENT_FAILED'], 30_000);
      const payment = await paymentWhen(user, booking.id, SETTLED);

      // Assess: the booking, its payment and attempts, one event, the dead-letter queue.
      expect(final.status).toBe(expected.booking);
      expect(payment).toMatchObject({
        bookingId: booking.id,
        userId: user.user.id,
        status: expected.payment,
        amount: booking.amount,
        currency: 'EUR',
        failureReason: 'reason' in expected ? expected.reason : null,
        refundReason: null,
      });
      expect(outcomes(payment)).toEqual(expected.attempts);
      expect(payment.attempts.map((a) => a.number)).toEqual(expected.attempts.map((_, i) => i + 1));
      const events = await paymentEvents(expected.event, booking.id, 1);
      expect(events).toHaveLength(1);
      expect(events[0]?.detail.data.payment).toEqual(payment);
      const other = expected.event === 'payment.succeeded' ? 'payment.failed' : 'payment.succeeded';
      expect(await paymentEvents(other, booking.id)).toHaveLength(0);
      // The booking's own event, by the system, under the payment's correlation id; a failure frees the room.
      const bookingEvent = expected.booking === 'CONFIRMED' ? 'booking.confirmed' : 'booking.payment_failed';
      const moved = await bookingEvents(bookingEvent, booking.id, 1);
      expect(moved).toHaveLength(1);
      expect(moved[0]?.detail).toMatchObject({
        correlationId: events[0]?.detail.correlationId,
        data: { booking: final, previousStatus: 'PENDING_PAYMENT', changedBy: null },
      });
      const freed = (await roomEvents(booking)).filter((e) => e.detail.data.change === 'freed');
      expect(freed).toHaveLength(expected.booking === 'CONFIRMED' ? 0 : 1);
      const deadLettered = await pollUntil(
        () => waitingFor(DEAD_LETTERS, booking.id),
        (count) => count === ('deadLettered' in expected ? 1 : 0),
        { timeoutMs: 10_000, intervalMs: 200 },
      );
      expect(deadLettered).toBe('deadLettered' in expected ? 1 : 0);
    });
  }

  it('tok_pending: the payment is accepted as pending and stays so; the booking keeps its hold', {
    timeout: 30_000,
  }, async () => {
    // Act
    const booking = await bookWith('tok_pending');
    const payment = await paymentWhen(user, booking.id, (p) => p.attempts.length > 0);
    // Well past two visibility timeouts: nothing more happens.
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    // Assess
    expect(payment.status).toBe('PENDING');
    expect(outcomes(payment)).toEqual(['PENDING']);
    expect(await paymentOf(user, booking.id)).toEqual(payment);
    expect((await bookingIn(user, booking.id, ['PENDING_PAYMENT'])).status).toBe('PENDING_PAYMENT');
    expect(await paymentEvents('payment.succeeded', booking.id)).toHaveLength(0);
    expect(await paymentEvents('payment.failed', booking.id)).toHaveLength(0);
    expect(await waitingFor(DEAD_LETTERS, booking.id)).toBe(0);
  });
});

describe('Reading payments', () => {
  it('the owner and admins read it by booking and by id, with an ETag; others get 404; no token anywhere', async () => {
    // Prepare
    const token = `tok_ok`;
    const booking = await bookWith(token);
    const payment = await paymentWhen(user, booking.id, SETTLED);
    const stranger = await newAccount('payments-stranger');

    // Act
    const byId = await call(user, 'GET', `/v1/payments/${payment.id}`);
    const byAdmin = await call(admin, 'GET', `/v1/payments/${payment.id}`);
    const listByAdmin = await call(admin, 'GET', `/v1/payments?bookingId=${booking.id}`);
    const denied = await Promise.all([
      call(stranger, 'GET', `/v1/payments/${payment.id}`),
      call(stranger, 'GET', `/v1/payments?bookingId=${booking.id}`),
      call(provider, 'GET', `/v1/payments/${payment.id}`),
      call(user, 'GET', `/v1/payments/${randomUUID()}`),
      call(user, 'GET', `/v1/payments?bookingId=${randomUUID()}`),
    ]);
    const bodies = [await byId.text(), await byAdmin.text(), await listByAdmin.text()];

    // Assess
    expect(byId.status).toBe(200);
    expect(byId.headers.get('etag')).toBe(`"${payment.version}"`);
    expect(JSON.parse(bodies[0] as string)).toEqual(payment);
    expect(byAdmin.status).toBe(200);
    expect(JSON.parse(bodies[2] as string)).toEqual({ items: [payment], nextCursor: null });
    expect(denied.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    for (const body of bodies) expect(body).not.toMatch(/tok_|paymentToken/);
    const problem = (await denied[0]?.json()) as { type: string };
    expect(problem.type).toBe('urn:tessera:problem:payment-not-found');
  });

  it('a bookingId that is not a UUID is a 400 naming it', async () => {
    const response = await call(user, 'GET', '/v1/payments?bookingId=nope');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('bookingId');
  });
});

describe('Exactly one charge', () => {
  it('a duplicated booking.created, and a replay under a new event id, charge nothing more', {
    timeout: 30_000,
  }, async () => {
    // Prepare: a booking paid once.
    const booking = await bookWith('tok_ok');
    const paid = await paymentWhen(user, booking.id, SETTLED);
    const created = await createdEvent(booking);
    const body = JSON.stringify({
      version: '0',
      id: randomUUID(),
      source: created.source,
      'detail-type': created.detailType,
      detail: created.detail,
    });
    const replay = JSON.stringify({
      version: '0',
      id: randomUUID(),
      source: created.source,
      'detail-type': created.detailType,
      detail: { ...created.detail, eventId: randomUUID() },
    });

    // Act: the same event twice more, and once under a new id, into the payments queue.
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE }));
    for (const message of [body, body, replay])
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: message }));
    await pollUntil(
      () => waitingFor(QUEUE, booking.id),
      (count) => count === 0,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await pollUntil(
      () => queueSummary(QUEUE),
      (q) => q.visible + q.inFlight === 0,
      { timeoutMs: 10_000 },
    );
    sqs.destroy();

    // Assess: one success, one event, nothing changed.
    expect(await paymentOf(user, booking.id)).toEqual(paid);
    expect(outcomes(paid)).toEqual(['SUCCEEDED']);
    expect(await paymentEvents('payment.succeeded', booking.id, 1)).toHaveLength(1);
    expect(await waitingFor(DEAD_LETTERS, booking.id)).toBe(0);
  });

  it('a redrive of the dead-letter queue moves the message back, and it charges nothing more', {
    timeout: 40_000,
  }, async () => {
    // Prepare: a payment that erred 3 times, its message dead-lettered.
    const booking = await bookWith('tok_error');
    const failed = await paymentWhen(user, booking.id, SETTLED, 30_000);
    await pollUntil(
      () => waitingFor(DEAD_LETTERS, booking.id),
      (n) => n === 1,
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    const endpoint = inject('devstack')?.sqsEndpoint ?? '';
    const redrive = (...args: string[]) =>
      run(
        process.execPath,
        ['--import', 'tsx', 'scripts/redrive.ts', DEAD_LETTERS, '--endpoint', endpoint, ...args],
        {
          timeout: 60_000,
        },
      );

    // Act: a dry run, then the redrive, with the operator's tool.
    const dry = await redrive('--dry-run');
    const moved = await redrive();
    await pollUntil(
      () => queueSummary(QUEUE),
      (q) => q.visible + q.inFlight === 0,
      { timeoutMs: 10_000 },
    );

    // Assess: the dry run showed the message and moved nothing; the redrive moved it back.
    expect(dry.stdout).toContain('booking.created');
    expect(moved.stdout).toMatch(/Moved \d+ messages? from payments-charges-dlq to payments-charges/);
    // Assess: out of the dead-letter queue, consumed, and the payment as it was.
    expect(await waitingFor(DEAD_LETTERS, booking.id)).toBe(0);
    expect(await paymentOf(user, booking.id)).toEqual(failed);
    expect(outcomes(failed)).toEqual(['ERROR', 'ERROR', 'ERROR']);
    expect(await paymentEvents('payment.failed', booking.id, 1)).toHaveLength(1);
  });
});

describe('Compensation', () => {
  it('cancelling a CONFIRMED booking refunds its payment', { timeout: 20_000 }, async () => {
    // Prepare
    const booking = await bookWith('tok_ok');
    await bookingIn(user, booking.id, ['CONFIRMED']);

    // Act
    const cancelled = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);
    const refunded = await paymentWhen(user, booking.id, (p) => p.status === 'REFUNDED');

    // Assess
    expect(cancelled.status).toBe(200);
    expect(refunded).toMatchObject({
      status: 'REFUNDED',
      refundReason: 'BOOKING_CANCELLED',
      failureReason: null,
    });
    expect(outcomes(refunded)).toEqual(['SUCCEEDED']);
    const events = await paymentEvents('payment.refunded', booking.id, 1);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail.data.payment).toEqual(refunded);
    expect((await bookingIn(user, booking.id, ['CANCELLED'])).status).toBe('CANCELLED');
  });

  it('a booking cancelled while its payment is retried is never charged; the booking stays cancelled', {
    timeout: 30_000,
  }, async () => {
    // Prepare: the first attempt errs.
    const booking = await bookWith('tok_flaky');
    await paymentWhen(user, booking.id, (p) => p.attempts.length === 1);

    // Act: cancel before the retry.
    const cancelled = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);
    const payment = await paymentWhen(user, booking.id, SETTLED);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // Assess
    expect(cancelled.status).toBe(200);
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'BOOKING_CLOSED', refundReason: null });
    expect(outcomes(payment)).toEqual(['ERROR']);
    expect(await paymentOf(user, booking.id)).toEqual(payment);
    expect(await paymentEvents('payment.succeeded', booking.id)).toHaveLength(0);
    expect((await bookingIn(user, booking.id, ['CANCELLED'])).status).toBe('CANCELLED');
  });

  it('bookings cancelled as they are made end cancelled; each payment is never charged or is refunded', {
    timeout: 40_000,
  }, async () => {
    // Act: book and cancel at once, so the cancellation races the charge (either may come first).
    const raced = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const booking = await bookWith('tok_ok');
        const cancelled = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);
        return { booking, cancelled: cancelled.status };
      }),
    );
    const settled = await Promise.all(
      raced.map(async ({ booking }) => ({
        booking,
        payment: await paymentWhen(user, booking.id, (p) => p.status === 'FAILED' || p.status === 'REFUNDED'),
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Assess: whichever came first, the booking stays cancelled and no charge is kept.
    expect(raced.map((r) => r.cancelled)).toEqual(raced.map(() => 200));
    for (const { booking, payment } of settled) {
      expect((await bookingIn(user, booking.id, ['CANCELLED'])).status).toBe('CANCELLED');
      if (payment.status === 'REFUNDED') {
        expect(payment).toMatchObject({ refundReason: 'BOOKING_CANCELLED', failureReason: null });
        expect(outcomes(payment)).toEqual(['SUCCEEDED']);
        expect(await paymentEvents('payment.refunded', booking.id, 1)).toHaveLength(1);
      } else {
        expect(payment).toMatchObject({ failureReason: 'BOOKING_CLOSED', refundReason: null, attempts: [] });
        expect(await paymentEvents('payment.succeeded', booking.id)).toHaveLength(0);
      }
      expect(await paymentOf(user, booking.id)).toEqual(payment);
    }
  });
});

describe('Dead letters of a rule target', () => {
  it('an event its consumer throws on at every attempt lands in the service invocations dead-letter queue, as Lambda records it', {
    timeout: 20_000,
  }, async () => {
    // Prepare: a payment.succeeded whose data the catalog refuses, put on the bus as any publisher would.
    const bus = new EventBridgeClient(devstackClientConfig(inject('devstack')?.eventBusEndpoint));
    const eventId = randomUUID();
    const detail = {
      eventId,
      occurredAt: new Date().toISOString(),
      correlationId: 'dead-letter',
      data: { payment: { id: 'not a payment' } },
    };

    // Act
    await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'tessera',
            Source: 'tessera.payments',
            DetailType: 'payment.succeeded',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    bus.destroy();

    // Assess: after the 3 attempts, Lambda's record of the failure waits in bookings-invocations-dlq.
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'bookings-invocations-dlq' }));
    interface InvocationRecord {
      requestContext: { functionArn: string; condition: string; approximateInvokeCount: number };
      requestPayload: { detail: { eventId: string } };
      responsePayload: { errorType: string; errorMessage: string };
    }
    const found = await pollUntil(
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
        );
        return Messages.map((m) => JSON.parse(m.Body ?? '{}') as InvocationRecord).find(
          (record) => record.requestPayload?.detail?.eventId === eventId,
        );
      },
      (record) => record !== undefined,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    sqs.destroy();
    expect(found?.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(found?.requestContext.functionArn).toMatch(/:function:bookings:live$/);
    expect(found?.responsePayload.errorType).toBe('InvalidEventError');
    expect((await queueSummary('bookings-invocations-dlq')).visible).toBeGreaterThanOrEqual(1);
  });
});
