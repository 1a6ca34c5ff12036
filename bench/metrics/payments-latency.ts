/**
 * The time from `POST /v1/bookings` to `CONFIRMED` on the devstack, beside a baseline in the same
 * run, one booking at a time and then several at once.
 *
 * - **confirmed**: a booking with no payment token (the emulated provider charges it at once). Its
 *   path: the bookings function writes it `PENDING_PAYMENT` with `booking.created` in its outbox;
 *   the table's stream carries that to the outbox publisher, which puts it on the bus; a rule sends
 *   it to the `payments-charges` queue; the queue's event source mapping hands it to the payments
 *   function, which charges and writes `payment.succeeded` through its own outbox; the payments
 *   table's stream, the publisher and the bus carry that to the bookings function, which confirms
 *   the booking. Timed from the POST sent to the first `GET /v1/bookings/{id}` answer that shows
 *   `CONFIRMED`.
 * - **baseline**: a booking with `tok_pending` (the charge is accepted as pending: no outcome, no
 *   second hop), timed from the POST sent to the first poll of `GET /_devstack/events` (by the
 *   POST's correlation id) that shows its `booking.created`: one outbox hop, the bus path alone,
 *   which the confirmation makes twice with a queue and two functions between.
 *
 * The two kinds alternate in a random order, booking by booking (one at a time) or batch by batch
 * (several at once), so a slow moment of the machine falls on both. Each booking is polled every
 * `pollIntervalMs` (a poll starts at most that often and never while one is in flight), which bounds
 * the resolution: a figure is late by up to one interval plus one poll's round trip. The stages on
 * the way come from the bus: each event's `occurredAt` (the clock reading of the use case that
 * wrote it) and its arrival on the bus, stamped by the devstack's process (`bench/processes/saga-devstack.ts`).
 * Nothing here asserts a time: the figures are printed and written.
 */
import { randomUUID } from 'node:crypto';
import {
  type BenchAccount,
  call,
  expectOk,
  login,
  newProvider,
  newRoom,
  newUser,
  sleep,
} from '../lib/api-client.ts';
import type { PaymentsLatency, PaymentsLatencyVariant, SagaMilestone } from '../lib/results.ts';
import { shuffled, spread } from '../lib/stats.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type Kind = PaymentsLatencyVariant['kind'];
type Mode = PaymentsLatencyVariant['mode'];

