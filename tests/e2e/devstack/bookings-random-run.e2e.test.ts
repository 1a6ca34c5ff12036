/**
 * A seeded random run against one room: a few hundred creates (some with an Idempotency-Key, some
 * of them retried), cancels and reschedules from several users, eight at a time, then the bookings
 * table itself is read: no two live bookings of the room overlap, every 201 is a booking the table
 * holds (and it holds no booking nobody was told of), every cancelled one stays cancelled, and the
 * room's availability is exactly the union of its live bookings.
 *
 * The seed is printed; `TESSERA_RACE_SEED=<seed>` replays a run (the interleaving aside),
 * `TESSERA_RACE_OPS` changes its length.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../../packages/client/src/index.ts';
import {
  at,
  type Booking,
  book,
  call,
  createRoom,
  LIVE,
  listAll,
  merged,
  overlapping,
  plus,
  raceCast,
  storedBookingsOf,
} from '../../support/bookings.ts';
import type { Account } from '../../support/e2e.ts';

const SEED = Number(process.env.TESSERA_RACE_SEED ?? 20261203);
const OPS = Number(process.env.TESSERA_RACE_OPS ?? 300);
const CONCURRENCY = 8;
const USERS = 4;

/** mulberry32: a small seeded generator of floats in [0, 1). */
const generator = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

let admin: string;
let provider: Account;
let users: Account[];

beforeAll(async () => {
  ({ admin, provider, users } = await raceCast('random', USERS));
}, 60_000);

interface Known {
  readonly id: string;
  readonly owner: Account;
}

interface Keyed {
  readonly owner: Account;
  readonly key: string;
  readonly body: Parameters<typeof book>[1];
  readonly id: string;
}

describe(`A random run of creates, cancels and reschedules (seed ${SEED}, ${OPS} requests)`, () => {
  it('ends with no two live bookings overlapping in the table, and every 201 a stored booking', async () => {
    console.log(`random run: seed ${SEED}, ${OPS} requests (replay with TESSERA_RACE_SEED=${SEED})`);
    const room = await createRoom(provider);
    const random = generator(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    // Two days of 15-minute starts, 15 minutes to 3 hours long: many collide, some cross midnight.
    const interval = () => {
      const startTime = plus(at(3, 0), 15 * Math.floor(random() * 2 * 96));
      return { startTime, endTime: plus(startTime, 15 * (1 + Math.floor(random() * 12))) };
    };

    const created = new Map<string, Known>();
    const keyed: Keyed[] = [];
    const cancelled = new Set<string>();
    const outcomes = new Map<string, number>();
    const failures: string[] = [];
    const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    const expectStatus = async (what: string, response: Response, allowed: number[]) => {
      const body = (await response.json()) as Record<string, unknown>;
      count(
        `${what} ${response.status}${response.status >= 400 ? ` ${String(body.type).split(':').pop()}` : ''}`,
      );
      if (!allowed.includes(response.status))
        failures.push(`${what} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
      return body;
    };

    const operation = async () => {
      const draw = random();
      const known = [...created.values()];
      if (draw < 0.5 || known.length === 0) {
        const owner = pick(users);
        const body = { roomId: room.id, ...interval() };
        const key = random() < 0.2 ? `random-${randomUUID()}` : undefined;
        const response = await book(owner, body, key ? { 'idempotency-key': key } : {});
        const answer = await expectStatus('create', response, [201, 409]);
        if (response.status === 201) {
          created.set(String(answer.id), { id: String(answer.id), owner });
          if (key) keyed.push({ owner, key, body, id: String(answer.id) });
        }
      } else if (draw < 0.55 && keyed.length > 0) {
        const retry = pick(keyed);
        const response = await book(retry.owner, retry.body, { 'idempotency-key': retry.key });
        const answer = await expectStatus('retry', response, [201]);
        if (answer.id !== retry.id || response.headers.get('idempotent-replayed') !== 'true')
          failures.push(`a retry of ${retry.id} answered ${String(answer.id)}, not replayed`);
      } else if (draw < 0.75) {
        const target = pick(known);
        const response = await call(target.owner, 'POST', `/v1/bookings/${target.id}/cancel`);
        const answer = await expectStatus('cancel', response, [200]);
        if (response.status === 200) {
          cancelled.add(target.id);
          if (answer.status !== 'CANCELLED')
            failures.push(`cancel of ${target.id} answered ${String(answer.status)}`);
        }
      } else {
        const target = pick(known);
        const response = await call(target.owner, 'PATCH', `/v1/bookings/${target.id}`, interval());
        await expectStatus('reschedule', response, [200, 409]);
      }
    };

    // Act: OPS requests, CONCURRENCY at a time.
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < OPS) {
          next++;
          await operation();
        }
      }),
    );
    const ms = Math.round(performance.now() - started);
    const summary = [...outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([what, n]) => `${what}: ${n}`);
    console.log(`random run: ${OPS} requests in ${ms} ms; ${summary.join(', ')}`);

    // Assess, against the table.
    expect(failures).toEqual([]);
    const stored = await storedBookingsOf(room.id);
    const live = stored.filter((b) => LIVE.has(b.status));
    const overlaps = live.flatMap((a, i) =>
      live
        .slice(i + 1)
        .flatMap((b) =>
          overlapping(a, b)
            ? [`${a.id} ${a.startTime}-${a.endTime} / ${b.id} ${b.startTime}-${b.endTime}`]
            : [],
        ),
    );
    expect(overlaps).toEqual([]);
    expect(stored.map((b) => b.id).sort()).toEqual([...created.keys()].sort());
    expect(stored.filter((b) => cancelled.has(b.id)).map((b) => b.status)).toEqual(
      [...cancelled].map(() => 'CANCELLED'),
    );
    expect(live.length).toBeGreaterThan(0);
    expect(cancelled.size).toBeGreaterThan(0);

    // What the API says agrees with the table.
    const listed = await listAll(admin, `roomId=${room.id}`);
    const statusOf = (items: readonly { id: string; status: string }[]) =>
      Object.fromEntries(items.map((b) => [b.id, b.status]));
    expect(statusOf(listed)).toEqual(statusOf(stored));
    const availability = (await (
      await call(admin, 'GET', `/v1/rooms/${room.id}/availability?from=${at(2, 0)}&to=${at(6, 0)}`)
    ).json()) as Schemas['Availability'];
    expect(availability.busy).toEqual(merged(live));
    expect(listed.every((b: Booking) => b.roomId === room.id)).toBe(true);
  }, 180_000);
});
