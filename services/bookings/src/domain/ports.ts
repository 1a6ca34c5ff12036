/**
 * What the bookings use cases need from the world. Adapters answer outcomes (`'written'`,
 * `'calendar-changed'`, ...); the use cases turn them into domain errors or retries.
 */

import type { Role } from '@tessera/shared/auth';
import type { Clock } from '@tessera/shared/clock';
import type { CursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import type { Metrics } from '@tessera/shared/metrics-catalog';
import type { UserDirectory } from '@tessera/shared/users-directory/ports';
import type { Booking, BookingStatus, StoredBooking } from './booking.ts';
import type { DayPieces, DayState } from './calendar.ts';
import type { Room } from './room.ts';

type Key = Readonly<Record<string, unknown>>;

/** A room as stored: with the fence a deletion in progress sets. */
interface StoredRoom extends Room {
  /** While set and in the future, the room is being deleted and takes no bookings. */
  readonly closingUntil: string | null;
}

/**
 * A write of one day of a room's calendar (ADR 0026): `take` a piece, guarded cell by cell (it fails
 * only if the piece's cells or hours are held); `free` a piece the booking holds (no guard: its
 * booking's version guards it); or `replace` the whole day with `next` if it is still at
 * `expectedVersion` (a reschedule that frees and takes within the same day).
 */
type CalendarWrite =
  | { readonly kind: 'take'; readonly pieces: DayPieces }
  | { readonly kind: 'free'; readonly pieces: DayPieces }
  | { readonly kind: 'replace'; readonly expectedVersion: number; readonly next: DayState };

type ChangeAction =
  | 'created'
  | 'retitled'
  | 'rescheduled'
  | 'confirmed'
  | 'payment_failed'
  | 'expired'
  | 'cancelled';

/** One entry of a booking's audit trail: written with the change, in the same transaction. */
interface ChangeRecord {
  readonly version: number;
  readonly action: ChangeAction;
  readonly fromStatus: BookingStatus | null;
  readonly toStatus: BookingStatus;
  readonly startTime: string;
  readonly endTime: string;
  readonly amount: number;
  readonly actorId: string | null;
  readonly actorRole: Role | null;
  readonly requestId: string;
  readonly at: string;
}

/** The first result of an `Idempotency-Key`, kept 24 hours. */
interface IdempotencyRecord {
  readonly requestHash: string;
  readonly booking: Booking;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

interface IdempotencyClaim {
  readonly userId: string;
  readonly key: string;
  readonly requestHash: string;
  readonly expiresAt: number;
}

/** `taken`: a cell or hour a `take` needs is held (an overlap, at the moment of the write). */
type CreateOutcome = 'written' | 'key-taken' | 'room-unavailable' | 'taken' | 'calendar-changed';
/** `calendar-changed`: a day a `replace` read has changed since. */
type ChangeOutcome = 'written' | 'stale' | 'room-unavailable' | 'taken' | 'calendar-changed';

/** One index partition a booking list reads. */
type BookingSource =
  | { readonly index: 'by-user'; readonly userId: string }
  | { readonly index: 'by-provider'; readonly providerId: string }
  | { readonly index: 'by-kind' };

interface BookingStore {
  getRoom(id: string): Promise<StoredRoom | null>;
  createRoom(room: Room): Promise<void>;
  /** Writes `next` if the room is still at `expectedVersion` and no deletion holds it. */
  replaceRoom(next: Room, expectedVersion: number, now: Date): Promise<'written' | 'stale'>;
  /** Sets the deletion fence until `until`, if the room is at `expectedVersion` and not already held. */
  fenceRoom(id: string, expectedVersion: number, until: string, now: Date): Promise<'written' | 'stale'>;
  /** Lifts the fence set with `until`. */
  unfenceRoom(id: string, until: string): Promise<void>;
  /**
   * Deletes the room if it is still held by the fence set with `until` and that fence has not lapsed,
   * leaving a tombstone with its provider.
   */
  deleteRoom(id: string, until: string, now: Date): Promise<'written' | 'stale'>;
  /** The provider of a room, or of a deleted room (from its tombstone); null for an id never used. */
  providerOfRoom(id: string): Promise<string | null>;
  listRooms(query: {
    readonly type?: string | undefined;
    readonly limit: number;
    readonly startKey?: Key | undefined;
  }): Promise<{ readonly rooms: readonly Room[]; readonly keys: readonly Key[]; readonly more: boolean }>;
  /** The room's calendar for these days, in their order (a day never written is version 0, empty). */
  calendar(roomId: string, days: readonly string[]): Promise<readonly DayState[]>;
  /** The room's calendar from `fromDay` on, every day ever written. */
  calendarFrom(roomId: string, fromDay: string): Promise<readonly DayState[]>;

  getBooking(id: string): Promise<StoredBooking | null>;
  getIdempotency(userId: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Writes, in one transaction: the idempotency claim (if any), the room check (it exists and no
   * deletion holds it), the calendar days, the booking, and its change record carrying `events`.
   */
  createBooking(write: {
    readonly booking: StoredBooking;
    readonly calendar: readonly CalendarWrite[];
    readonly change: ChangeRecord;
    readonly events: readonly TesseraEvent[];
    readonly idempotency?: IdempotencyClaim | undefined;
    readonly now: Date;
  }): Promise<CreateOutcome>;
  /**
   * Writes `next` if the booking is still at `expectedVersion`, with the calendar days, its change
   * record carrying `events`, and (when it takes a new interval) the room check, in one transaction.
   */
  changeBooking(write: {
    readonly next: StoredBooking;
    readonly expectedVersion: number;
    readonly calendar: readonly CalendarWrite[];
    readonly checkRoom: boolean;
    readonly change: ChangeRecord;
    readonly events: readonly TesseraEvent[];
    readonly now: Date;
  }): Promise<ChangeOutcome>;
  /**
   * Records the booking's reminder at its start time, carrying `event`, if the booking is still
   * `CONFIRMED` at that start time (`'changed'` otherwise) and none was recorded (`'already-sent'`).
   */
  recordReminder(write: {
    readonly booking: StoredBooking;
    readonly event: TesseraEvent<'booking.reminder'>;
    readonly now: Date;
  }): Promise<'written' | 'changed' | 'already-sent'>;
  listBookings(query: {
    readonly source: BookingSource;
    readonly when: 'upcoming' | 'past';
    readonly now: Date;
    readonly status?: BookingStatus | undefined;
    readonly roomId?: string | undefined;
    readonly limit: number;
    readonly startKey?: Key | undefined;
  }): Promise<{ readonly bookings: readonly StoredBooking[]; readonly lastKey: Key | undefined }>;
  history(
    bookingId: string,
    page: { readonly limit: number; readonly startKey?: Key | undefined },
  ): Promise<{ readonly changes: readonly ChangeRecord[]; readonly lastKey: Key | undefined }>;
}

/** One request's retries after lost races: `wait` pauses before the next, or answers false when the budget is spent. */
interface RetryPacer {
  wait(): Promise<boolean>;
}

/** Starts the pacing of one request's retries. */
type Retries = () => RetryPacer;

/**
 * EventBridge Scheduler's one-time schedules of the service's group, by name: `put` makes the
 * schedule (or replaces it: a name never makes two), `remove` deletes it (none is fine).
 */
interface Schedules {
  put(
    name: string,
    schedule: { readonly at: Date; readonly input: Readonly<Record<string, unknown>> },
  ): Promise<void>;
  remove(name: string): Promise<void>;
}

/** How long before its start a confirmed booking is reminded, and how long a payment may hold a room. */
interface Timing {
  readonly reminderLeadSeconds: number;
  readonly paymentHoldSeconds: number;
}

/** What the timed steps of a booking (its hold, its reminder) need. */
interface ScheduleDependencies extends Pick<Dependencies, 'store' | 'clock' | 'retries' | 'metrics'> {
  readonly schedules: Schedules;
  readonly timing: Timing;
}

interface Dependencies {
  readonly store: BookingStore;
  readonly directory: UserDirectory;
  readonly cursors: CursorCodec;
  readonly clock: Clock;
  readonly retries: Retries;
  /** The business metrics the use cases move once their write has committed. */
  readonly metrics: Metrics;
}

export type {
  BookingSource,
  BookingStore,
  CalendarWrite,
  ChangeAction,
  ChangeOutcome,
  ChangeRecord,
  CreateOutcome,
  Dependencies,
  IdempotencyClaim,
  IdempotencyRecord,
  Key,
  Retries,
  RetryPacer,
  ScheduleDependencies,
  Schedules,
  StoredRoom,
  Timing,
};
