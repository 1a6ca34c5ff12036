/**
 * `GET` and `POST /_devstack/clock` (ADR 0033) on the devstack router: the reading, an advance that
 * answers once the timers due on the way have fired, and every other body a 400 problem+json naming
 * the field, with the clock left where it was; a clock that cannot move is a 409.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { DevstackClock } from '../../src/clock-host.ts';
import { addClockRoutes } from '../../src/clock-routes.ts';
import { DevstackRouter } from '../../src/router.ts';

const request = (method: string, body = '') => ({
  method,
  url: new URL('/_devstack/clock', 'http://127.0.0.1:3000'),
  headers: {},
  body: async () => Buffer.from(body),
});

const json = (body: Buffer) => JSON.parse(body.toString('utf8')) as Record<string, unknown>;

const clocks: DevstackClock[] = [];
afterEach(async () => {
  await Promise.all(clocks.splice(0).map((clock) => clock.stop()));
});

const routed = async (clock?: typeof systemClock) => {
  const time = new DevstackClock(clock ? { clock } : {});
  clocks.push(time);
  await time.start();
  return { time, router: addClockRoutes(new DevstackRouter(), time) };
};

describe('Function: addClockRoutes', () => {
  it('answers GET with the time and the offset', async () => {
    const { router } = await routed();

    const answer = await router.handle(request('GET'));

    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const body = json(answer.body);
    expect(body).toEqual({ now: expect.any(String), offsetSeconds: 0 });
    expect(Math.abs(Date.parse(String(body.now)) - Date.now())).toBeLessThan(1000);
  });

  it('moves the clock on POST and answers once the timers due on the way have fired', async () => {
    // Prepare
    const { time, router } = await routed();
    const fired: string[] = [];
    time.clock.setTimeout(() => fired.push('reminder'), 50 * 60_000);
    time.clock.setTimeout(() => fired.push('later'), 61 * 60_000);

    // Act
    const answer = await router.handle(request('POST', '{"advanceSeconds": 3600}'));

    // Assess
    expect(answer.status).toBe(200);
    const body = json(answer.body);
    expect(body).toEqual({ now: expect.any(String), offsetSeconds: 3600, advancedSeconds: 3600 });
    expect(Date.parse(String(body.now)) - Date.now()).toBeGreaterThan(3_599_000);
    expect(fired).toEqual(['reminder']);
    expect(json((await router.handle(request('GET'))).body).offsetSeconds).toBe(3600);
  });

  it.each([
    ['zero', '{"advanceSeconds": 0}', 'advanceSeconds'],
    ['negative', '{"advanceSeconds": -60}', 'advanceSeconds'],
    ['not whole', '{"advanceSeconds": 1.5}', 'advanceSeconds'],
    ['a string', '{"advanceSeconds": "60"}', 'advanceSeconds'],
    ['null', '{"advanceSeconds": null}', 'advanceSeconds'],
    ['beyond 400 days', '{"advanceSeconds": 34560001}', 'advanceSeconds'],
    ['missing', '{}', 'advanceSeconds'],
    ['an extra field', '{"advanceSeconds": 60, "back": true}', 'back'],
    ['not JSON', 'advance 60', '(body)'],
    ['empty', '', '(body)'],
    ['an array', '[60]', '(body)'],
  ])(
    'answers 400 naming the field for a body that is %s, and leaves the clock alone',
    async (_, body, field) => {
      const { time, router } = await routed();

      const answer = await router.handle(request('POST', body));

      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      const problem = json(answer.body);
      expect(problem).toMatchObject({
        type: 'urn:tessera:problem:invalid-request',
        title: 'Bad Request',
        status: 400,
        errors: expect.arrayContaining([expect.objectContaining({ location: 'body', field })]),
      });
      expect(time.read().offsetSeconds).toBe(0);
    },
  );

  it('answers 409 when the devstack runs on a clock it cannot move', async () => {
    const { router } = await routed(systemClock);

    const answer = await router.handle(request('POST', '{"advanceSeconds": 60}'));

    expect(answer.status).toBe(409);
    expect(json(answer.body)).toMatchObject({ type: 'urn:tessera:problem:clock-not-movable', status: 409 });
  });

  it('answers 405 with Allow for another method', async () => {
    const { router } = await routed();

    const answer = await router.handle(request('PUT', '{"advanceSeconds": 60}'));

    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD, POST');
  });
});
