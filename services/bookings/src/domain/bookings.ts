/**
 * The booking commands: book, retitle or reschedule, cancel, and the moves payments and time drive
 * (confirm, fail, expire). The reads (one booking, lists, the audit trail) are `booking-queries.ts`,
 * so a cold start that only reads loads none of this.
 *
 * No two live bookings of a room overlap, whatever arrives at once: each room has one calendar item
 * per UTC day, made of 15-minute cells and whole hours (`calendar.ts`). A booking reads the days
 * its interval touches and checks for overlap (a 409 at once), then takes its cells and hours in a
 * write *conditional on each of them being free*, together with the booking, its change record and
 * its events, in one transaction (ADR 0026). Two bookings that need the same minute cannot both
 * commit; bookings of one day that need different cells never fail each other.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '@tessera/shared/auth';
import { newEvent, type TesseraEvent } from '@tessera/shared/events';
import type { BusinessMetric } from '@tessera/shared/metrics-catalog';
import { namesVersions, nextVersion, type Precondition, satisfies } from '@tessera/shared/precondition';
import {
  BookingNotFoundError,
  BookingNotLiveError,
  BookingOverlapError,
  BookingStartedError,
  CalendarContendedError,
  ConcurrentChangeError,
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  InvalidBookingError,
  NotAllowedError,
  RoomClosingError,
  StaleVersionError,
  UnknownRoomError,
  UnknownUserError,
} from '../errors.ts';
import {
  assertVisible,
  type Booking,
  type BookingStatus,
  holdsRoom,
  intervalOf,
  publicBooking,
  type StoredBooking,
} from './booking.ts';
import { assertCanMove, assertMayChange } from './booking-guards.ts';
import { applyPieces, conflictIn, type DayState, EMPTY, piecesOf } from './calendar.ts';
import {
  checkBookingInterval,
  DAY_MINUTES,
  daysOf,
  durationMinutes,
  type Interval,
  sameInterval,
  toIso,
} from './interval.ts';
import type {
  CalendarWrite,
  ChangeAction,
  ChangeRecord,
  Dependencies,
  IdempotencyRecord,
  StoredRoom,
} from './ports.ts';
import { amountFor } from './pricing.ts';

/** How often a change re-reads a booking another writer changed under it. */
const VERSION_ATTEMPTS = 5;
const IDEMPOTENCY_SECONDS = 24 * 60 * 60;

interface Actor {
  readonly actorId: string | null;
  readonly actorRole: Principal['role'] | null;
}

const actorOf = (caller: Principal): Actor => ({ actorId: caller.userId, actorRole: caller.role });
const SYSTEM: Actor = { actorId: null, actorRole: null };

const interval = (i: Interval) => ({ startTime: toIso(i.start), endTime: toIso(i.end) });

/**
 * The calendar writes that free `remove` and take `add` (either may be absent), from the days as
 * read, or the busy stretch `add` would overlap. A day only freed or only taken is a `free` or a
 * `take` (guarded cell by cell in the store); a day both freed and taken (a reschedule within it)
 * is a `replace` at the version read.
 */
const planCalendar = (
  days: readonly DayState[],
  change: { readonly remove?: Interval | undefined; readonly add?: Interval | undefined },
): { readonly writes: readonly CalendarWrite[] } | { readonly conflict: Interval } => {
  const freed = new Map((change.remove ? piecesOf(change.remove) : []).map((p) => [p.day, p]));
  const taken = new Map((change.add ? piecesOf(change.add) : []).map((p) => [p.day, p]));
  const afterFreeing = days.map((day) => {
    const pieces = freed.get(day.day);
    return pieces ? applyPieces(day, pieces, -1) : day;
  });
  if (change.add) {
    const conflict = conflictIn(afterFreeing, change.add);
    if (conflict) return { conflict };
  }
  const writes: CalendarWrite[] = [];
  days.forEach((day, i) => {
    const free = freed.get(day.day);
    const take = taken.get(day.day);
    if (free && take) {
      writes.push({
        kind: 'replace',
        expectedVersion: day.version,
        next: applyPieces(afterFreeing[i] ?? day, take, 1),
      });
    } else if (free) writes.push({ kind: 'free', pieces: free });
    else if (take) writes.push({ kind: 'take', pieces: take });
  });
  return { writes };
};

