/**
 * Real reminders on the devstack: confirmed bookings whose reminder comes due within a minute or
 * so (each booking starts on the first whole minute at least `leadSeconds` plus `minWaitMs` ahead,
 * so the reminder's `at()` is that start less the lead), all made at once, one room each.
 *
 * - `measureReminderPath`: from each reminder's due time (its `at()`, as `GET /_devstack/schedules`
 *   lists it) to the scheduler's hand-off to the bookings function, to `booking.reminder` on the
 *   bus (stamped by the devstack's process), and to the message on the owner's socket.
 * - `countReminderRequests`: on a devstack behind the AWS stand-in (BENCH_COUNT_CALLS=1), one
 *   reminder's DynamoDB calls in three windows the devstack child marks as they happen: the bookings
 *   function's reconcile on `booking.confirmed` (from the event on the bus to the reminder's
 *   CreateSchedule), the schedule's invocation (hand-off to its end), and the notifications
 *   function on `booking.reminder` (from the event on the bus to its message on the owner's socket
 *   and a settle pause); the Scheduler API calls the booking made; the events and their rules.
 */
import { randomUUID } from 'node:crypto';
import { loadManifests } from '../../packages/tooling/src/manifests.ts';
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
import type { ReminderPath, ReminderRequests, SagaEvent, SagaTableCalls } from '../lib/results.ts';
import { type BenchSocket, closeSockets, openSockets } from '../lib/sockets.ts';
import { spread } from '../lib/stats.ts';
import { deliveriesOf, functionsOf } from './payments-requests.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

interface ReminderOptions {
  readonly api: string;
  readonly controlUrl: string;
  readonly webSocketUrl: string;
  readonly admin: { readonly email: string; readonly password: string };
  /** The lead the devstack's bookings function runs with (BENCH_SETTINGS). */
  readonly leadSeconds: number;
  /** The reminders are due at least this long after the bookings are made. */
  readonly minWaitMs: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

interface Firings {
  readonly handOffs: ReadonlyArray<{
    readonly bookingId: string;
    readonly schedule: string;
    readonly handedAt: number;
    readonly mark: number | null;
    readonly settledMark?: number | null;
  }>;
  readonly schedulerCalls: ReadonlyArray<{
    readonly operation: string;
    readonly name: string;
    readonly at: number;
    readonly mark: number | null;
  }>;
}

interface Arrival {
  readonly eventId: string;
  readonly detailType: string;
  readonly bookingId: string | null;
  readonly arrivedAt: number;
  readonly mark: number | null;
}

interface Cast {
  readonly user: BenchAccount;
  readonly rooms: readonly string[];
  readonly socket: BenchSocket;
}

const prepare = async (options: ReminderOptions, rooms: number, label: string): Promise<Cast> => {
  const adminToken = await login(options.api, options.admin.email, options.admin.password);
  const provider = await newProvider(options.api, adminToken, `${label}-provider`);
  const roomIds: string[] = [];
  for (let i = 0; i < rooms; i++)
    roomIds.push(await newRoom(options.api, provider, `Reminder room ${i + 1}`));
  const user = await newUser(options.api, `${label}-booker`);
  const [socket] = await openSockets(options.webSocketUrl, [user.token]);
  if (!socket) throw new Error('no socket opened');
  return { user, rooms: roomIds, socket };
};

const firingsOf = async (controlUrl: string) =>
  (await expectOk('GET /firings', call(controlUrl, 'GET', '/firings'))) as unknown as Firings;
const arrivalsOf = async (controlUrl: string) =>
  (await expectOk('GET /arrivals', call(controlUrl, 'GET', '/arrivals'))).items as Arrival[];
const pendingOf = async (api: string) =>
  (await expectOk('GET /_devstack/schedules', call(api, 'GET', '/_devstack/schedules'))).items as Array<{
    name: string;
    due: string;
  }>;
const reminderEvents = async (api: string) =>
  (
    await expectOk(
      'GET /_devstack/events',
      call(api, 'GET', `/_devstack/events?${new URLSearchParams({ detailType: 'booking.reminder' })}`),
    )
  ).items as Array<{
    source: string;
    detailType: string;
    detail: { data?: { booking?: { id?: string }; leadSeconds?: number } };
  }>;

/** Books one room per booking at once, and waits for each reminder's schedule; answers their due times. */
const bookAll = async (options: ReminderOptions, cast: Cast) => {
  const start =
    Math.ceil((Date.now() + options.leadSeconds * 1000 + options.minWaitMs) / MINUTE_MS) * MINUTE_MS;
  const ids = await Promise.all(
    cast.rooms.map(async (roomId) => {
      const posted = await expectOk(
        'POST /v1/bookings',
        call(options.api, 'POST', '/v1/bookings', {
          token: cast.user.token,
          headers: { 'x-request-id': randomUUID() },
          body: {
            roomId,
            startTime: new Date(start).toISOString(),
            endTime: new Date(start + HOUR_MS).toISOString(),
          },
        }),
      );
      return String(posted.id);
    }),
  );
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const pending = new Map((await pendingOf(options.api)).map((s) => [s.name, Date.parse(s.due)]));
    const due = ids.map((id) => pending.get(`reminder-${id}`));
    if (due.every((d) => d !== undefined))
      return { start, bookings: ids.map((id, i) => ({ id, due: due[i] as number })) };
    if (performance.now() > deadline)
      throw new Error('the reminders were not scheduled: were the bookings confirmed?');
    await sleep(50);
  }
};

