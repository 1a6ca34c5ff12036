/**
 * What an on-call engineer reads, on a devstack of this file's own (the shared one's counters move
 * under every other file): a user books, pays, cancels, fails a payment, lets a hold lapse and gets
 * a reminder, and every business counter at `GET /_devstack/metrics` moves by exactly what happened.
 * The counters come from the EMF lines the functions write, as CloudWatch's would.
 * One booking is one trace at `GET /_devstack/traces`, from `POST /v1/bookings` to its WebSocket
 * push, found by the request's correlation id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devstack } from '../../../packages/devstack/src/index.ts';
import { ownDevstack } from '../../support/own-devstack.ts';
import { pollUntil } from '../../support/poll.ts';
import { openSocket, type TestSocket } from '../../support/websocket.ts';

const ADMIN = { email: 'admin@metrics.tessera.test', password: 'metrics admin passphrase, long enough' };
const MINUTE = 60_000;

const own = ownDevstack('metrics', ADMIN);
const { api, login } = own;
let devstack: Devstack;

interface TraceSummary {
  readonly id: string;
}

interface TraceDocument {
  readonly name: string;
  readonly trace_id: string;
  readonly origin?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const newUser = async (label: string) => {
  const { id, email } = await own.register(label);
  return { id, email, token: await login(email) };
};

/** Every sample of the devstack's metrics now, as its JSON view lists them. */
const samples = async (): Promise<Sample[]> => {
  const { status, body } = await api('/_devstack/metrics?format=json');
  expect(status).toBe(200);
  return (body.families as { samples: Sample[] }[]).flatMap((family) => family.samples);
};

/** The sum of a series' samples whose labels include `labels`, in a snapshot. */
const sumOf = (snapshot: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}) =>
  snapshot
    .filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);

/** A whole minute `minutes` ahead of the devstack's clock. */
const minutesAhead = async (minutes: number) => {
  const now = Date.parse((await api('/_devstack/clock')).body.now);
  return new Date(Math.ceil(now / MINUTE) * MINUTE + minutes * MINUTE).toISOString();
};

let roomId: string;
let owner: Awaited<ReturnType<typeof newUser>>;
let socket: TestSocket;

const book = async (startTime: string, paymentToken: string, headers: Record<string, string> = {}) => {
  const response = await api('/v1/bookings', {
    token: owner.token,
    headers,
    body: {
      roomId,
      startTime,
      endTime: new Date(Date.parse(startTime) + 60 * MINUTE).toISOString(),
      paymentToken,
    },
  });
  expect(response.status).toBe(201);
  return response;
};

const statusOf = (bookingId: string, wanted: string) =>
  pollUntil(
    async () => (await api(`/v1/bookings/${bookingId}`, { token: owner.token })).body,
    (booking) => booking?.status === wanted,
    { timeoutMs: 20_000 },
  );

beforeAll(async () => {
  devstack = await own.start();
  [roomId] = (await own.providerRooms('Metered room')) as [string];
  owner = await newUser('metrics-owner');
}, 120_000);

afterAll(async () => {
  await own.remove();
});