/**
 * The 409 for an overlap, naming the whole busy stretch it overlaps: a stretch that reaches the edge
 * of the days read goes on into the days around them (a booking lasts at most 30 days, so 31 days
 * each way is as far as it can go). Adjacent bookings show as one stretch: it says when, not whose.
 */
const overlapError = async (
  deps: Pick<Dependencies, 'store'>,
  roomId: string,
  conflict: Interval,
  read: readonly DayState[],
): Promise<BookingOverlapError> => {
  let states = [...read];
  let stretch = conflict;
  for (let step = 0; step < 31; step++) {
    const wider: string[] = [];
    const first = states.map((d) => d.day).sort()[0];
    const last = states
      .map((d) => d.day)
      .sort()
      .at(-1);
    if (
      first &&
      stretch.start % DAY_MINUTES === 0 &&
      daysOf({ start: stretch.start, end: stretch.start + 1 })[0] === first
    )
      wider.push(daysOf({ start: stretch.start - 1, end: stretch.start })[0] as string);
    if (
      last &&
      stretch.end % DAY_MINUTES === 0 &&
      daysOf({ start: stretch.end - 1, end: stretch.end })[0] === last
    )
      wider.push(daysOf({ start: stretch.end, end: stretch.end + 1 })[0] as string);
    if (wider.length === 0) break;
    states = [
      ...states,
      ...(await Promise.all(
        wider.map(async (day) => (await deps.store.calendar(roomId, [day]))[0] ?? EMPTY(day)),
      )),
    ];
    const grown = conflictIn(states, stretch);
    if (!grown || (grown.start === stretch.start && grown.end === stretch.end)) break;
    stretch = grown;
  }
  return new BookingOverlapError(interval(stretch));
};

const touchedDays = (...intervals: (Interval | undefined)[]): string[] =>
  [...new Set(intervals.flatMap((i) => (i ? daysOf(i) : [])))].sort();

const changeRecord = (
  booking: Booking,
  action: ChangeAction,
  fromStatus: BookingStatus | null,
  actor: Actor,
  requestId: string,
): ChangeRecord => ({
  version: booking.version,
  action,
  fromStatus,
  toStatus: booking.status,
  startTime: booking.startTime,
  endTime: booking.endTime,
  amount: booking.amount,
  ...actor,
  requestId,
  at: booking.updatedAt,
});

const availabilityEvent = (
  roomId: string,
  change: 'taken' | 'freed',
  i: Interval,
  options: { correlationId: string; occurredAt: Date },
) => newEvent('room.availability_changed', { roomId, change, ...interval(i) }, options);

/** The body's fingerprint for `Idempotency-Key`: canonical JSON (sorted keys, absent fields dropped). */
const requestHashOf = (body: Readonly<Record<string, unknown>>): string =>
  createHash('sha256')
    .update(
      JSON.stringify(
        Object.keys(body)
          .filter((key) => body[key] !== undefined)
          .sort()
          .map((key) => [key, body[key]]),
      ),
    )
    .digest('base64url');

interface CreateInput {
  readonly roomId: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly title?: string | undefined;
  readonly paymentToken?: string | undefined;
  readonly userId?: string | undefined;
}

type CreateResult = { readonly booking: Booking; readonly replayed: boolean };

const replayOf = (record: IdempotencyRecord, requestHash: string): CreateResult => {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  return { booking: record.booking, replayed: true };
};

const liveRecord = async (
  deps: Pick<Dependencies, 'store' | 'clock'>,
  userId: string,
  key: string,
): Promise<IdempotencyRecord | null> => {
  const record = await deps.store.getIdempotency(userId, key);
  return record && record.expiresAt * 1000 > deps.clock.now().getTime() ? record : null;
};

