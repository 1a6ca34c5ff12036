/**
 * The 50-way race on the devstack (over the bundles measured): 50 concurrent `POST /v1/bookings`
 * through its HTTP gateway (the users authorizer, the bookings function's worker, DynamoDB Local),
 * in two scenarios, several rounds each, every round on a day of its own:
 *
 * - **overlapping**: 50 intervals of one room that all overlap one another (10:00 + i minutes, an
 *   hour long): exactly one may win, 1 × 201 and 49 × 409 expected;
 * - **disjoint**: 50 disjoint intervals of one room on one day (06:00 + 16·i minutes, 15 minutes
 *   long, a minute apart): all may win, 50 × 201 expected; all of them write the same calendar
 *   day, but each only the cells and hours it needs, under conditions on those alone.
 *
 * Each round reports its wall time (the first request sent to the last answer), requests per second,
 * the answers by status and their latency, and the room's busy intervals that day afterwards, read
 * through the API: as many as there were 201s, or a double booking happened. The requests come from
 * a few users registered through the API, in turn; the room is a bootstrap admin's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBenchChild } from '../lib/children.ts';
import type { RaceResults, RaceRound } from '../lib/results.ts';
import { summarize } from '../lib/stats.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const PASSWORD = 'correct horse battery staple';

interface RaceOptions {
  /** The bundles the devstack runs (`dist/` unless told). */
  readonly dist?: string;
  readonly rounds: number;
  readonly requests: number;
  readonly users: number;
  readonly log: (line: string) => void;
}

const call = async (
  url: string,
  init: { method: string; token?: string; body?: unknown; query?: Record<string, string> },
) => {
  const target = new URL(url);
  for (const [name, value] of Object.entries(init.query ?? {})) target.searchParams.set(name, value);
  const response = await fetch(target, {
    method: init.method,
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

const expectOk = async (what: string, answer: Promise<{ status: number; body: Record<string, unknown> }>) => {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
  return body;
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Runs the race rounds on a devstack started for them (fresh data folder, a bootstrap admin).
 *
 * @example
 * const race = await measureRace({ rounds: 5, requests: 50, users: 10, log: console.log });
 */
const measureRace = async (options: RaceOptions): Promise<RaceResults> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-race-'));
  const admin = { email: 'bench-admin@example.com', password: PASSWORD };
  const child = spawnBenchChild('devstack', {
    BENCH_DATA_DIR: dataDir,
    BENCH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
    BENCH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    ...(options.dist ? { BENCH_DIST_DIR: options.dist } : {}),
  });
  try {
    const { message } = await child.ready;
    const api = String(message.httpUrl);
    const login = async (credentials: { email: string; password: string }) =>
      String(
        (
          await expectOk(
            'POST /v1/auth/login',
            call(`${api}/v1/auth/login`, { method: 'POST', body: credentials }),
          )
        ).accessToken,
      );
    const adminToken = await login(admin);
    const room = await expectOk(
      'POST /v1/rooms',
      call(`${api}/v1/rooms`, {
        method: 'POST',
        token: adminToken,
        body: { name: 'The race room', type: 'meeting', capacity: 12, pricePerHour: 4000, currency: 'EUR' },
      }),
    );
    const roomId = String(room.id);
    const tokens: string[] = [];
    for (let i = 0; i < options.users; i++) {
      const credentials = { email: `racer-${i}-${Date.now()}@example.com`, password: PASSWORD };
      await expectOk(
        'POST /v1/auth/register',
        call(`${api}/v1/auth/register`, { method: 'POST', body: { ...credentials, name: `Racer ${i}` } }),
      );
      tokens.push(await login(credentials));
    }
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const book = (i: number, start: number, minutes: number) =>
      call(`${api}/v1/bookings`, {
        method: 'POST',
        token: tokens[i % tokens.length] as string,
        body: { roomId, startTime: iso(start), endTime: iso(start + minutes * MINUTE_MS) },
      });
    const busyOn = async (day: number) =>
      (
        (
          await expectOk(
            'GET /v1/rooms/{id}/availability',
            call(`${api}/v1/rooms/${roomId}/availability`, {
              method: 'GET',
              token: adminToken,
              query: { from: iso(day), to: iso(day + DAY_MS) },
            }),
          )
        ).busy as unknown[]
      ).length;

    // Warm-up, unmeasured: the first requests load the functions and open connections.
    const warmDay = today + 100 * DAY_MS;
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => book(i, warmDay + (6 * 60 + 20 * i) * MINUTE_MS, 15)),
    );
    await busyOn(warmDay);

    const rounds: RaceRound[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of ['overlapping', 'disjoint'] as const) {
        const day = today + (scenario === 'overlapping' ? 20 : 40 + options.rounds) * DAY_MS + round * DAY_MS;
        const startOf = (i: number) =>
          scenario === 'overlapping' ? day + (10 * 60 + i) * MINUTE_MS : day + (6 * 60 + 16 * i) * MINUTE_MS;
        const minutes = scenario === 'overlapping' ? 60 : 15;
        const latencies: number[] = [];
        const started = performance.now();
        const answers = await Promise.all(
          Array.from({ length: options.requests }, async (_, i) => {
            const sent = performance.now();
            try {
              const { status } = await book(i, startOf(i), minutes);
              return String(status);
            } catch {
              return 'error';
            } finally {
              latencies.push(performance.now() - sent);
            }
          }),
        );
        const wallMs = performance.now() - started;
        const statuses: Record<string, number> = {};
        for (const status of answers) statuses[status] = (statuses[status] ?? 0) + 1;
        const won = statuses['201'] ?? 0;
        const busyAfter = await busyOn(day);
        const expected =
          busyAfter === won &&
          (scenario === 'overlapping'
            ? won === 1 && statuses['409'] === options.requests - 1
            : won === options.requests);
        rounds.push({
          scenario,
          round,
          requests: options.requests,
          wallMs,
          requestsPerSecond: options.requests / (wallMs / 1000),
          statuses,
          latencyMs: summarize(latencies),
          busyAfter,
          expected,
        });
        options.log(
          `  race ${scenario} round ${round}: ${Math.round(wallMs)} ms, ${(options.requests / (wallMs / 1000)).toFixed(1)} req/s, ${Object.entries(
            statuses,
          )
            .map(([status, count]) => `${count}×${status}`)
            .join(' ')}, ${busyAfter} busy${expected ? '' : ' (NOT as expected)'}`,
        );
      }
    }
    return { requests: options.requests, users: options.users, rounds };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export { measureRace };
