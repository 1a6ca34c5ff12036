/**
 * The time from `POST /v1/bookings` to the booking's messages on its owner's WebSocket, beside the
 * same booking's events on the bus, one booking at a time and then several at once.
 *
 * Each user who books has one socket open (`?token=`). A booking with no payment token goes
 * through the whole saga: the bookings function writes it with `booking.created` in its outbox,
 * the table's stream and the publisher put it on the bus, the `inbox` rule hands it to the
 * notifications function, which stores it in the owner's (and the provider's) inbox, queries the
 * owner's connections and posts the message to each through the gateway's `@connections` endpoint,
 * which writes it to the socket; the payment then confirms the booking, and `booking.confirmed`
 * takes the same last hop. Timed from the POST sent to the message's arrival on the socket (stamped
 * first thing in the client's `message` handler): nothing is polled.
 *
 * **Baseline, the same booking**: its `booking.created` and `booking.confirmed` on the bus, stamped
 * by the devstack's process as the bus records them (`GET /arrivals` of
 * `bench/processes/saga-devstack.ts`). The bus is where the notifications hop begins, so the socket
 * minus the bus, booking by booking, is what the WebSocket adds: the notifications function's
 * inbox write, its connections query, the push and the frame. Beside it, `GET /health` round trips
 * (the HTTP gateway and one function) taken between the bookings, for the scale of one local hop.
 * Both processes read the same system clock (`performance.timeOrigin + performance.now()`).
 * Nothing here asserts a time: the figures are printed and written.
 */
import { randomUUID } from 'node:crypto';
import { type BenchAccount, call, expectOk, sleep } from '../lib/api-client.ts';
import type { NotificationsLatency, NotificationsLatencyVariant } from '../lib/results.ts';
import { type BenchSocket, closeSockets, epochMs, openSockets } from '../lib/sockets.ts';
import { spread } from '../lib/stats.ts';
import type { Cast } from './notifications-cast.ts';

type Mode = NotificationsLatencyVariant['mode'];