/** Room gone or held by a deletion: which, for the answer. */
const roomUnavailable = async (deps: Pick<Dependencies, 'store'>, roomId: string): Promise<never> => {
  const room = await deps.store.getRoom(roomId);
  throw room ? new RoomClosingError() : new UnknownRoomError();
};

const assertRoomOpen = (room: StoredRoom | null, now: Date): StoredRoom => {
  if (!room) throw new UnknownRoomError();
  if (room.closingUntil && Date.parse(room.closingUntil) > now.getTime()) throw new RoomClosingError();
  return room;
};

/**
 * Books a room: `PENDING_PAYMENT`, priced at the room's current price.
 *
 * 1. With `Idempotency-Key`: a kept result for this caller and key replays (422 if the body differs).
 * 2. The interval's rules (400 naming each field), who it is for (403, 422), the room (422, 409).
 * 3. Read the days the interval touches; an overlap is a 409 naming the interval it overlaps.
 * 4. Write the days (at the versions read), the booking, its change record with `booking.created`
 *    and `room.availability_changed`, the room check and the key, in one transaction.
 * 5. A day changed meanwhile: back to 3 (pausing a little more each time, for up to 5 s, then 503).
 *    The key taken meanwhile:
 *    the other request's result replays.
 */
const createBooking = async (
  deps: Pick<Dependencies, 'store' | 'directory' | 'clock' | 'retries' | 'metrics'>,
  caller: Principal,
  input: CreateInput,
  options: { readonly correlationId: string; readonly idempotencyKey?: string | undefined },
): Promise<CreateResult> => {
  const key = options.idempotencyKey;
  const requestHash = requestHashOf({ ...input });
  if (key !== undefined) {
    const kept = await liveRecord(deps, caller.userId, key);
    if (kept) return replayOf(kept, requestHash);
  }
  const now = deps.clock.now();
  const checked = checkBookingInterval(input, now);
  if ('errors' in checked) throw new InvalidBookingError(checked.errors);
  const wanted = checked.interval;

  let userId = caller.userId;
  if (input.userId !== undefined && input.userId !== caller.userId) {
    if (caller.role !== 'admin')
      throw new NotAllowedError('BOOKING_FOR_OTHERS_NOT_ALLOWED', 'Only an admin books for another user.');
    if ((await deps.directory.roleOf(input.userId)) === null) throw new UnknownUserError();
    userId = input.userId;
  }
  const room = assertRoomOpen(await deps.store.getRoom(input.roomId), now);

  const timestamp = now.toISOString();
  const booking: StoredBooking = {
    id: randomUUID(),
    roomId: room.id,
    userId,
    providerId: room.providerId,
    title: input.title ?? null,
    ...interval(wanted),
    status: 'PENDING_PAYMENT',
    amount: amountFor(durationMinutes(wanted), room.pricePerHour),
    currency: room.currency,
    createdAt: timestamp,
    updatedAt: timestamp,
    version: 1,
    paymentToken: input.paymentToken ?? null,
  };
  const shown = publicBooking(booking);
  const eventOptions = { correlationId: options.correlationId, occurredAt: now };
  const events: TesseraEvent[] = [
    newEvent(
      'booking.created',
      { booking: shown, paymentToken: booking.paymentToken, changedBy: caller.userId },
      eventOptions,
    ),
    availabilityEvent(room.id, 'taken', wanted, eventOptions),
  ];
  const change = changeRecord(shown, 'created', null, actorOf(caller), options.correlationId);
  const idempotency =
    key === undefined
      ? undefined
      : {
          userId: caller.userId,
          key,
          requestHash,
          expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_SECONDS,
        };

  const pacer = deps.retries();
  for (;;) {
    const days = await deps.store.calendar(room.id, daysOf(wanted));
    const plan = planCalendar(days, { add: wanted });
    if ('conflict' in plan) {
      // The overlap may be this very key's booking, made by a twin request a moment ago.
      const kept = key === undefined ? null : await liveRecord(deps, caller.userId, key);
      if (kept) return replayOf(kept, requestHash);
      throw await overlapError(deps, room.id, plan.conflict, days);
    }
    const outcome = await deps.store.createBooking({
      booking,
      calendar: plan.writes,
      change,
      events,
      idempotency,
      now,
    });
    switch (outcome) {
      case 'written':
        deps.metrics.count('BookingsCreated', { correlationId: options.correlationId });
        return { booking: shown, replayed: false };
      case 'key-taken': {
        const kept = key === undefined ? null : await liveRecord(deps, caller.userId, key);
        if (!kept) throw new IdempotencyKeyInFlightError();
        return replayOf(kept, requestHash);
      }
      case 'room-unavailable':
        return roomUnavailable(deps, room.id);
      case 'taken':
      case 'calendar-changed':
        // Someone took part of the interval since the read: reading again names it (or, if it was
        // freed again meanwhile, books).
        if (!(await pacer.wait())) throw new CalendarContendedError();
    }
  }
};

