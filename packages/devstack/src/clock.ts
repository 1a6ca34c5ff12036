/**
 * The devstack's clock: what every part that waits or tells the time asks, instead of `Date.now()`
 * and `setTimeout`, so time can be moved (the bus's retry delays, the queues' visibility timeouts and
 * retention, the event source mappings' back-off, and the scheduler to come).
 *
 * - `systemClock` is the wall clock.
 * - `MovableClock` can be moved forward, never back: `advance(ms)` fires, in order, every timer that
 *   falls due on the way, each seeing `now()` at its own due time. Standing (the default), it tells
 *   the time it was set to until advanced, which is what tests use instead of waiting; ticking, it
 *   runs with the wall clock plus the distance it was advanced, which is the devstack's own clock
 *   (`POST /_devstack/clock` moves it; ADR 0033). `onMove` tells who must follow it (the functions'
 *   shifted `Date`, the file that keeps its offset) each time it jumps.
 */

/** A timer a clock has set; hand it back to `clearTimeout` to cancel it. */
interface ClockTimer {
  /** When it falls due, in the clock's milliseconds since the epoch. */
  readonly due: number;
}

interface Clock {
  /** Milliseconds since the epoch, as this clock tells it. */
  now(): number;
  /** Calls `callback` once `ms` of this clock's time have passed. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
  /** Resolves once `ms` of this clock's time have passed, or at once when `signal` aborts (it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Resolves after `ms`, or at once when the signal aborts; `schedule` and `cancel` set and clear the timer. */
const sleepWith = <T>(
  schedule: (callback: () => void, ms: number) => T,
  cancel: (timer: T) => void,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> => {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const timer = schedule(done, ms);
    const aborted = () => {
      cancel(timer);
      done();
    };
    signal?.addEventListener('abort', aborted, { once: true });
  });
};

interface SystemTimer extends ClockTimer {
  readonly handle: NodeJS.Timeout;
}

/**
 * The wall clock: `Date.now()` and Node's timers.
 *
 * @example
 * await systemClock.sleep(100);
 */
const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer: SystemTimer = { due: Date.now() + Math.max(0, ms), handle: setTimeout(callback, ms) };
    return timer;
  },
  clearTimeout: (timer) => {
    if (timer && 'handle' in timer) clearTimeout((timer as SystemTimer).handle);
  },
  sleep: (ms, signal) =>
    sleepWith(
      (callback, delay) => setTimeout(callback, delay),
      (handle) => clearTimeout(handle),
      ms,
      signal,
    ),
};

interface MovableTimer extends ClockTimer {
  readonly sequence: number;
  readonly callback: () => void;
  /** Set during an advance but not by a timer's callback: the advance does not stop for it. */
  deferred: boolean;
}

interface MovableClockOptions {
  /** The time it tells at first, in milliseconds since the epoch (default: now). */
  readonly start?: number;
  /** Runs with the wall clock (true) or stands still until advanced (false, the default). */
  readonly ticking?: boolean;
  /**
   * With no `start`: starts this far ahead of the wall clock, exactly (default 0), so a clock
   * reopened with the offset it had kept tells the same time the old one would have.
   */
  readonly aheadMs?: number;
}

/** Told, synchronously, each time a clock jumps forward (an advance, or a step of one). */
type ClockMoveListener = () => void;

/**
 * How many stops one advance makes exactly for timers set from outside a timer's callback (a retry
 * loop's next sleep); beyond, such timers wait for the next stop or the end (see `advance`).
 */
const EXACT_STOPS_PER_ADVANCE = 1000;

/** Node runs a timer set beyond this (about 24.8 days) after 1 ms: a longer wait is taken in steps. */
const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

/** Lets promise continuations a timer started run before the next timer fires. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that moves forward only: by `advance`, and with the wall clock when ticking.
 *
 * @example
 * const clock = new MovableClock({ start: Date.parse('2026-01-01T00:00:00Z') });
 * const woke = clock.sleep(30_000);
 * await clock.advance(30_000); // woke resolves; clock.now() is 30 s later
 */
class MovableClock implements Clock {
  private readonly ticking: boolean;
  private readonly start: number;
  private readonly startedAt: number;
  private shift = 0;
  private readonly listeners = new Set<ClockMoveListener>();
  private timers: MovableTimer[] = [];
  private sequence = 0;
  private armed: NodeJS.Timeout | undefined;
  private moving: Promise<void> = Promise.resolve();
  private firing = false;
  private advancing = false;
  private stops = 0;

  constructor(options: MovableClockOptions = {}) {
    this.ticking = options.ticking ?? false;
    // One reading of the wall clock, so `aheadMs` is the offset to the millisecond.
    this.startedAt = Date.now();
    this.start = options.start ?? this.startedAt + (options.aheadMs ?? 0);
  }

  now(): number {
    return this.start + this.shift + (this.ticking ? Date.now() - this.startedAt : 0);
  }

  /** How far it has been advanced, in milliseconds. */
  get advancedMs(): number {
    return this.shift;
  }

