/**
 * What a bench part run on its own (`npm run bench:bookings`, `npm run bench:payments`,
 * `npm run bench:notifications`, `npm run bench:schedules`, `npm run bench:observability`) does after
 * measuring: `--json=<file>` writes its results alone, `--out=<file>` writes them as a partial
 * results file (which `npm run bench -- --render-only --out=...` can render), and its report section
 * is printed.
 *
 * @example
 * await finishPart('payments', { startedAt, environment, durationMs, results: payments }, paymentsSection);
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { relative, resolve } from 'node:path';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import type { BenchResults, Environment } from './results.ts';

/** The value of `--<name>=<value>` on the command line. */
const argument = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

/** `environment` with the load average at the end of the run beside the one at its start. */
const endedEnvironment = (environment: Environment): Environment => ({
  ...environment,
  loadAverage: { start: environment.loadAverage?.start ?? 0, end: loadavg()[0] ?? 0 },
});

const finishPart = <P extends 'bookings' | 'payments' | 'notifications' | 'schedules' | 'observability'>(
  part: P,
  run: {
    readonly startedAt: string;
    readonly environment: Environment;
    readonly durationMs: number;
    readonly results: NonNullable<BenchResults[P]>;
  },
  section: (results: NonNullable<BenchResults[P]>) => string,
): void => {
  const json = argument('json');
  if (json) writeFileSync(json, `${JSON.stringify(run.results, null, 2)}\n`);
  const out = argument('out');
  if (out) {
    const results = {
      schema: 1,
      label: 'current',
      date: run.startedAt.slice(0, 10),
      startedAt: run.startedAt,
      dist: 'dist',
      environment: endedEnvironment(run.environment),
      durationsMs: { [part]: run.durationMs },
      totalMs: run.durationMs,
      partial: true,
      errors: [],
      [part]: run.results,
    } as BenchResults;
    writeFileSync(resolve(out), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`wrote ${relative(repoRoot, resolve(out))}`);
  }
  console.log(`\n${section(run.results)}`);
};

/** Whether this module is the process's main script. */
const isMain = (url: string): boolean =>
  process.argv[1] !== undefined && url === new URL(`file://${process.argv[1]}`).href;

/**
 * Runs a part alone: measures, then finishes it as `finishPart` does, with its duration.
 *
 * @example
 * await runPart('payments', () => measurePayments(options), async () => (await import('../report/markdown.ts')).paymentsSection);
 */
const runPart = async <P extends 'bookings' | 'payments' | 'notifications' | 'schedules' | 'observability'>(
  part: P,
  measure: () => Promise<
    NonNullable<BenchResults[P]> & { readonly startedAt: string; readonly environment: Environment }
  >,
  section: () => Promise<(results: NonNullable<BenchResults[P]>) => string>,
): Promise<void> => {
  const started = performance.now();
  const results = await measure();
  finishPart(
    part,
    {
      startedAt: results.startedAt,
      environment: results.environment,
      durationMs: Math.round(performance.now() - started),
      results,
    },
    await section(),
  );
};

export { argument, endedEnvironment, finishPart, isMain, runPart };