const assertPrecondition = (booking: Booking, precondition: Precondition | undefined) => {
  if (!satisfies(precondition, booking.version)) throw new StaleVersionError('booking', booking.version);
};

const hasStarted = (booking: Booking, now: Date): boolean => Date.parse(booking.startTime) <= now.getTime();

type Step =
  | { readonly done: Booking }
  | {
      readonly next: StoredBooking;
      readonly remove?: Interval | undefined;
      readonly add?: Interval | undefined;
      readonly action: ChangeAction;
      readonly events: (options: { correlationId: string; occurredAt: Date }) => TesseraEvent[];
    };

/**
 * Runs one change of a booking to its end: `decide` looks at the booking as it is now and answers
 * the next booking (with the interval to free and the one to take) or that there is nothing to do.
 * The write is conditional on the booking's version and the calendar days' versions; a lost race
 * reads again (a 412 instead under an `If-Match` naming versions).
 */
const changeBooking = async (
  deps: Pick<Dependencies, 'store' | 'clock' | 'retries'>,
  decide: (current: StoredBooking, now: Date) => Promise<Step> | Step,
  options: {
    readonly actor: Actor;
    readonly correlationId: string;
    readonly precondition?: Precondition | undefined;
    readonly load: () => Promise<StoredBooking>;
  },
): Promise<{ readonly booking: Booking; readonly changed: boolean }> => {
  let versionRaces = 0;
  const pacer = deps.retries();
  for (;;) {
    const current = await options.load();
    const now = deps.clock.now();
    const step = await decide(current, now);
    if ('done' in step) return { booking: step.done, changed: false };
    let calendar: readonly CalendarWrite[] = [];
    const days = touchedDays(step.remove, step.add);
    if (days.length > 0) {
      const read = await deps.store.calendar(current.roomId, days);
      const plan = planCalendar(read, step);
      if ('conflict' in plan) {
        // Named from the calendar without this booking's own old interval.
        const freed = step.remove ? new Map(piecesOf(step.remove).map((p) => [p.day, p])) : new Map();
        const others = read.map((day) =>
          freed.has(day.day) ? applyPieces(day, freed.get(day.day), -1) : day,
        );
        throw await overlapError(deps, current.roomId, plan.conflict, others);
      }
      calendar = plan.writes;
    }
    const shown = publicBooking(step.next);
    const outcome = await deps.store.changeBooking({
      next: step.next,
      expectedVersion: current.version,
      calendar,
      checkRoom: step.add !== undefined,
      change: changeRecord(shown, step.action, current.status, options.actor, options.correlationId),
      events: step.events({ correlationId: options.correlationId, occurredAt: now }),
      now,
    });
    switch (outcome) {
      case 'written':
        return { booking: shown, changed: true };
      case 'stale':
        if (namesVersions(options.precondition)) {
          throw new StaleVersionError('booking', (await options.load()).version);
        }
        if (++versionRaces >= VERSION_ATTEMPTS) throw new ConcurrentChangeError('booking');
        break;
      case 'room-unavailable':
        return roomUnavailable(deps, current.roomId);
      case 'taken':
      case 'calendar-changed':
        if (!(await pacer.wait())) throw new CalendarContendedError();
    }
  }
};