interface NotificationsLatencyOptions {
  readonly api: string;
  readonly controlUrl: string;
  readonly webSocketUrl: string;
  readonly cast: Cast;
  /** Bookings timed in each mode. */
  readonly bookings: number;
  /** Bookings at once in the concurrent mode (0 skips it); at most one per user. */
  readonly concurrency: number;
  readonly warmup: number;
  readonly pauseMs: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

interface Sample {
  readonly correlationId: string;
  readonly sentAt: number;
  readonly postedAt: number;
  readonly createdAt: number;
  readonly confirmedAt: number;
}

type Outcome = Sample | { readonly failure: string };

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** One booking by `booker`, timed from its POST to its two messages on `socket`. */
const timeOne = async (
  options: NotificationsLatencyOptions,
  booker: BenchAccount,
  socket: BenchSocket,
): Promise<Outcome> => {
  const correlationId = randomUUID();
  const ofThis = (type: string) => (m: { type: string; correlationId?: string }) =>
    m.type === type && m.correlationId === correlationId;
  // Listening before the POST goes: a message may come before the POST's answer.
  const created = socket.next(ofThis('booking.created'), options.timeoutMs);
  const confirmed = socket.next(ofThis('booking.confirmed'), options.timeoutMs);
  created.catch(() => undefined);
  confirmed.catch(() => undefined);
  const sentAt = epochMs();
  let posted: Awaited<ReturnType<typeof call>>;
  try {
    posted = await call(options.api, 'POST', '/v1/bookings', {
      token: booker.token,
      headers: { 'x-request-id': correlationId },
      body: options.cast.slot(),
    });
  } catch (error) {
    return { failure: `POST /v1/bookings: ${error instanceof Error ? error.message : String(error)}` };
  }
  const postedAt = epochMs();
  if (posted.status !== 201) return { failure: `POST /v1/bookings answered ${posted.status}` };
  try {
    const createdMessage = await created;
    const booking = (createdMessage.message.data as { booking?: { id?: string } } | undefined)?.booking;
    if (booking?.id !== posted.body.id) return { failure: 'booking.created named another booking' };
    const confirmedMessage = await confirmed;
    return {
      correlationId,
      sentAt,
      postedAt,
      createdAt: createdMessage.at,
      confirmedAt: confirmedMessage.at,
    };
  } catch (error) {
    return { failure: `a message did not come: ${error instanceof Error ? error.message : String(error)}` };
  }
};

/**
 * Times `bookings` bookings one at a time, then as many in batches of `concurrency`, each booker
 * with one socket open; closes the sockets at the end.
 *
 * @example
 * const latency = await measureNotificationsLatency({ api, controlUrl, webSocketUrl, cast, bookings: 100, ... });
 */
const measureNotificationsLatency = async (
  options: NotificationsLatencyOptions,
): Promise<NotificationsLatency> => {
  const users = options.cast.users;
  const sockets = await openSockets(
    options.webSocketUrl,
    users.map((u) => u.token),
  );
  try {
    let turn = 0;
    const next = () => {
      const k = turn++ % users.length;
      return { booker: users[k] as BenchAccount, socket: sockets[k] as BenchSocket };
    };
    const health: number[] = [];
    const timeHealth = async () => {
      const started = performance.now();
      const answer = await call(options.api, 'GET', '/health');
      if (answer.status === 200) health.push(performance.now() - started);
    };

    for (let i = 0; i < options.warmup; i++) {
      const { booker, socket } = next();
      await timeOne(options, booker, socket);
      await timeHealth();
      await sleep(options.pauseMs);
    }

    const outcomes = new Map<Mode, Outcome[]>([
      ['sequential', []],
      ['concurrent', []],
    ]);
    options.log(
      `  notifications: ${options.bookings} bookings one at a time, each owner with a socket open ...`,
    );
    for (let i = 0; i < options.bookings; i++) {
      const { booker, socket } = next();
      outcomes.get('sequential')?.push(await timeOne(options, booker, socket));
      await sleep(options.pauseMs / 2);
      await timeHealth();
      await sleep(options.pauseMs / 2);
    }
    const concurrency = Math.min(options.concurrency, users.length);
    if (concurrency > 0) {
      const batches = Math.ceil(options.bookings / concurrency);
      options.log(`  notifications: ${batches} batches of ${concurrency} at once ...`);
      for (let b = 0; b < batches; b++) {
        const size = Math.min(concurrency, options.bookings - b * concurrency);
        const batch = Array.from({ length: size }, () => next());
        outcomes
          .get('concurrent')
          ?.push(...(await Promise.all(batch.map(({ booker, socket }) => timeOne(options, booker, socket)))));
        await sleep(options.pauseMs * 3);
      }
    }

    const arrivals = new Map(
      (
        (await expectOk('GET /arrivals', call(options.controlUrl, 'GET', '/arrivals', { timeoutMs: 30_000 })))
          .items as Array<{ detailType: string; correlationId: string; arrivedAt: number }>
      ).map((a) => [`${a.correlationId} ${a.detailType}`, a.arrivedAt]),
    );
    const onBus = (s: Sample, type: string) => {
      const at = arrivals.get(`${s.correlationId} ${type}`);
      return at === undefined ? undefined : at - s.sentAt;
    };
    const finite = (values: ReadonlyArray<number | undefined>) =>
      values.filter((v): v is number => v !== undefined && Number.isFinite(v));

    const variants: NotificationsLatencyVariant[] = [];
    for (const mode of concurrency > 0
      ? (['sequential', 'concurrent'] as const)
      : (['sequential'] as const)) {
      const all = outcomes.get(mode) ?? [];
      const samples = all.filter((o): o is Sample => !('failure' in o));
      const notes = all.flatMap((o) => ('failure' in o ? [o.failure] : []));
      const created = samples.map((s) => s.createdAt - s.sentAt);
      const confirmed = samples.map((s) => s.confirmedAt - s.sentAt);
      const variant: NotificationsLatencyVariant = {
        mode,
        concurrency: mode === 'sequential' ? 1 : concurrency,
        bookings: all.length,
        failures: notes.length,
        failureNotes: [...new Set(notes)].slice(0, 5),
        postAnsweredMs: spread(samples.map((s) => s.postedAt - s.sentAt)),
        createdOnSocketMs: spread(created),
        createdOnBusMs: spread(finite(samples.map((s) => onBus(s, 'booking.created')))),
        confirmedOnSocketMs: spread(confirmed),
        confirmedOnBusMs: spread(finite(samples.map((s) => onBus(s, 'booking.confirmed')))),
        createdPushMs: spread(
          finite(samples.map((s) => s.createdAt - s.sentAt - (onBus(s, 'booking.created') ?? Number.NaN))),
        ),
        confirmedPushMs: spread(
          finite(
            samples.map((s) => s.confirmedAt - s.sentAt - (onBus(s, 'booking.confirmed') ?? Number.NaN)),
          ),
        ),
        samples: { created: created.map(round1), confirmed: confirmed.map(round1) },
      };
      variants.push(variant);
      options.log(
        `  notifications ${mode}: booking.created on the socket p50 ${variant.createdOnSocketMs.median.toFixed(1)} ms, p99 ${variant.createdOnSocketMs.p99.toFixed(1)} ms (on the bus p50 ${variant.createdOnBusMs.median.toFixed(1)} ms); booking.confirmed p50 ${variant.confirmedOnSocketMs.median.toFixed(1)} ms, p99 ${variant.confirmedOnSocketMs.p99.toFixed(1)} ms (on the bus p50 ${variant.confirmedOnBusMs.median.toFixed(1)} ms) over ${samples.length}${notes.length ? ` (${notes.length} failed)` : ''}`,
      );
    }
    return {
      warmup: options.warmup,
      pauseMs: options.pauseMs,
      timeoutMs: options.timeoutMs,
      users: users.length,
      healthRoundTripMs: spread(health),
      variants,
    };
  } finally {
    await closeSockets(sockets);
  }
};

export type { NotificationsLatencyOptions };
export { measureNotificationsLatency };