  /**
   * How far ahead of the wall clock it is, in milliseconds: for a ticking clock the same from one
   * move to the next (what the functions' shifted `Date` adds to the wall clock).
   */
  get offsetMs(): number {
    // Ticking, from what it was set to alone: no two readings of the wall clock to fall apart.
    return this.ticking ? this.start - this.startedAt + this.shift : this.now() - Date.now();
  }

  /**
   * Calls `listener` each time the clock jumps forward: once per timer an advance stops at (before
   * that timer fires) and once at its end. Answers how to stop listening.
   *
   * @example
   * const stop = clock.onMove(() => offset.set(clock.offsetMs));
   */
  onMove(listener: ClockMoveListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer: MovableTimer = {
      due: this.now() + Math.max(0, Number.isFinite(ms) ? ms : 0),
      sequence: this.sequence++,
      callback,
      // What a callback sets in passing is part of the move (a chain of timers), and so is, for a
      // while, what is set otherwise while the clock jumps (a retry loop sleeping again once its
      // promise settles); past that, it fires at the advance's next stop or its end, as a Node
      // timer would after the machine slept.
      deferred: this.advancing && !this.firing && this.stops >= EXACT_STOPS_PER_ADVANCE,
    };
    // Kept in order by inserting after every timer due no later (so equal dues fire as set).
    let low = 0;
    let high = this.timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.timers[middle] as MovableTimer).due <= timer.due) low = middle + 1;
      else high = middle;
    }
    this.timers.splice(low, 0, timer);
    // A timer already due fires soon, as setTimeout(callback, 0) does, not at the next advance.
    if (timer.due <= this.now()) setImmediate(() => void this.fireDue());
    else this.arm();
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (!timer) return;
    this.timers = this.timers.filter((t) => t !== timer);
    this.arm();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(
      (callback, delay) => this.setTimeout(callback, delay),
      (timer) => this.clearTimeout(timer),
      ms,
      signal,
    );
  }

  /**
   * Moves the clock `ms` forward and fires, in order, the timers due on the way (each sees `now()`
   * at its due time; timers their callbacks set that fall due before the end fire too, and so do
   * those set meanwhile from elsewhere, such as a retry loop's next sleep). After 1,000 stops, timers
   * set from elsewhere make no stop of their own: they fire, if due, at the next stop or the end, so
   * the poll loops of a devstack cost a bounded number of turns however far it jumps (400 days of a
   * 20-second long poll would be 1.7 million). Resolves once done; a ticking clock is then exactly
   * `ms` further ahead of the wall clock than before.
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError(`The clock moves forward only: cannot advance by ${ms} ms`));
    }
    const move = this.moving.then(async () => {
      // The distance is in the clock's own shift, so a ticking clock ends exactly `ms` further
      // ahead of the wall clock, however long the timers on the way took to run.
      const shiftAtEnd = this.shift + ms;
      const end = () => this.now() + (shiftAtEnd - this.shift);
      this.advancing = true;
      this.stops = 0;
      try {
        for (; ; this.stops++) {
          const next = this.timers.find((timer) => !timer.deferred);
          if (!next || next.due > end()) break;
          if (next.due > this.now()) this.jump(next.due - this.now());
          await this.fireDue();
          await settle();
        }
        if (shiftAtEnd > this.shift) this.jump(shiftAtEnd - this.shift);
        await this.fireDue();
        await settle();
      } finally {
        this.advancing = false;
        for (const timer of this.timers) timer.deferred = false;
      }
      this.arm();
    });
    this.moving = move.catch(() => undefined);
    return move;
  }

  /** Moves the clock forward to `time` (milliseconds since the epoch); see `advance`. */
  advanceTo(time: number): Promise<void> {
    const now = this.now();
    if (time < now) {
      return Promise.reject(
        new RangeError(
          `The clock moves forward only: ${new Date(time).toISOString()} is before ${new Date(now).toISOString()}`,
        ),
      );
    }
    return this.advance(time - now);
  }

  /** Moves the clock `ms` forward and tells the listeners, before any timer due then fires. */
  private jump(ms: number): void {
    this.shift += ms;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        // A listener's failure is its own (reported as an uncaught error); the move stands.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Fires every timer due now, in order. */
  private async fireDue(): Promise<void> {
    if (this.firing) return;
    this.firing = true;
    try {
      for (;;) {
        const next = this.timers[0];
        if (!next || next.due > this.now()) break;
        this.timers.shift();
        try {
          next.callback();
        } catch (error) {
          // As with a Node timer, a throwing callback is the caller's bug; it must not stop the clock.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    } finally {
      this.firing = false;
      this.arm();
    }
  }

  /** When ticking, a wall-clock timer for the next due timer. */
  private arm(): void {
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
    const next = this.timers[0];
    if (!this.ticking || !next) return;
    // Beyond Node's longest delay it wakes early, finds nothing due, and arms again.
    const delay = Math.min(MAX_NODE_DELAY_MS, Math.max(0, next.due - this.now()));
    this.armed = setTimeout(() => void this.fireDue(), delay);
  }
}

export type { Clock, ClockMoveListener, ClockTimer, MovableClockOptions };
export { MovableClock, systemClock };
