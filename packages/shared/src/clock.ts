/**
 * The one clock port: use cases read time only through a `Clock` they are handed, so tests pin it
 * and the devstack can move it. `systemClock` is the real one, for the composition roots.
 *
 * @example
 * const deps = { ...stores, clock: systemClock };
 * deps.clock.now(); // a Date
 */

/** Where a use case reads the current time. */
interface Clock {
  now(): Date;
}

/** The machine's clock. */
const systemClock: Clock = { now: () => new Date() };

export type { Clock };
export { systemClock };
