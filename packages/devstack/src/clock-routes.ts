/**
 * The devstack's clock over HTTP (ADR 0033), on the devstack router:
 *
 * - `GET /_devstack/clock` answers `{ now, offsetSeconds }`: the time every function and part goes
 *   by, and how far ahead of the wall clock it is.
 * - `POST /_devstack/clock` with `{"advanceSeconds": N}` (a whole number from 1 to 400 days'
 *   worth) moves it N seconds forward and answers `{ now, offsetSeconds, advancedSeconds }` once it
 *   has, and once the timers that fell due on the way (the scheduler's schedules, the queues'
 *   visibility timeouts) have fired, in order. Anything else is a 400 problem+json whose `errors[]`
 *   names the field (`(body)` for a body that is not a JSON object); the clock never moves back. A
 *   devstack given a clock that cannot move answers 409.
 */
import type { FieldError } from '@tessera/shared/errors';
import { problemType } from '@tessera/shared/http';
import { type DevstackClock, MAX_ADVANCE_SECONDS } from './clock-host.ts';
import { type DevstackRouter, type RouteAnswer, routeProblem } from './router.ts';

const CLOCK_PATH = '/_devstack/clock';

/** A 400 problem naming each bad field, as the services' validation answers it. */
const invalid = (errors: readonly FieldError[]): RouteAnswer => ({
  status: 400,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({
    type: problemType('INVALID_REQUEST'),
    title: 'Bad Request',
    status: 400,
    detail: 'The request is not {"advanceSeconds": <seconds>}.',
    instance: CLOCK_PATH,
    errors,
  }),
});

const bodyError = (detail: string): FieldError => ({ location: 'body', field: '(body)', detail });

/**
 * Reads `{"advanceSeconds": N}`: the seconds, or the field errors of a body that is anything else.
 *
 * @example
 * parseAdvance(Buffer.from('{"advanceSeconds":900}')); // { seconds: 900 }
 * parseAdvance(Buffer.from('{"advanceSeconds":-1}')).errors?.[0]?.field; // 'advanceSeconds'
 */
const parseAdvance = (
  body: Buffer,
): { readonly seconds: number; readonly errors?: never } | { readonly errors: readonly FieldError[] } => {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { errors: [bodyError('is not JSON')] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { errors: [bodyError('must be a JSON object')] };
  }
  const errors: FieldError[] = Object.keys(value)
    .filter((key) => key !== 'advanceSeconds')
    .map((field) => ({ location: 'body', field, detail: 'is not a field of this request' }));
  const seconds = (value as { advanceSeconds?: unknown }).advanceSeconds;
  if (seconds === undefined) {
    errors.unshift({ location: 'body', field: 'advanceSeconds', detail: 'is required' });
  } else if (
    typeof seconds !== 'number' ||
    !Number.isInteger(seconds) ||
    seconds < 1 ||
    seconds > MAX_ADVANCE_SECONDS
  ) {
    errors.unshift({
      location: 'body',
      field: 'advanceSeconds',
      detail: `must be a whole number of seconds from 1 to ${MAX_ADVANCE_SECONDS} (the clock never moves back)`,
    });
  }
  return errors.length > 0 || typeof seconds !== 'number' ? { errors } : { seconds };
};

/**
 * Adds `GET` and `POST /_devstack/clock` to the router.
 *
 * @example
 * addClockRoutes(router, new DevstackClock({ file: join(dataDir, 'clock.json') }));
 */
const addClockRoutes = (router: DevstackRouter, time: DevstackClock): DevstackRouter =>
  router
    .add('GET', CLOCK_PATH, () => ({ body: time.read() }))
    .add('POST', CLOCK_PATH, async ({ body }) => {
      const parsed = parseAdvance(await body());
      if (parsed.errors) return invalid(parsed.errors);
      if (!time.canMove) {
        return routeProblem(
          409,
          'CLOCK_NOT_MOVABLE',
          'This devstack runs on a clock it was given that cannot be moved.',
        );
      }
      return { body: await time.advance(parsed.seconds) };
    });

export { addClockRoutes, parseAdvance };
