/**
 * The payments benchmark: the time from `POST /v1/bookings` to `CONFIRMED` on the devstack beside
 * the bus path alone (`bench/metrics/payments-latency.ts`), then what one confirmed booking asks of
 * AWS, counted on a second devstack behind the bench's AWS stand-in
 * (`bench/metrics/payments-requests.ts`), and its price per million (`confirmedBookingCost`,
 * `bench/metrics/cost.ts`). Each devstack runs in a child process (`bench/processes/saga-devstack.ts`)
 * on a fresh data folder, over the bundles measured, and is stopped (Java included) when its part
 * ends, fails, or the bench is interrupted. `npm run bench` runs it as its `payments` step;
 * `npm run bench:payments` runs it alone and prints the report's section.
 *
 * Usage: npx tsx bench/payments.ts [--bookings=100] [--concurrency=10] [--count=10] [--json=<file>] [--out=<file>]
 *
 * `--concurrency=0` skips the concurrent variant, `--count=0` the counting (and the cost). `--json`
 * writes the payments results alone; `--out` writes them as `npm run bench -- --only=payments
 * --out=<file>` does, a partial run's results file with the machine and tree it ran on.
 */
import { describeEnvironment } from './lib/environment.ts';
import { argument, endedEnvironment, isMain, runPart } from './lib/part.ts';
import type { PaymentsResults } from './lib/results.ts';
import { BENCH_ADMIN, withSagaDevstack } from './lib/saga-devstack.ts';

interface PaymentsOptions {
  /** Bookings of each kind (confirmed, baseline) in each mode. */
  readonly bookings: number;
  /** Bookings at once in the concurrent variant; 0 skips it. */
  readonly concurrency: number;
  /** Confirmed bookings whose calls are counted for the cost; 0 skips the counting. */
  readonly count: number;
  readonly dist?: string;
  readonly log: (line: string) => void;
}

const ADMIN = BENCH_ADMIN;

/**
 * The latency on one devstack, then the counting on another, then the cost.
 *
 * @example
 * const payments = await measurePayments({ bookings: 100, concurrency: 10, count: 10, log: console.log });
 */
const measurePayments = async (options: PaymentsOptions): Promise<PaymentsResults> => {
  const environment = describeEnvironment();
  const startedAt = new Date().toISOString();
  const { measurePaymentsLatency } = await import('./metrics/payments-latency.ts');
  const latency = await withSagaDevstack({ label: 'payments', dist: options.dist }, ({ api, controlUrl }) =>
    measurePaymentsLatency({
      api,
      controlUrl,
      admin: ADMIN,
      bookings: options.bookings,
      concurrency: options.concurrency,
      sequentialPollMs: 5,
      concurrentPollMs: 10,
      warmup: 5,
      pauseMs: 100,
      timeoutMs: 30_000,
      log: options.log,
    }),
  );
  let counted: Pick<PaymentsResults, 'requests' | 'cost'> = {};
  if (options.count > 0) {
    const { measureSagaRequests } = await import('./metrics/payments-requests.ts');
    const { confirmedBookingCost } = await import('./metrics/cost.ts');
    const requests = await withSagaDevstack(
      { label: 'payments', dist: options.dist, env: { BENCH_COUNT_CALLS: '1' } },
      ({ api, controlUrl }) =>
        measureSagaRequests({
          api,
          controlUrl,
          admin: ADMIN,
          bookings: options.count,
          warmup: 2,
          idleMs: 1000,
          settleMs: 500,
          timeoutMs: 30_000,
          log: options.log,
        }),
    );
    counted = { requests, cost: confirmedBookingCost(requests) };
  }
  return {
    environment: endedEnvironment(environment),
    startedAt,
    latency,
    ...counted,
  };
};

const whole = (name: string, fallback: number) => {
  const text = argument(name);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
};

const main = async () => {
  await runPart(
    'payments',
    () =>
      measurePayments({
        bookings: Math.max(1, whole('bookings', 100)),
        concurrency: whole('concurrency', 10),
        count: whole('count', 10),
        log: console.log,
      }),
    async () => (await import('./report/markdown.ts')).paymentsSection,
  );
};

if (isMain(import.meta.url)) await main();

export type { PaymentsOptions };
export { measurePayments };
