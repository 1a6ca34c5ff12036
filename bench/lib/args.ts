/**
 * Command-line options of `npm run bench`.
 *
 * --only=size,cold,warm,capacity,bookings,payments,notifications,schedules,observability,load,start,cost   a subset (the rest is kept from the same day's file)
 * --dist=<dir>          the bundles to measure (size, cold, warm, capacity, bookings, payments, notifications, schedules, observability's functions); default dist/
 * --compare=<dir>       other bundles measured beside them in the same run (size and cold init), as `before`
 * --label=<name>        the run's label; default `current`
 * --out=<file>          where the results go; default bench/results/<YYYY-MM-DD>.json
 * --before=<file>       the before run the report compares with; default bench/results/before.json
 * --no-report           do not rewrite docs/PERFORMANCE.md (the default when --dist or --out is given)
 * --report              rewrite it anyway
 * --no-npm-test         skip timing `npm test` (it rebuilds dist/)
 * --render-only         measure nothing: rewrite the report from the results file (--out)
 * --cold-runs=N, --warm-rounds=N (of 200 requests each), --load-seconds=N, --capacity-sizes=1000,50000, --start-runs=N
 * --bookings-sizes=1000,50000, --race-rounds=N (of the 50-way race; 0 skips it)
 * --payments-bookings=N (of each kind, one at a time and again at once; default 100), --payments-concurrency=N (0 skips the concurrent variant; default 10)
 * --notifications-bookings=N (one at a time and again at once; default 100), --notifications-concurrency=N (0 skips; default 10),
 * --notifications-sockets=N (open in each fan-out scenario, and for the memory; 0 skips them; default 200)
 * --schedules-count=N (one-time schedules timed; default 100), --schedules-reminders=N (real reminders end to end; 0 skips them; default 10)
 * --observability-runs=N (cold runs of each entry; default 30), --observability-warm-rounds=N (warm processes of each; default 5)
 */
import { isAbsolute, join, resolve } from 'node:path';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import { METRICS, type MetricName } from './results.ts';

interface BenchOptions {
  readonly only: readonly MetricName[];
  readonly complete: boolean;
  readonly dist: string;
  readonly compare?: string;
  readonly label: string;
  readonly out: string;
  readonly before: string;
  readonly report: boolean;
  readonly npmTest: boolean;
  readonly renderOnly: boolean;
  readonly coldRuns: number;
  readonly warmRounds: number;
  readonly loadSeconds: number;
  readonly capacitySizes: readonly number[];
  readonly bookingsSizes: readonly number[];
  readonly raceRounds: number;
  readonly paymentsBookings: number;
  readonly paymentsConcurrency: number;
  readonly notificationsBookings: number;
  readonly notificationsConcurrency: number;
  readonly notificationsSockets: number;
  readonly schedulesCount: number;
  readonly schedulesReminders: number;
  readonly observabilityRuns: number;
  readonly observabilityWarmRounds: number;
  readonly startRuns: number;
  readonly date: string;
}

const value = (args: readonly string[], name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const path = (p: string) => (isAbsolute(p) ? p : resolve(repoRoot, p));

const positive = (text: string | undefined, fallback: number, name: string) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
};

/**
 * Parses the options; throws with a message naming a bad one.
 *
 * @example
 * parseOptions(['--only=size,cold', '--dist=/tmp/dist'])
 */
const parseOptions = (args: readonly string[]): BenchOptions => {
  const known = [
    'only',
    'dist',
    'compare',
    'label',
    'out',
    'before',
    'cold-runs',
    'warm-rounds',
    'load-seconds',
    'capacity-sizes',
    'bookings-sizes',
    'race-rounds',
    'payments-bookings',
    'payments-concurrency',
    'notifications-bookings',
    'notifications-concurrency',
    'notifications-sockets',
    'schedules-count',
    'schedules-reminders',
    'observability-runs',
    'observability-warm-rounds',
    'start-runs',
  ];
  for (const arg of args) {
    const name = arg.replace(/^--/, '').split('=')[0] ?? '';
    if (!known.includes(name) && !['report', 'no-report', 'no-npm-test', 'render-only'].includes(name)) {
      throw new Error(`Unknown option ${arg}`);
    }
  }
  const onlyText = value(args, 'only');
  const only = (onlyText ? onlyText.split(',') : [...METRICS]).map((m) => m.trim());
  const unknown = only.filter((m) => !(METRICS as readonly string[]).includes(m));
  if (unknown.length) throw new Error(`--only knows ${METRICS.join(', ')}; not ${unknown.join(', ')}`);
  const date = new Date().toISOString().slice(0, 10);
  const distText = value(args, 'dist');
  const outText = value(args, 'out');
  const report = args.includes('--report') || (!args.includes('--no-report') && !distText && !outText);
  return {
    only: METRICS.filter((m) => only.includes(m)),
    complete: only.length === METRICS.length,
    dist: path(distText ?? 'dist'),
    ...(value(args, 'compare') ? { compare: path(value(args, 'compare') as string) } : {}),
    label: value(args, 'label') ?? 'current',
    out: path(outText ?? join('bench', 'results', `${date}.json`)),
    before: path(value(args, 'before') ?? join('bench', 'results', 'before.json')),
    report,
    npmTest: !args.includes('--no-npm-test'),
    renderOnly: args.includes('--render-only'),
    coldRuns: positive(value(args, 'cold-runs'), 40, 'cold-runs'),
    warmRounds: positive(value(args, 'warm-rounds'), 20, 'warm-rounds'),
    loadSeconds: positive(value(args, 'load-seconds'), 20, 'load-seconds'),
    capacitySizes: (value(args, 'capacity-sizes') ?? '1000,50000')
      .split(',')
      .map((s) => positive(s, 0, 'capacity-sizes')),
    bookingsSizes: (value(args, 'bookings-sizes') ?? '1000,50000')
      .split(',')
      .map((s) => positive(s, 0, 'bookings-sizes')),
    raceRounds:
      value(args, 'race-rounds') === '0' ? 0 : positive(value(args, 'race-rounds'), 5, 'race-rounds'),
    paymentsBookings: positive(value(args, 'payments-bookings'), 100, 'payments-bookings'),
    paymentsConcurrency:
      value(args, 'payments-concurrency') === '0'
        ? 0
        : positive(value(args, 'payments-concurrency'), 10, 'payments-concurrency'),
    notificationsBookings: positive(value(args, 'notifications-bookings'), 100, 'notifications-bookings'),
    notificationsConcurrency:
      value(args, 'notifications-concurrency') === '0'
        ? 0
        : positive(value(args, 'notifications-concurrency'), 10, 'notifications-concurrency'),
    notificationsSockets:
      value(args, 'notifications-sockets') === '0'
        ? 0
        : positive(value(args, 'notifications-sockets'), 200, 'notifications-sockets'),
    schedulesCount: positive(value(args, 'schedules-count'), 100, 'schedules-count'),
    schedulesReminders:
      value(args, 'schedules-reminders') === '0'
        ? 0
        : positive(value(args, 'schedules-reminders'), 10, 'schedules-reminders'),
    observabilityRuns: positive(value(args, 'observability-runs'), 30, 'observability-runs'),
    observabilityWarmRounds: positive(
      value(args, 'observability-warm-rounds'),
      5,
      'observability-warm-rounds',
    ),
    startRuns: positive(value(args, 'start-runs'), 3, 'start-runs'),
    date,
  };
};

export type { BenchOptions };
export { parseOptions };
