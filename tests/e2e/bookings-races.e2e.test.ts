/**
 * Bookings under concurrency, through the contract-checked API: 50 requests at once for
 * overlapping intervals of one room make exactly one booking; 50 at once for disjoint intervals of
 * one room and one day (all on one calendar item, the worst case) all succeed; reschedules, cancels,
 * bookings and deletions racing each other leave one winner and a calendar that agrees. The timings of the 50-way races are
 * printed. (`devstack/bookings-random-run.e2e.test.ts` checks a random run against the table.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../packages/client/src/index.ts';
import {
  at,
  type Booking,
  book,
  booked,
  call,
  createRoom,
  LIVE,
  listAll,
  merged,
  plus,
  raceCast,
} from '../support/bookings.ts';
import type { Account } from '../support/e2e.ts';

const USERS = 5;
const RACERS = 50;

let admin: string;
let provider: Account;
let users: Account[];

beforeAll(async () => {
  ({ admin, provider, users } = await raceCast('race', USERS));
}, 60_000);

const racer = (i: number) => users[i % USERS] as Account;

/**
 * Runs `requests` all at once; answers each status and body, and how long the whole race (its
 * slowest request) and its median request took.
 */
const race = async (requests: (() => Promise<Response>)[]) => {
  const started = performance.now();
  const latencies: number[] = [];
  const responses = await Promise.all(
    requests.map(async (request) => {
      const response = await request();
      latencies.push(performance.now() - started);
      return response;
    }),
  );
  const ms = Math.round(performance.now() - started);
  const answers = await Promise.all(
    responses.map(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    })),
  );
  latencies.sort((a, b) => a - b);
  const timing = `${ms} ms (median request ${Math.round(latencies[latencies.length >> 1] ?? 0)} ms)`;
  return { answers, timing };
};

const tally = (statuses: (number | string)[]) =>
  Object.fromEntries([...new Set(statuses)].sort().map((s) => [s, statuses.filter((x) => x === s).length]));

const busyOf = async (roomId: string, from: string, to: string) => {
  const response = await call(admin, 'GET', `/v1/rooms/${roomId}/availability?from=${from}&to=${to}`);
  return ((await response.json()) as Schemas['Availability']).busy;
};

