/**
 * The schedules benchmark, for issue 13's closing figures: how exactly the devstack fires one-time
 * schedules (scheduled vs fired, over 100 made with `@aws-sdk/client-scheduler`, beside a plain
 * `setTimeout` of the devstack's process for the same due times and the function invoked directly:
 * `bench/metrics/schedules-exactness.ts`), real reminders end to end (confirmed bookings whose
 * reminder comes due, from the due time to `booking.reminder` on the bus and on the owner's socket:
 * `bench/metrics/schedules-reminders.ts`), then what one reminder asks of AWS, counted on a second
 * devstack behind the bench's AWS stand-in, and its price per million (`reminderCost`,
 * `bench/metrics/cost.ts`). Each devstack runs in a child process (`bench/processes/saga-devstack.ts`)
 * on a fresh data folder, over the bundles measured, on the ticking clock (never advanced), and is
 * stopped when its part ends, fails, or the bench is interrupted. `npm run bench` runs it as its
 * `schedules` step; `npm run bench:schedules` runs it alone and prints the report's section.
 *
 * Usage: npx tsx bench/schedules.ts [--schedules=100] [--reminders=10] [--count=1] [--json=<file>] [--out=<file>]
 *
 * `--reminders=0` skips the reminders, `--count=0` the counting (and the cost).
 */
import { describeEnvironment } from './lib/environment.ts';
import { argument, endedEnvironment, isMain, runPart } from './lib/part.ts';
import type { SchedulesResults } from './lib/results.ts';
import { BENCH_ADMIN, withSagaDevstack } from './lib/saga-devstack.ts';

interface SchedulesOptions {
  /** Schedules made and timed. */
  readonly schedules: number;
  /** Real reminders timed end to end (0 skips them). */
  readonly reminders: number;
  /** Whether one reminder's calls are counted for the cost. */
  readonly count: boolean;
  readonly dist?: string;
  readonly log: (line: string) => void;
}

/** The lead the devstacks' bookings function runs with: the shipped default, given explicitly. */
const LEAD_SECONDS = 600;

/**
 * The exactness and the reminders on one devstack, then the counting on another, then the cost.
 *
 * @example
 * const schedules = await measureSchedules({ schedules: 100, reminders: 10, count: true, log: console.log });
 */
const measureSchedules = async (options: SchedulesOptions): Promise<SchedulesResults> => {
  const environment = describeEnvironment();
  const startedAt = new Date().toISOString();
  const { measureExactness } = await import('./metrics/schedules-exactness.ts');
  const { countReminderRequests, measureReminderPath } = await import('./metrics/schedules-reminders.ts');
  const env = { BENCH_SETTINGS: JSON.stringify({ reminder_lead_seconds: String(LEAD_SECONDS) }) };
  const measured = await withSagaDevstack(
    { label: 'schedules', dist: options.dist, env },
    async (devstack) => {
      const exactness = await measureExactness({
        controlUrl: devstack.controlUrl,
        api: devstack.api,
        schedulerEndpoint: devstack.schedulerEndpoint,
        schedules: options.schedules,
        leadSeconds: 20,
        spreadSeconds: 20,
        createConcurrency: 8,
        directInvokes: 20,
        timeoutMs: 30_000,
        log: options.log,
      });
      const reminders =
        options.reminders > 0
          ? await measureReminderPath(
              {
                ...devstack,
                admin: BENCH_ADMIN,
                leadSeconds: LEAD_SECONDS,
                minWaitMs: 10_000,
                timeoutMs: 30_000,
                log: options.log,
              },
              options.reminders,
            )
          : undefined;
      return { exactness, ...(reminders ? { reminders } : {}) };
    },
  );
  let counted: Pick<SchedulesResults, 'requests' | 'cost'> = {};
  if (options.count) {
    const { reminderCost } = await import('./metrics/cost.ts');
    const requests = await withSagaDevstack(
      { label: 'schedules', dist: options.dist, env: { ...env, BENCH_COUNT_CALLS: '1' } },
      (devstack) =>
        countReminderRequests(
          {
            ...devstack,
            admin: BENCH_ADMIN,
            leadSeconds: LEAD_SECONDS,
            minWaitMs: 10_000,
            timeoutMs: 30_000,
            log: options.log,
          },
          { idleMs: 1000, settleMs: 500 },
        ),
    );
    counted = { requests, cost: reminderCost(requests) };
  }
  return { environment: endedEnvironment(environment), startedAt, ...measured, ...counted };
};

const whole = (name: string, fallback: number) => {
  const text = argument(name);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
};

const main = async () => {
  await runPart(
    'schedules',
    () =>
      measureSchedules({
        schedules: Math.max(1, whole('schedules', 100)),
        reminders: whole('reminders', 10),
        count: whole('count', 1) > 0,
        log: console.log,
      }),
    async () => (await import('./report/markdown.ts')).schedulesSection,
  );
};

if (isMain(import.meta.url)) await main();

export type { SchedulesOptions };
export { measureSchedules };