const mentions = (message: unknown, bookingId: string) => JSON.stringify(message).includes(bookingId);

/**
 * Confirmed bookings, one per room, their reminders timed from the due time.
 *
 * @example
 * const path = await measureReminderPath({ api, controlUrl, webSocketUrl, admin, leadSeconds: 600, minWaitMs: 15_000, timeoutMs: 30_000, log }, 10);
 */
const measureReminderPath = async (options: ReminderOptions, reminders: number): Promise<ReminderPath> => {
  const cast = await prepare(options, reminders, 'remind');
  try {
    const { bookings } = await bookAll(options, cast);
    const lastDue = Math.max(...bookings.map((b) => b.due));
    options.log(
      `  reminders: ${bookings.length} confirmed, due in ${((lastDue - Date.now()) / 1000).toFixed(1)} s`,
    );
    await sleep(Math.max(0, lastDue - Date.now()));
    const socketArrivals = await Promise.all(
      bookings.map((b) =>
        cast.socket
          .next((m) => m.type === 'booking.reminder' && mentions(m, b.id), options.timeoutMs)
          .then((a) => a.at)
          .catch(() => undefined),
      ),
    );
    await sleep(500);
    const firings = await firingsOf(options.controlUrl);
    const arrivals = await arrivalsOf(options.controlUrl);
    const events = await reminderEvents(options.api);
    const fired: number[] = [];
    const bus: number[] = [];
    const socket: number[] = [];
    const notes: string[] = [];
    bookings.forEach((b, i) => {
      const h = firings.handOffs.find((x) => x.schedule === 'booking-reminder' && x.bookingId === b.id);
      const a = arrivals.find((x) => x.detailType === 'booking.reminder' && x.bookingId === b.id);
      const s = socketArrivals[i];
      if (!h || !a || s === undefined) {
        notes.push(
          `${b.id}: ${!h ? 'never fired' : !a ? 'no booking.reminder on the bus' : 'no message on the socket'}`,
        );
        return;
      }
      fired.push(h.handedAt - b.due);
      bus.push(a.arrivedAt - b.due);
      socket.push(s - b.due);
    });
    const result: ReminderPath = {
      reminders: bookings.length,
      failures: notes.length,
      failureNotes: notes,
      leadSeconds: options.leadSeconds,
      distinctDueTimes: new Set(bookings.map((b) => b.due)).size,
      firedMs: spread(fired),
      busMs: spread(bus),
      socketMs: spread(socket),
      eventLeadSeconds: events
        .filter((e) => bookings.some((b) => b.id === e.detail.data?.booking?.id))
        .map((e) => Number(e.detail.data?.leadSeconds)),
    };
    options.log(
      `  reminders: due to fired p50 ${result.firedMs.median.toFixed(1)} ms, to the bus p50 ${result.busMs.median.toFixed(1)} ms, to the socket p50 ${result.socketMs.median.toFixed(1)} ms; ${result.failures} failed`,
    );
    return result;
  } finally {
    await closeSockets([cast.socket]);
  }
};

/**
 * One reminder's calls, counted on a devstack behind the AWS stand-in.
 *
 * @example
 * const requests = await countReminderRequests({ api, controlUrl, webSocketUrl, admin, leadSeconds: 600, minWaitMs: 15_000, timeoutMs: 30_000, log }, { idleMs: 1000, settleMs: 500 });
 */