describe('GET /_devstack/metrics', () => {
  it('serves Prometheus text with HELP and TYPE from the metric catalog', async () => {
    const response = await fetch(`${devstack.httpUrl}/_devstack/metrics`);
    const text = await response.text();

    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('# TYPE tessera_requests_total counter');
    expect(text).toContain('# HELP tessera_requests_total Requests (Count): moves once per HTTP request');
    expect(text).toContain('# TYPE tessera_latency_milliseconds histogram');
    expect(text).toMatch(/tessera_requests_total\{[^}]*service="users"[^}]*\} \d+/);
  });

  it('moves each business counter by exactly what the user did: book, pay, cancel, fail, lapse, remind', async () => {
    // Prepare
    const before = await samples();
    socket = await openSocket(owner.token, devstack.webSocketUrl);
    const failedLogin = await api('/v1/auth/login', {
      body: { email: owner.email, password: 'not the password' },
    });
    expect(failedLogin.status).toBe(401);

    // Act: a booking paid then cancelled (refunded), one declined, one left pending until its hold
    // lapses, one confirmed inside the reminder's lead (reminded at once), and an Idempotency-Key replay.
    const paid = await book(await minutesAhead(24 * 60), 'tok_ok');
    await statusOf(paid.body.id, 'CONFIRMED');
    const cancelled = await api(`/v1/bookings/${paid.body.id}/cancel`, {
      method: 'POST',
      token: owner.token,
    });
    expect(cancelled.status).toBe(200);
    const declined = await book(await minutesAhead(26 * 60), 'tok_decline');
    await statusOf(declined.body.id, 'PAYMENT_FAILED');
    const key = { 'idempotency-key': randomUUID() };
    const pending = await book(await minutesAhead(28 * 60), 'tok_pending', key);
    const replayed = await book(pending.body.startTime, 'tok_pending', key);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const soon = await book(await minutesAhead(5), 'tok_ok');
    await statusOf(soon.body.id, 'CONFIRMED');
    await socket.next((m) => m.type === 'booking.reminder' && m.data?.booking?.id === soon.body.id);
    const moved = await api('/_devstack/clock', { body: { advanceSeconds: 16 * 60 } });
    expect(moved.status).toBe(200);
    owner.token = await login(owner.email);
    await statusOf(pending.body.id, 'EXPIRED');
    // The last pushes the owner is due, before the socket closes (a push to a closed one is dropped).
    await socket.next((m) => m.type === 'booking.expired' && m.data?.booking?.id === pending.body.id);
    await socket.next((m) => m.type === 'payment.refunded');
    await socket.close();

    // Assess: every counter at its exact value once the saga has settled, and still there a moment later.
    const expected: Record<string, number> = {
      tessera_bookings_created_total: 4,
      tessera_bookings_confirmed_total: 2,
      tessera_bookings_cancelled_total: 1,
      tessera_bookings_expired_total: 1,
      tessera_payments_succeeded_total: 2,
      tessera_payments_failed_total: 1,
      tessera_payments_refunded_total: 1,
      tessera_reminders_sent_total: 1,
      tessera_login_failures_total: 1,
      tessera_login_lockouts_total: 0,
      tessera_sockets_connected_total: 1,
      tessera_sockets_disconnected_total: 1,
      tessera_notifications_dropped_total: 0,
    };
    const deltas = (after: readonly Sample[]) =>
      Object.fromEntries(
        Object.keys(expected).map((name) => [name, sumOf(after, name) - sumOf(before, name)]),
      );
    const settled = await pollUntil(
      samples,
      (after) => JSON.stringify(deltas(after)) === JSON.stringify(expected),
      {
        timeoutMs: 20_000,
      },
    );
    expect(deltas(settled)).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const later = await samples();
    expect(deltas(later)).toEqual(expected);

    // Every notification the socket got was one push, and the reminder's lag was observed once.
    const pushed =
      sumOf(later, 'tessera_notifications_pushed_total') -
      sumOf(before, 'tessera_notifications_pushed_total');
    expect(pushed).toBe(socket.notifications().length);
    expect(pushed).toBeGreaterThanOrEqual(8);
    expect(
      sumOf(later, 'tessera_reminder_lag_milliseconds_count') -
        sumOf(before, 'tessera_reminder_lag_milliseconds_count'),
    ).toBe(1);
    // Requests by operation and status class: five 201s and one 401, as the client saw them.
    const requests = (labels: Record<string, string>) =>
      sumOf(later, 'tessera_requests_total', labels) - sumOf(before, 'tessera_requests_total', labels);
    expect(requests({ service: 'bookings', operation: 'createBooking', status_class: '2xx' })).toBe(5);
    expect(requests({ service: 'users', operation: 'login', status_class: '4xx' })).toBe(1);
    expect(requests({ service: 'bookings', operation: 'cancelBooking', status_class: '2xx' })).toBe(1);
  }, 120_000);
});

describe('GET /_devstack/traces', () => {
  it('shows one booking as one trace, from POST /v1/bookings to the WebSocket push, by its correlation id', async () => {
    // Prepare
    const watcher = await openSocket(owner.token, devstack.webSocketUrl);
    const correlationId = `trace-${randomUUID()}`;

    // Act
    const created = await book(await minutesAhead(30 * 60), 'tok_ok', { 'x-request-id': correlationId });
    await watcher.next((m) => m.type === 'booking.confirmed' && m.data?.booking?.id === created.body.id);
    await watcher.close();

    // Assess
    const traces = await pollUntil(
      async () =>
        (await api(`/_devstack/traces?annotation.correlationId=${correlationId}`)).body
          .items as TraceSummary[],
      (items) => items.length > 0,
    );
    expect(traces).toHaveLength(1);
    const traceId = String(traces[0]?.id);
    const { segments } = await pollUntil(
      async () => (await api(`/_devstack/traces/${traceId}`)).body as { segments: TraceDocument[] },
      (body) =>
        body.segments.some(
          (s) => s.name === 'notifications' && s.annotations?.operation === 'booking.confirmed',
        ),
    );
    const annotated = (name: string, operation: string) =>
      segments.find(
        (s) =>
          s.name === name &&
          s.annotations?.operation === operation &&
          s.annotations.correlationId === correlationId,
      );
    // The request, the charge from the queue, the confirmation from the bus, and the push.
    expect(annotated('createBooking', 'createBooking')?.annotations?.service).toBe('bookings');
    expect(annotated('payments', 'booking.created')).toBeDefined();
    expect(annotated('bookings.user-directory', 'payment.succeeded')).toBeDefined();
    expect(annotated('notifications', 'booking.confirmed')).toBeDefined();
    // The functions a rule invoked carry the trace on in their own segments, as Lambda's active
    // tracing records them; the queue's consumer starts its own (Lambda links SQS traces) and its
    // work joins this trace through the message's AWSTraceHeader, as checked above.
    const functions = new Set(
      segments.filter((s) => s.origin === 'AWS::Lambda::Function').map((s) => s.name),
    );
    expect(functions).toEqual(new Set(['bookings', 'notifications']));
    expect(new Set(segments.map((s) => s.trace_id))).toEqual(new Set([traceId]));
  }, 60_000);

  it('answers 404 problem+json for a trace it does not hold', async () => {
    const response = await api('/_devstack/traces/1-00000000-000000000000000000000000');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