describe('Bookings racing for one room', () => {
  it(`${RACERS} requests at once for overlapping intervals: exactly one 201 and ${RACERS - 1} 409s`, async () => {
    const room = await createRoom(provider);
    // [10:00 + i min, 11:00 + i min) for i < 50: every two of them overlap.
    const intervals = Array.from({ length: RACERS }, (_, i) => ({
      startTime: plus(at(3, 10), i),
      endTime: plus(at(3, 11), i),
    }));

    const { answers, timing } = await race(
      intervals.map((interval, i) => () => book(racer(i), { roomId: room.id, ...interval })),
    );
    const statuses = answers.map((a) => a.status);
    console.log(
      `race: ${RACERS} overlapping bookings of one room in ${timing}: ${JSON.stringify(tally(statuses))}`,
    );

    expect(tally(statuses)).toEqual({ 201: 1, 409: RACERS - 1 });
    const winner = answers.find((a) => a.status === 201)?.body as unknown as Booking;
    const interval = { startTime: winner.startTime, endTime: winner.endTime };
    for (const loser of answers.filter((a) => a.status === 409)) {
      expect(loser.body).toMatchObject({ type: 'urn:tessera:problem:booking-overlap', conflict: interval });
    }
    expect((await listAll(admin, `roomId=${room.id}`)).map((b) => b.id)).toEqual([winner.id]);
    expect(await busyOf(room.id, at(3, 0), at(4, 0))).toEqual([interval]);
  }, 60_000);

  it(`${RACERS} requests at once for ${RACERS} disjoint 15-minute slots of one day: all 201`, async () => {
    const room = await createRoom(provider);
    const slots = Array.from({ length: RACERS }, (_, i) => ({
      startTime: plus(at(3, 6), 15 * i),
      endTime: plus(at(3, 6), 15 * (i + 1)),
    }));

    const { answers, timing } = await race(
      slots.map((slot, i) => () => book(racer(i), { roomId: room.id, ...slot })),
    );
    const outcomes = answers.map((a) => (a.status === 201 ? '201' : `${a.status} ${String(a.body.type)}`));
    console.log(
      `race: ${RACERS} disjoint bookings of one room and day in ${timing}: ${JSON.stringify(tally(outcomes))}`,
    );

    // A 503 calendar-contended (or any other refusal) is a failure: disjoint bookings all get through.
    expect(tally(outcomes)).toEqual({ 201: RACERS });
    const listed = await listAll(admin, `roomId=${room.id}`);
    expect(listed.map((b) => b.startTime)).toEqual(slots.map((s) => s.startTime));
    expect(await busyOf(room.id, at(3, 0), at(4, 0))).toEqual([
      { startTime: at(3, 6), endTime: plus(at(3, 6), 15 * RACERS) },
    ]);
  }, 60_000);

  it(`${RACERS} requests at once for disjoint hours over ${RACERS} days: all 201`, async () => {
    const room = await createRoom(provider);
    const hours = Array.from({ length: RACERS }, (_, i) => ({
      startTime: at(3 + i, 9),
      endTime: at(3 + i, 10),
    }));

    const { answers, timing } = await race(
      hours.map((slot, i) => () => book(racer(i), { roomId: room.id, ...slot })),
    );
    const statuses = answers.map((a) => a.status);
    console.log(
      `race: ${RACERS} bookings of one room on ${RACERS} days in ${timing}: ${JSON.stringify(tally(statuses))}`,
    );

    expect(tally(statuses)).toEqual({ 201: RACERS });
    expect((await listAll(admin, `roomId=${room.id}`)).length).toBe(RACERS);
  }, 60_000);

  it('two reschedules and a new booking racing for one free interval: exactly one gets it', async () => {
    for (let round = 0; round < 5; round++) {
      const room = await createRoom(provider);
      const [first, second] = [
        await booked(racer(0), { roomId: room.id, startTime: at(3, 8), endTime: at(3, 9) }),
        await booked(racer(1), { roomId: room.id, startTime: at(3, 9), endTime: at(3, 10) }),
      ];
      const wanted = { startTime: at(3, 12), endTime: at(3, 13) };

      const answers = await Promise.all([
        call(racer(0), 'PATCH', `/v1/bookings/${first.id}`, wanted),
        call(racer(1), 'PATCH', `/v1/bookings/${second.id}`, wanted),
        book(racer(2), { roomId: room.id, ...wanted }),
      ]);

      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200 || s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(2);
      const live = (await listAll(admin, `roomId=${room.id}`)).filter((b) => LIVE.has(b.status));
      expect(live.filter((b) => b.startTime === wanted.startTime)).toHaveLength(1);
      const busy = await busyOf(room.id, at(3, 0), at(4, 0));
      expect(busy).toEqual(merged(live));
    }
  }, 60_000);

  it('a cancel racing a reschedule of the same booking leaves it cancelled with nothing held', async () => {
    for (let round = 0; round < 5; round++) {
      const room = await createRoom(provider);
      const booking = await booked(racer(round), { roomId: room.id, startTime: at(3, 8), endTime: at(3, 9) });

      const [cancel, move, cancelAgain] = await Promise.all([
        call(racer(round), 'POST', `/v1/bookings/${booking.id}/cancel`),
        call(racer(round), 'PATCH', `/v1/bookings/${booking.id}`, {
          startTime: at(3, 12),
          endTime: at(3, 13),
        }),
        call(racer(round), 'POST', `/v1/bookings/${booking.id}/cancel`),
      ]);

      expect([cancel.status, cancelAgain.status]).toEqual([200, 200]);
      expect([200, 409]).toContain(move.status);
      const stored = (await (await call(admin, 'GET', `/v1/bookings/${booking.id}`)).json()) as Booking;
      expect(stored.status).toBe('CANCELLED');
      expect(await busyOf(room.id, at(3, 0), at(4, 0))).toEqual([]);
      const history = (await (await call(admin, 'GET', `/v1/bookings/${booking.id}/history`)).json()) as {
        items: { action: string }[];
      };
      expect(history.items.filter((item) => item.action === 'cancelled')).toHaveLength(1);
    }
  }, 60_000);

  it('a deletion racing a booking: the room is either deleted with no live booking, or kept with it', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 10; round++) {
      const room = await createRoom(provider);
      const [booking, deletion] = await Promise.all([
        book(racer(round), { roomId: room.id, startTime: at(3, 10), endTime: at(3, 11) }),
        call(provider, 'DELETE', `/v1/rooms/${room.id}`),
      ]);
      outcomes.push(`${booking.status}/${deletion.status}`);
      const kept = (await call(admin, 'GET', `/v1/rooms/${room.id}`)).status;

      if (booking.status === 201) {
        expect(deletion.status).toBe(409);
        expect(kept).toBe(200);
      } else {
        expect(deletion.status).toBe(204);
        expect([409, 422]).toContain(booking.status);
        expect(kept).toBe(404);
        // The booker's own list (an admin's list by roomId reads through the room, gone now).
        const live = (await listAll(racer(round), `roomId=${room.id}`)).filter((b) => LIVE.has(b.status));
        expect(live).toEqual([]);
      }
    }
    console.log(`race: booking vs deletion, 10 rounds: ${JSON.stringify(tally(outcomes))}`);
  }, 60_000);
});
