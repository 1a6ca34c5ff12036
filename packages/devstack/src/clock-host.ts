/**
 * The devstack's clock, as one part (ADR 0033): the clock every part goes by (the bus, the queues,
 * the event source mappings, the WebSocket gateway's timestamps, the scheduler), the offset the
 * functions' `Date` follows, and the file that keeps that offset so a restart never moves time back.
 *
 * Unless a clock is given, it is a ticking `MovableClock`: the wall clock plus an offset that only
 * grows. It starts at the offset kept in `<dataDir>/clock.json` (none, 0: a fresh or temporary data
 * folder starts on the wall clock), and, if the wall clock itself went back since, no earlier than
 * the time the file last told. An advance writes the file (whole or not at all: a temporary file
 * renamed over it) with where it is going before it starts, so a devstack killed half-way restarts
 * no earlier than anything a function saw, and again once done; each step of it sets the shared
 * offset before the timers due at that time fire.
 *
 * A given clock is used as it is and nothing is kept: a `MovableClock` can be advanced here too and
 * the functions follow it (a standing one by its distance from the wall clock at each move, ticking
 * on from there, since a function's time never stands still), any other is taken for the wall clock
 * and cannot be moved.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { type Clock, MovableClock } from './clock.ts';
import { SharedClockOffset } from './clock-offset.ts';

/** The longest single advance: 400 days, beyond anything a booking (365 days ahead) needs. */
const MAX_ADVANCE_SECONDS = 400 * 24 * 3600;

/** What `GET /_devstack/clock` answers. */
interface ClockReading {
  /** The devstack's time, ISO 8601 UTC. */
  readonly now: string;
  /** How far ahead of the wall clock it is, in seconds (whole, unless a given clock says otherwise). */
  readonly offsetSeconds: number;
}

/** What an advance answers (`POST /_devstack/clock`, `Devstack.advanceClock`). */
interface ClockAdvance extends ClockReading {
  readonly advancedSeconds: number;
}

/** `<dataDir>/clock.json`. */
const clockFileSchema = z.object({
  /** How far ahead of the wall clock the clock was, in milliseconds. */
  offsetMs: z.number().int().min(0),
  /** The time it told when written, ISO 8601. */
  now: z.iso.datetime(),
});

type ClockFile = z.infer<typeof clockFileSchema>;

/** A refused advance: the number of seconds is not one the clock takes. */
class ClockAdvanceError extends RangeError {
  constructor(detail: string) {
    super(detail);
    this.name = 'ClockAdvanceError';
  }
}

/** The devstack's clock cannot be moved (it was given, and is not a `MovableClock`). */
class ClockNotMovableError extends Error {
  constructor() {
    super("This devstack runs on a clock it was given that cannot be moved (startDevstack's clock option).");
    this.name = 'ClockNotMovableError';
  }
}

/**
 * Reads a clock file; undefined when there is none. A file that is there and unreadable stops the
 * start: guessing would move time back.
 *
 * @example
 * readClockFile('.tessera/clock.json')?.offsetMs; // 3_600_000
 */
const readClockFile = (file: string): ClockFile | undefined => {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `The devstack's clock file ${file} is not JSON (${String(error)}); delete it to start on the wall clock.`,
    );
  }
  const parsed = clockFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `The devstack's clock file ${file} is not { offsetMs, now } (${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}); delete it to start on the wall clock.`,
    );
  }
  return parsed.data;
};

/**
 * Writes a clock file whole or not at all: a temporary file beside it, renamed over it.
 *
 * @example
 * writeClockFile('.tessera/clock.json', { offsetMs: 0, now: new Date().toISOString() });
 */