interface LatencyOptions {
  readonly api: string;
  readonly controlUrl: string;
  readonly admin: { readonly email: string; readonly password: string };
  /** Bookings of each kind in each mode. */
  readonly bookings: number;
  /** Bookings at once in the concurrent mode (0 skips it). */
  readonly concurrency: number;
  readonly sequentialPollMs: number;
  readonly concurrentPollMs: number;
  readonly warmup: number;
  readonly pauseMs: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

interface Sample {
  readonly kind: Kind;
  readonly correlationId: string;
  readonly sentAt: number;
  readonly postedAt: number;
  readonly observedAt: number;
  readonly polls: number;
}

interface BusEvent {
  readonly detailType: string;
  readonly detail: { readonly eventId: string; readonly occurredAt: string; readonly correlationId: string };
}

const epochMs = () => performance.timeOrigin + performance.now();
const iso = (ms: number) => new Date(ms).toISOString();
const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** Polls until `probe` answers true: a poll at most every `intervalMs`, never two at once. */
const pollUntil = async (probe: () => Promise<boolean>, intervalMs: number, timeoutMs: number) => {
  const deadline = performance.now() + timeoutMs;
  let polls = 0;
  while (performance.now() < deadline) {
    const started = performance.now();
    polls++;
    if (await probe().catch(() => false)) return { at: epochMs(), polls };
    const wait = intervalMs - (performance.now() - started);
    if (wait > 0) await sleep(wait);
  }
  return null;
};

/** The cast: a provider with rooms, users who book in turn, and a slot of its own for every booking. */
const prepare = async (options: LatencyOptions) => {
  const { api } = options;
  const adminToken = await login(api, options.admin.email, options.admin.password);
  const provider = await newProvider(api, adminToken, 'saga-provider');
  const rooms: string[] = [];
  for (let i = 0; i < 6; i++) rooms.push(await newRoom(api, provider, `Saga room ${i + 1}`));
  const users: BenchAccount[] = [];
  for (let i = 0; i < 10; i++) users.push(await newUser(api, `saga-booker-${i}`));
  const firstDay = Math.floor(Date.now() / DAY_MS) * DAY_MS + 2 * DAY_MS;
  let next = 0;
  /** A 1-hour interval no other booking of the run has: rooms in turn, 20 hours a day, day after day. */
  const slot = () => {
    const k = next++;
    const inRoom = Math.floor(k / rooms.length);
    const start = firstDay + Math.floor(inRoom / 20) * DAY_MS + (2 + (inRoom % 20)) * HOUR_MS;
    return {
      roomId: rooms[k % rooms.length] as string,
      startTime: iso(start),
      endTime: iso(start + HOUR_MS),
    };
  };
  let turn = 0;
  const user = () => users[turn++ % users.length] as BenchAccount;
  return { slot, user };
};

type Cast = Awaited<ReturnType<typeof prepare>>;

/** One booking of `kind`, timed from its POST to the poll that shows what it waits for. */
const timeOne = async (
  options: LatencyOptions,
  cast: Cast,
  kind: Kind,
  pollMs: number,
): Promise<Sample | { readonly failure: string }> => {
  const { api } = options;
  const booker = cast.user();
  const correlationId = randomUUID();
  const sentAt = epochMs();
  let posted: Awaited<ReturnType<typeof call>>;
  try {
    posted = await call(api, 'POST', '/v1/bookings', {
      token: booker.token,
      headers: { 'x-request-id': correlationId },
      body: { ...cast.slot(), ...(kind === 'baseline' ? { paymentToken: 'tok_pending' } : {}) },
    });
  } catch (error) {
    return { failure: `POST /v1/bookings: ${error instanceof Error ? error.message : String(error)}` };
  }
  const postedAt = epochMs();
  if (posted.status !== 201) return { failure: `POST /v1/bookings answered ${posted.status}` };
  const bookingId = String(posted.body.id);
  const created = `/_devstack/events?${new URLSearchParams({ correlationId, detailType: 'booking.created' })}`;
  const probe =
    kind === 'confirmed'
      ? async () =>
          (await call(api, 'GET', `/v1/bookings/${bookingId}`, { token: booker.token })).body.status ===
          'CONFIRMED'
      : async () => ((await call(api, 'GET', created)).body.items as unknown[]).length > 0;
  const seen = await pollUntil(probe, pollMs, options.timeoutMs);
  if (!seen) return { failure: `${kind} booking not seen within ${options.timeoutMs} ms` };
  return { kind, correlationId, sentAt, postedAt, observedAt: seen.at, polls: seen.polls };
};

/** The stages of each sample, from the bus's events and their stamped arrivals. */
const milestonesOf = (
  kind: Kind,
  samples: readonly Sample[],
  events: readonly BusEvent[],
  arrivals: ReadonlyMap<string, number>,
): SagaMilestone[] => {
  const byCorrelation = new Map<string, BusEvent[]>();
  for (const event of events) {
    const list = byCorrelation.get(event.detail.correlationId) ?? [];
    list.push(event);
    byCorrelation.set(event.detail.correlationId, list);
  }
  const types =
    kind === 'confirmed'
      ? ['booking.created', 'payment.succeeded', 'booking.confirmed']
      : ['booking.created'];
  const columns: Array<{ name: string; of: (s: Sample) => number | undefined }> = [
    { name: 'POST answered', of: (s) => s.postedAt - s.sentAt },
  ];
  for (const type of types) {
    const find = (s: Sample) => byCorrelation.get(s.correlationId)?.find((e) => e.detailType === type);
    columns.push(
      {
        name: `${type} occurredAt`,
        of: (s) => {
          const event = find(s);
          return event ? Date.parse(event.detail.occurredAt) - s.sentAt : undefined;
        },
      },
      {
        name: `${type} on the bus`,
        of: (s) => {
          const event = find(s);
          const at = event ? arrivals.get(event.detail.eventId) : undefined;
          return at === undefined ? undefined : at - s.sentAt;
        },
      },
    );
  }
  columns.push({
    name: kind === 'confirmed' ? 'CONFIRMED seen (GET)' : 'booking.created seen (events poll)',
    of: (s) => s.observedAt - s.sentAt,
  });
  return columns.map((column) => ({
    name: column.name,
    ms: spread(samples.map(column.of).filter((v): v is number => v !== undefined && Number.isFinite(v))),
  }));
};

/**
 * Times `options.bookings` bookings of each kind one at a time, then (unless `concurrency` is 0) as
 * many in batches of `concurrency`, on a running devstack started by `bench/processes/saga-devstack.ts`.
 *
 * @example
 * const latency = await measurePaymentsLatency({ api, controlUrl, admin, bookings: 100, concurrency: 10, ... });
 */
const measurePaymentsLatency = async (options: LatencyOptions): Promise<PaymentsLatency> => {
  const cast = await prepare(options);
  const failures = new Map<string, string[]>();
  const samples = new Map<string, Sample[]>();
  const record = (mode: Mode, outcome: Sample | { readonly failure: string }, kind: Kind) => {
    const key = `${mode}/${kind}`;
    if ('failure' in outcome) failures.set(key, [...(failures.get(key) ?? []), outcome.failure]);
    else samples.set(key, [...(samples.get(key) ?? []), outcome]);
  };

  // Warm-up, unmeasured: the first requests and events load each function's code and connections.
  for (let i = 0; i < options.warmup; i++) {
    for (const kind of ['confirmed', 'baseline'] as const) {
      await timeOne(options, cast, kind, options.sequentialPollMs);
      await sleep(options.pauseMs);
    }
  }

  options.log(`  payments: ${options.bookings} + ${options.bookings} bookings one at a time ...`);
  for (let i = 0; i < options.bookings; i++) {
    for (const kind of shuffled(['confirmed', 'baseline'] as const)) {
      record('sequential', await timeOne(options, cast, kind, options.sequentialPollMs), kind);
      await sleep(options.pauseMs);
    }
  }
  if (options.concurrency > 0) {
    const batches = Math.ceil(options.bookings / options.concurrency);
    options.log(`  payments: ${batches} + ${batches} batches of ${options.concurrency} at once ...`);
    for (let b = 0; b < batches; b++) {
      for (const kind of shuffled(['confirmed', 'baseline'] as const)) {
        const size = Math.min(options.concurrency, options.bookings - b * options.concurrency);
        const outcomes = await Promise.all(
          Array.from({ length: size }, () => timeOne(options, cast, kind, options.concurrentPollMs)),
        );
        for (const outcome of outcomes) record('concurrent', outcome, kind);
        await sleep(options.pauseMs * 3);
      }
    }
  }

  const events = (
    await expectOk(
      'GET /_devstack/events',
      call(options.api, 'GET', '/_devstack/events', { timeoutMs: 30_000 }),
    )
  ).items as BusEvent[];
  const arrivals = new Map(
    (
      (await expectOk('GET /arrivals', call(options.controlUrl, 'GET', '/arrivals', { timeoutMs: 30_000 })))
        .items as Array<{ eventId: string; arrivedAt: number }>
    ).map((a) => [a.eventId, a.arrivedAt]),
  );
  const variants: PaymentsLatencyVariant[] = [];
  const modes: Mode[] = options.concurrency > 0 ? ['sequential', 'concurrent'] : ['sequential'];
  for (const mode of modes) {
    for (const kind of ['confirmed', 'baseline'] as const) {
      const key = `${mode}/${kind}`;
      const measured = samples.get(key) ?? [];
      const notes = failures.get(key) ?? [];
      const observed = measured.map((s) => s.observedAt - s.sentAt);
      variants.push({
        mode,
        concurrency: mode === 'sequential' ? 1 : options.concurrency,
        kind,
        pollIntervalMs: mode === 'sequential' ? options.sequentialPollMs : options.concurrentPollMs,
        bookings: measured.length + notes.length,
        failures: notes.length,
        failureNotes: [...new Set(notes)].slice(0, 5),
        observedMs: spread(observed),
        milestones: milestonesOf(kind, measured, events, arrivals),
        polls: spread(measured.map((s) => s.polls)),
        samples: observed.map(round1),
      });
      const o = spread(observed);
      options.log(
        `  payments ${mode} ${kind}: p50 ${o.median.toFixed(1)} ms, p99 ${o.p99.toFixed(1)} ms, max ${o.max.toFixed(1)} ms over ${measured.length}${notes.length ? ` (${notes.length} failed)` : ''}`,
      );
    }
  }
  return { warmup: options.warmup, pauseMs: options.pauseMs, timeoutMs: options.timeoutMs, variants };
};

export type { LatencyOptions };
export { measurePaymentsLatency };
