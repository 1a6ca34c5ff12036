/**
 * The notifications benchmark, on the devstack's WebSocket gateway: the time from
 * `POST /v1/bookings` to `booking.created` and to `booking.confirmed` on the owner's socket beside
 * the same booking's events on the bus (`bench/metrics/notifications-latency.ts`); then the fan-out
 * of one booking to 200 open sockets, one user's and a room's followers', and the devstack's memory
 * with none and with 200 open (`bench/metrics/notifications-fanout.ts`). The devstack runs in a
 * child process (`bench/processes/saga-devstack.ts`, the payments part's) on a fresh data folder,
 * over the bundles measured, and is stopped (Java included) when the part ends, fails, or the
 * bench is interrupted. `npm run bench` runs it as its `notifications` step;
 * `npm run bench:notifications` runs it alone and prints the report's section.
 *
 * Usage: npx tsx bench/notifications.ts [--bookings=100] [--concurrency=10] [--sockets=200]
 *        [--follower-users=200] [--rounds=5] [--json=<file>] [--out=<file>]
 *
 * `--concurrency=0` skips the concurrent variant; `--sockets=0` the fan-out and the memory.
 * `--json` writes the notifications results alone; `--out` writes them as
 * `npm run bench -- --only=notifications --out=<file>` does.
 */
import { describeEnvironment } from './lib/environment.ts';
import { argument, endedEnvironment, isMain, runPart } from './lib/part.ts';
import type { MemoryReading, NotificationsResults } from './lib/results.ts';
import { BENCH_ADMIN, withSagaDevstack } from './lib/saga-devstack.ts';

interface NotificationsOptions {
  /** Bookings timed one at a time, and again in batches. */
  readonly bookings: number;
  /** Bookings at once in the concurrent variant (one per user, 10 users); 0 skips it. */
  readonly concurrency: number;
  /** Sockets open in each fan-out scenario; 0 skips the fan-out and the memory. */
  readonly sockets: number;
  /** Users whose connections follow the room (the sockets spread over them in turn). */
  readonly followerUsers: number;
  /** Measured bookings of each fan-out scenario. */
  readonly rounds: number;
  readonly dist?: string;
  readonly log: (line: string) => void;
}

const ADMIN = BENCH_ADMIN;
const USERS = 10;

/**
 * The latency, then the fan-out and the memory, on one devstack.
 *
 * @example
 * const notifications = await measureNotifications({ bookings: 100, concurrency: 10, sockets: 200, followerUsers: 200, rounds: 5, log: console.log });
 */
const measureNotifications = async (options: NotificationsOptions): Promise<NotificationsResults> => {
  const environment = describeEnvironment();
  const startedAt = new Date().toISOString();
  const { prepareCast } = await import('./metrics/notifications-cast.ts');
  const { measureNotificationsLatency } = await import('./metrics/notifications-latency.ts');
  const { measureFanOut, readMemory } = await import('./metrics/notifications-fanout.ts');
  return withSagaDevstack(
    {
      label: 'notifications',
      dist: options.dist,
      // gc() for the memory readings: each starts with a full collection of the main thread's heap.
      env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() },
    },
    async (devstack) => {
      const cast = await prepareCast(devstack.api, ADMIN, { rooms: 6, users: USERS, label: 'notify' });
      const memory: MemoryReading[] = [];
      if (options.sockets > 0) {
        memory.push(
          await readMemory(
            devstack.api,
            devstack.controlUrl,
            devstack.pid,
            'no sockets yet (after the setup)',
          ),
        );
      }
      const latency = await measureNotificationsLatency({
        ...devstack,
        cast,
        bookings: options.bookings,
        concurrency: options.concurrency,
        warmup: 5,
        pauseMs: 100,
        timeoutMs: 30_000,
        log: options.log,
      });
      const fanned =
        options.sockets > 0
          ? await measureFanOut(
              {
                ...devstack,
                cast,
                sockets: options.sockets,
                followerUsers: options.followerUsers,
                rounds: options.rounds,
                warmupRounds: 1,
                pauseMs: 300,
                timeoutMs: 30_000,
                openConcurrency: 8,
                log: options.log,
              },
              devstack.pid,
            )
          : { fanOut: [], memory: [] };
      return {
        environment: endedEnvironment(environment),
        startedAt,
        latency,
        fanOut: fanned.fanOut,
        memory: [...memory, ...fanned.memory],
      };
    },
  );
};

const whole = (name: string, fallback: number) => {
  const text = argument(name);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
};

const main = async () => {
  const sockets = whole('sockets', 200);
  await runPart(
    'notifications',
    () =>
      measureNotifications({
        bookings: Math.max(1, whole('bookings', 100)),
        concurrency: whole('concurrency', 10),
        sockets,
        followerUsers: Math.max(1, whole('follower-users', sockets)),
        rounds: Math.max(1, whole('rounds', 5)),
        log: console.log,
      }),
    async () => (await import('./report/markdown.ts')).notificationsSection,
  );
};

if (isMain(import.meta.url)) await main();

export type { NotificationsOptions };
export { measureNotifications };