/**
 * Retitles or reschedules a booking (owner or admin; the provider 403, anyone else 404), before it
 * starts and while it holds the room. Rescheduling frees the old interval and takes the new one in
 * one transaction, and prices the new one at the room's current price.
 */
const updateBooking = async (
  deps: Pick<Dependencies, 'store' | 'clock' | 'retries'>,
  caller: Principal,
  id: string,
  changes: {
    readonly title?: string | null | undefined;
    readonly startTime?: string | undefined;
    readonly endTime?: string | undefined;
  },
  options: { readonly precondition?: Precondition | undefined; readonly correlationId: string },
): Promise<Booking> => {
  if ((changes.startTime === undefined) !== (changes.endTime === undefined)) {
    const missing = changes.startTime === undefined ? 'startTime' : 'endTime';
    throw new InvalidBookingError([
      {
        location: 'body',
        field: missing,
        detail: 'startTime and endTime go together: send both to reschedule.',
      },
    ]);
  }
  const load = async () => assertVisible(await deps.store.getBooking(id), caller);
  const { booking } = await changeBooking(
    deps,
    async (current, now) => {
      assertMayChange(current, caller, 'change');
      assertPrecondition(current, options.precondition);
      if (!holdsRoom(current.status)) throw new BookingNotLiveError(current.status);
      if (hasStarted(current, now)) throw new BookingStartedError('changed');
      const retitled = changes.title !== undefined && changes.title !== current.title;
      let wanted: Interval | undefined;
      if (changes.startTime !== undefined && changes.endTime !== undefined) {
        const checked = checkBookingInterval({ startTime: changes.startTime, endTime: changes.endTime }, now);
        if ('errors' in checked) throw new InvalidBookingError(checked.errors);
        if (!sameInterval(checked.interval, intervalOf(current))) wanted = checked.interval;
      }
      if (!retitled && !wanted) return { done: publicBooking(current) };
      const title = changes.title === undefined ? current.title : changes.title;
      if (!wanted) {
        return { next: nextVersion(current, now, { title }), action: 'retitled', events: () => [] };
      }
      const room = assertRoomOpen(await deps.store.getRoom(current.roomId), now);
      const old = intervalOf(current);
      const next = nextVersion(current, now, {
        title,
        ...interval(wanted),
        amount: amountFor(durationMinutes(wanted), room.pricePerHour),
        currency: room.currency,
      });
      const add = wanted;
      return {
        next,
        remove: old,
        add,
        action: 'rescheduled',
        events: (eventOptions) => [
          newEvent(
            'booking.rescheduled',
            {
              booking: publicBooking(next),
              previous: { ...interval(old), amount: current.amount },
              changedBy: caller.userId,
            },
            eventOptions,
          ),
          availabilityEvent(current.roomId, 'freed', old, eventOptions),
          availabilityEvent(current.roomId, 'taken', add, eventOptions),
        ],
      };
    },
    {
      actor: actorOf(caller),
      correlationId: options.correlationId,
      precondition: options.precondition,
      load,
    },
  );
  return booking;
};

const STATUS_EVENTS = {
  CANCELLED: ['booking.cancelled', 'cancelled'],
  CONFIRMED: ['booking.confirmed', 'confirmed'],
  PAYMENT_FAILED: ['booking.payment_failed', 'payment_failed'],
  EXPIRED: ['booking.expired', 'expired'],
} as const;

/** The step that moves a booking to `to`, freeing its interval when `to` no longer holds the room. */
const moveTo = (
  current: StoredBooking,
  to: keyof typeof STATUS_EVENTS,
  now: Date,
  changedBy: string | null,
): Step => {
  assertCanMove(current.status, to);
  const next = nextVersion(current, now, { status: to });
  const frees = holdsRoom(current.status) && !holdsRoom(to);
  const old = intervalOf(current);
  const [type, action] = STATUS_EVENTS[to];
  return {
    next,
    remove: frees ? old : undefined,
    action,
    events: (eventOptions) => [
      newEvent(
        type,
        { booking: publicBooking(next), previousStatus: current.status, changedBy },
        eventOptions,
      ),
      ...(frees ? [availabilityEvent(current.roomId, 'freed', old, eventOptions)] : []),
    ],
  };
};