const countReminderRequests = async (
  options: ReminderOptions,
  timing: { readonly idleMs: number; readonly settleMs: number },
): Promise<ReminderRequests> => {
  const { api, controlUrl } = options;
  const manifests = loadManifests();
  const cast = await prepare(options, 1, 'count-remind');
  const mark = async () => Number((await expectOk('GET /mark', call(controlUrl, 'GET', '/mark'))).mark);
  const window = async (from: number, to: number, includes?: readonly string[]) =>
    (
      (await expectOk(
        'POST /window',
        call(controlUrl, 'POST', '/window', { body: { from, to, includes }, timeoutMs: 60_000 }),
      )) as unknown as { tables: SagaTableCalls[] }
    ).tables;
  try {
    await sleep(2 * timing.settleMs);
    const idleFrom = await mark();
    await sleep(timing.idleMs);
    const idleTo = await mark();
    const idle = await window(idleFrom, idleTo);
    const { bookings } = await bookAll(options, cast);
    const booking = bookings[0];
    if (!booking) throw new Error('no booking made');
    options.log(
      `  reminder requests: one confirmed booking, its reminder due in ${((booking.due - Date.now()) / 1000).toFixed(1)} s`,
    );
    await sleep(Math.max(0, booking.due - Date.now()));
    const message = await cast.socket.next(
      (m) => m.type === 'booking.reminder' && mentions(m, booking.id),
      options.timeoutMs,
    );
    await sleep(timing.settleMs);
    const end = await mark();
    const socketMessages = cast.socket.arrivals.filter(
      (a) => a.message.type === 'booking.reminder' && mentions(a.message, booking.id),
    ).length;
    const firings = await firingsOf(controlUrl);
    const arrivals = await arrivalsOf(controlUrl);
    const confirmed = arrivals.find(
      (a) => a.detailType === 'booking.confirmed' && a.bookingId === booking.id,
    );
    const reminded = arrivals.find((a) => a.detailType === 'booking.reminder' && a.bookingId === booking.id);
    const created = firings.schedulerCalls.find(
      (c) => c.name === `reminder-${booking.id}` && c.operation === 'CreateSchedule',
    );
    const hand = firings.handOffs.find(
      (h) => h.schedule === 'booking-reminder' && h.bookingId === booking.id,
    );
    const marks = [confirmed?.mark, created?.mark, hand?.mark, hand?.settledMark, reminded?.mark];
    if (marks.some((m) => m === null || m === undefined) || message === undefined)
      throw new Error(`a step of the reminder was not observed: ${JSON.stringify(marks)}`);
    const [m1 = 0, , m3 = 0, m4 = 0, m5 = 0] = marks as number[];
    const only = (tables: SagaTableCalls[], service: string) => tables.filter((t) => t.service === service);
    const events = (await reminderEvents(api)).filter((e) => e.detail.data?.booking?.id === booking.id);
    const sagaEvents: SagaEvent[] = events.map((event) => ({
      detailType: event.detailType,
      source: event.source,
      bytes:
        Buffer.byteLength(event.source) +
        Buffer.byteLength(event.detailType) +
        Buffer.byteLength(JSON.stringify(event.detail)),
      deliveries: deliveriesOf(manifests, {
        source: event.source,
        detailType: event.detailType,
        detail: { correlationId: '', eventId: '' },
      }),
    }));
    const { functions, publisher } = functionsOf(manifests);
    const ofBooking = firings.schedulerCalls.filter(
      (c) => c.name === `reminder-${booking.id}` || c.name === `hold-${booking.id}`,
    );
    const named = (c: { operation: string; name: string }) => ({
      operation: c.operation,
      name: c.name.replace(booking.id, '<bookingId>'),
    });
    return {
      steps: [
        // The reconcile: the bookings table only (notifications stores booking.confirmed meanwhile).
        // From the event on the bus to the firing (nothing else touches the booking meanwhile), the
        // calls that name the booking or the event: the claim of the event, the read, the claim marked done.
        {
          step: 'reconcile',
          tables: only(await window(m1, m3, [booking.id, confirmed?.eventId ?? booking.id]), 'bookings'),
        },
        { step: 'firing', tables: await window(m3, m4) },
        { step: 'notify', tables: await window(m5, end) },
      ],
      schedulerCalls: ofBooking.map(named),
      // The reconcile's own: from booking.confirmed on the bus to the reminder's CreateSchedule.
      reconcileSchedulerCalls: ofBooking
        .filter((c) => c.at >= (confirmed?.arrivedAt ?? 0) && c.at <= (created?.at ?? 0))
        .map(named),
      events: sagaEvents,
      socketMessages,
      functions,
      publisher,
      idleMs: timing.idleMs,
      idleDataCalls: idle.reduce((sum, t) => sum + t.calls.length, 0),
    };
  } finally {
    await closeSockets([cast.socket]);
  }
};

export type { ReminderOptions };
export { countReminderRequests, measureReminderPath };
