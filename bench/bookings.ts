/**
 * The bookings benchmark: the DynamoDB capacity of every rooms and bookings operation at 1,000 and
 * 50,000 bookings, through the bookings bundle (`bench/metrics/bookings-capacity.ts`), and the
 * 50-way race on the devstack (`bench/metrics/bookings-race.ts`). `npm run bench` runs it as its
 * `bookings` step; `npm run bench:bookings` runs it alone and prints the report's section.
 *
 * Usage: npx tsx bench/bookings.ts [--sizes=1000,50000] [--rounds=5] [--no-race] [--json=<file>] [--out=<file>]
 *
 * `--json` writes the bookings results alone; `--out` writes them as `npm run bench --
 * --only=bookings --out=<file>` does, a partial run's results file (`bench/results/...`) with the
 * machine and tree it ran on.
 */
import { BOOKING_WRITE_GOAL } from './lib/budgets.ts';
import { describeEnvironment } from './lib/environment.ts';
import { argument, finishPart, isMain } from './lib/part.ts';
import type { BookingsResults } from './lib/results.ts';

const RACE_REQUESTS = 50;
const RACE_USERS = 10;

/**
 * Measures the bookings capacity at every size, then the race, one after the other.
 *
 * @example
 * const bookings = await measureBookings({ sizes: [1000, 50000], raceRounds: 5, log: console.log });
 */
const measureBookings = async (options: {
  readonly sizes: readonly number[];
  readonly raceRounds: number;
  readonly dist?: string;
  readonly log: (line: string) => void;
}): Promise<BookingsResults> => {
  const { measureBookingCapacity } = await import('./metrics/bookings-capacity.ts');
  const capacity = await measureBookingCapacity({
    sizes: options.sizes,
    ...(options.dist ? { dist: options.dist } : {}),
    log: options.log,
  });
  if (options.raceRounds === 0) return { writeGoal: BOOKING_WRITE_GOAL, capacity };
  const { measureRace } = await import('./metrics/bookings-race.ts');
  const race = await measureRace({
    ...(options.dist ? { dist: options.dist } : {}),
    rounds: options.raceRounds,
    requests: RACE_REQUESTS,
    users: RACE_USERS,
    log: options.log,
  });
  return { writeGoal: BOOKING_WRITE_GOAL, capacity, race };
};

const main = async () => {
  const sizes = (argument('sizes') ?? '1000,50000').split(',').map(Number);
  const raceRounds = process.argv.includes('--no-race') ? 0 : Number(argument('rounds') ?? 5);
  const startedAt = new Date().toISOString();
  const environment = describeEnvironment();
  const started = performance.now();
  const bookings = await measureBookings({ sizes, raceRounds, log: console.log });
  const { bookingsSection } = await import('./report/markdown.ts');
  finishPart(
    'bookings',
    { startedAt, environment, durationMs: Math.round(performance.now() - started), results: bookings },
    bookingsSection,
  );
};

if (isMain(import.meta.url)) await main();

export { measureBookings };
