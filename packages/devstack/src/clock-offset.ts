/**
 * How the functions see the devstack's clock (ADR 0033): each worker replaces its global `Date`,
 * before the bundle loads, with one whose `Date.now()` and `new Date()` (no arguments) answer the
 * wall clock plus an offset read from a `SharedArrayBuffer` that the devstack writes each time its
 * clock moves. Every worker of a devstack holds the same buffer, so a move is seen by all of them at
 * once, with no message to wait for: an invocation that starts after `POST /_devstack/clock` has
 * answered reads the new time.
 *
 * The services still read time only through their clock port (`@tessera/shared/clock`), and the
 * libraries they bundle (jose's `exp` checks, the AWS SDK's signing) through `Date`: nothing in a
 * bundle knows it runs shifted. Everything else about `Date` is the engine's own: `new Date(x)`,
 * `Date.parse`, `Date.UTC`, `Date.prototype` and its methods, and `instanceof Date` (the replacement
 * shares the prototype, so dates made by Node itself are still `Date`s). Timers, `performance` and
 * `process.hrtime` run on real time.
 */

/**
 * The offset, in whole milliseconds, that the functions add to the wall clock: one 64-bit integer in
 * shared memory, written and read with `Atomics` so no read is ever torn.
 *
 * @example
 * const offset = new SharedClockOffset();
 * offset.set(3_600_000); // every worker holding offset.buffer is an hour ahead from now on
 */
class SharedClockOffset {
  /** Hand this to the workers (`workerData`): it is shared, not copied. */
  readonly buffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  private readonly view = new BigInt64Array(this.buffer);

  /** The offset in milliseconds. */
  get ms(): number {
    return Number(Atomics.load(this.view, 0));
  }

  /** Sets the offset (rounded to the millisecond); the workers see it at their next `Date.now()`. */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`A clock offset is a finite number of ms, not ${ms}`);
    Atomics.store(this.view, 0, BigInt(Math.round(ms)));
  }
}

/**
 * A function expression, as source, for a worker to evaluate and call before it loads a bundle:
 * `(globalObject, offsetView) => realNow`. It installs the shifted `Date` on `globalObject`
 * (`offsetView` a `BigInt64Array` over the shared buffer) and answers the engine's own `Date.now`,
 * for what must stay on real time (a Lambda context's `getRemainingTimeInMillis`).
 *
 * Plain JavaScript in a string, like the worker it goes into, so what runs there is exactly this,
 * whatever compiles the devstack (tsx, vitest, node).
 */
const SHIFTED_DATE_SOURCE = `(function installShiftedDate(globalObject, offsetView) {
  const RealDate = globalObject.Date;
  const realNow = RealDate.now;
  const shiftedNow = function now() {
    return realNow() + Number(Atomics.load(offsetView, 0));
  };
  // Named Date, seven parameters: Date.name and Date.length stay as they were.
  const ShiftedDate = function Date(year, monthIndex, day, hours, minutes, seconds, ms) {
    // Date() called as a function answers the current time as a string.
    if (new.target === undefined) return new RealDate(shiftedNow()).toString();
    // new.target keeps subclasses (class X extends Date) working.
    return arguments.length === 0
      ? Reflect.construct(RealDate, [shiftedNow()], new.target)
      : Reflect.construct(RealDate, arguments, new.target);
  };
  for (const key of Reflect.ownKeys(RealDate)) {
    if (key === 'length' || key === 'name') continue;
    Object.defineProperty(ShiftedDate, key, Object.getOwnPropertyDescriptor(RealDate, key));
  }
  Object.defineProperty(ShiftedDate, 'now', {
    ...Object.getOwnPropertyDescriptor(RealDate, 'now'),
    value: shiftedNow,
  });
  // The same prototype object, its methods untouched; only its constructor link follows the global,
  // so that date.constructor === Date still holds.
  Object.defineProperty(RealDate.prototype, 'constructor', {
    ...Object.getOwnPropertyDescriptor(RealDate.prototype, 'constructor'),
    value: ShiftedDate,
  });
  Object.defineProperty(globalObject, 'Date', {
    ...Object.getOwnPropertyDescriptor(globalObject, 'Date'),
    value: ShiftedDate,
  });
  return realNow;
})`;

export { SHIFTED_DATE_SOURCE, SharedClockOffset };