/**
 * Cancels a booking (owner or admin; the provider 403, anyone else 404) before it starts; its
 * interval is free at once. A cancelled booking answers as it is.
 */
const cancelBooking = async (
  deps: Pick<Dependencies, 'store' | 'clock' | 'retries' | 'metrics'>,
  caller: Principal,
  id: string,
  options: { readonly precondition?: Precondition | undefined; readonly correlationId: string },
): Promise<Booking> => {
  const load = async () => assertVisible(await deps.store.getBooking(id), caller);
  const { booking, changed } = await changeBooking(
    deps,
    (current, now) => {
      assertMayChange(current, caller, 'cancel');
      if (current.status === 'CANCELLED') return { done: publicBooking(current) };
      assertPrecondition(current, options.precondition);
      assertCanMove(current.status, 'CANCELLED');
      if (hasStarted(current, now)) throw new BookingStartedError('cancelled');
      return moveTo(current, 'CANCELLED', now, caller.userId);
    },
    {
      actor: actorOf(caller),
      correlationId: options.correlationId,
      precondition: options.precondition,
      load,
    },
  );
  if (changed) deps.metrics.count('BookingsCancelled', { correlationId: options.correlationId });
  return booking;
};

/** The business metric each system move counts once it is written. */
const MOVE_METRICS: Readonly<Record<'CONFIRMED' | 'PAYMENT_FAILED' | 'EXPIRED', BusinessMetric | undefined>> =
  {
    CONFIRMED: 'BookingsConfirmed',
    // The payment's failure is counted by payments (`PaymentsFailed`).
    PAYMENT_FAILED: undefined,
    EXPIRED: 'BookingsExpired',
  };

/**
 * A move the system makes (payments, the hold's expiry): idempotent, so a second call for a booking
 * already there changes nothing and publishes nothing (`changed: false`); a move the states do not
 * allow (a payment for a cancelled booking) is an `IllegalBookingTransitionError` for the caller to
 * compensate. A booking that does not exist is a `BookingNotFoundError`.
 */
const systemMove =
  (to: 'CONFIRMED' | 'PAYMENT_FAILED' | 'EXPIRED') =>
  async (
    deps: Pick<Dependencies, 'store' | 'clock' | 'retries' | 'metrics'>,
    id: string,
    options: { readonly correlationId: string },
  ): Promise<{ readonly booking: Booking; readonly changed: boolean }> => {
    const result = await changeBooking(
      deps,
      (current, now) =>
        current.status === to ? { done: publicBooking(current) } : moveTo(current, to, now, null),
      {
        actor: SYSTEM,
        correlationId: options.correlationId,
        load: async () => {
          const booking = await deps.store.getBooking(id);
          if (!booking) throw new BookingNotFoundError();
          return booking;
        },
      },
    );
    const metric = MOVE_METRICS[to];
    if (result.changed && metric) deps.metrics.count(metric, { correlationId: options.correlationId });
    return result;
  };

/** The payment succeeded: `PENDING_PAYMENT -> CONFIRMED`. */
const confirmBooking = systemMove('CONFIRMED');
/** The payment failed for good: `PENDING_PAYMENT -> PAYMENT_FAILED`, the interval freed. */
const failBooking = systemMove('PAYMENT_FAILED');
/** The payment hold lapsed: `PENDING_PAYMENT -> EXPIRED`, the interval freed. */
const expireBooking = systemMove('EXPIRED');

export type { CreateInput, CreateResult };
export {
  cancelBooking,
  confirmBooking,
  createBooking,
  expireBooking,
  failBooking,
  planCalendar,
  requestHashOf,
  updateBooking,
};