const writeClockFile = (file: string, content: ClockFile): void => {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`);
  renameSync(temporary, file);
};

/**
 * The offset a reopened clock starts at: the one kept, or more if the wall clock has gone back
 * behind the time the file last told (so the clock never does).
 */
const reopenedOffsetMs = (kept: ClockFile | undefined, wallNow: number): number =>
  kept ? Math.max(kept.offsetMs, Date.parse(kept.now) - wallNow) : 0;

interface DevstackClockOptions {
  /** The clock to go by instead of the devstack's own; nothing is kept then. */
  readonly clock?: Clock | undefined;
  /** Where the devstack's own clock keeps its offset (`<dataDir>/clock.json`); kept nowhere when omitted. */
  readonly file?: string | undefined;
}

/**
 * The devstack's clock and what follows it; `start` begins to keep and share its moves, `stop` ends
 * that (writing the file a last time).
 *
 * @example
 * const time = new DevstackClock({ file: join(dataDir, 'clock.json') });
 * await time.start();
 * await time.advance(900); // { now, offsetSeconds: 900, advancedSeconds: 900 }, every function 15 minutes on
 */
class DevstackClock {
  /** The clock the parts go by. */
  readonly clock: Clock;
  /** What the functions add to the wall clock; hand it to their hosts. */
  readonly offset = new SharedClockOffset();
  private readonly movable: MovableClock | undefined;
  private readonly file: string | undefined;
  private stopListening: (() => void) | undefined;
  private started = false;

  constructor(options: DevstackClockOptions = {}) {
    if (options.clock) {
      this.clock = options.clock;
      this.movable = options.clock instanceof MovableClock ? options.clock : undefined;
      this.file = undefined;
    } else {
      const kept = options.file ? readClockFile(options.file) : undefined;
      this.movable = new MovableClock({ ticking: true, aheadMs: reopenedOffsetMs(kept, Date.now()) });
      this.clock = this.movable;
      this.file = options.file;
    }
    this.share();
  }

  /** True when `advance` can move it. */
  get canMove(): boolean {
    return this.movable !== undefined;
  }

  /** The time it tells and how far ahead of the wall clock that is. */
  read(): ClockReading {
    return { now: new Date(this.clock.now()).toISOString(), offsetSeconds: this.offsetMs() / 1000 };
  }

  /**
   * Moves the clock `seconds` forward (a whole number, 1 to 400 days' worth) and resolves once it
   * has, and every timer that fell due on the way has fired, in order. Throws `ClockAdvanceError`
   * for any other number and `ClockNotMovableError` for a clock that cannot move.
   */
  async advance(seconds: number): Promise<ClockAdvance> {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_ADVANCE_SECONDS) {
      throw new ClockAdvanceError(
        `The clock moves forward by a whole number of seconds from 1 to ${MAX_ADVANCE_SECONDS}, not ${seconds}.`,
      );
    }
    if (!this.movable) throw new ClockNotMovableError();
    this.keep(seconds * 1000);
    await this.movable.advance(seconds * 1000);
    this.keep();
    return { ...this.read(), advancedSeconds: seconds };
  }

  /** Shares each move with the functions, and keeps the offset in the file (the data folder exists by now). */
  async start(): Promise<void> {
    this.share();
    this.started = true;
    this.keep();
    this.stopListening = this.movable?.onMove(() => this.share());
  }

  async stop(): Promise<void> {
    this.stopListening?.();
    this.stopListening = undefined;
    this.keep();
    this.started = false;
  }

  /**
   * How far ahead of the wall clock it is, in whole milliseconds. A given clock that cannot move is
   * taken for the wall clock (0): the functions run on real time then.
   */
  private offsetMs(): number {
    return this.movable ? Math.round(this.movable.offsetMs) : 0;
  }

  private share(): void {
    this.offset.set(this.offsetMs());
  }

  /** Writes the file, `aheadMs` beyond where the clock is now (where an advance is going). */
  private keep(aheadMs = 0): void {
    if (!this.file || !this.movable || !this.started) return;
    writeClockFile(this.file, {
      offsetMs: Math.max(0, this.offsetMs() + aheadMs),
      now: new Date(this.movable.now() + aheadMs).toISOString(),
    });
  }
}

export type { ClockAdvance, ClockReading, DevstackClockOptions };
export {
  ClockAdvanceError,
  ClockNotMovableError,
  DevstackClock,
  MAX_ADVANCE_SECONDS,
  readClockFile,
  reopenedOffsetMs,
  writeClockFile,
};
