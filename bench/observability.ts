/**
 * The observability benchmark, for issue 14: what the kit's EMF metrics writer and X-Ray tracer
 * cost a function, beside a bare handler and beside Powertools Metrics and Tracer, all three bundled
 * as functions are and measured in the same run (bundle bytes, cold init, warm µs per invocation;
 * `bench/metrics/observability.ts`), with every function's first-request size against the 250 KB
 * budget of README §3 (the size part's own measurement, `bench/metrics/size.ts`, over a copy of
 * `dist/` taken now). `npm run bench` runs it as its `observability` step; `npm run
 * bench:observability` runs it alone and prints the report's section.
 *
 * Usage: npx tsx bench/observability.ts [--runs=30] [--warm-rounds=5] [--dist=dist] [--json=<file>] [--out=<file>]
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { loadManifests } from '../packages/tooling/src/manifests.ts';
import { repoRoot } from '../packages/tooling/src/repo.ts';
import { SIZE_BUDGET_BYTES } from './lib/budgets.ts';
import { argument, isMain, runPart } from './lib/part.ts';
import type { ObservabilityResults, SizeResults } from './lib/results.ts';

interface ObservabilityPartOptions {
  readonly runs: number;
  readonly warmRounds: number;
  /** The bundles whose first requests are measured against the budget; default `dist/`. */
  readonly dist?: string;
  readonly log: (line: string) => void;
}

/** Warm invocations of each process: after the first, `WARMUP`, then `BATCHES` timed batches of `BATCH`. */
const WARMUP = 1000;
const BATCHES = 20;
const BATCH = 250;

/**
 * The size part's figures for every function of the manifests, measured now over a copy of `dist`
 * (the floors built, the AWS stand-in started and stopped for it).
 *
 * @example
 * const size = await measureFunctionSizes('dist');
 */
const measureFunctionSizes = async (dist: string): Promise<SizeResults> => {
  const { snapshotBundles } = await import('./lib/bundles.ts');
  const { buildFloors } = await import('./lib/floor.ts');
  const { prepareInvocations } = await import('./lib/invocations.ts');
  const { measureSizes } = await import('./metrics/size.ts');
  const bundles = await snapshotBundles(
    dist,
    loadManifests().map((manifest) => manifest.name),
  );
  try {
    const setup = await prepareInvocations(bundles.directory, await buildFloors());
    try {
      return await measureSizes(setup.variants, {
        dist: relative(repoRoot, dist) || dist,
        budgetBytes: SIZE_BUDGET_BYTES,
      });
    } finally {
      await setup.stop();
    }
  } finally {
    bundles.remove();
  }
};

/**
 * The part alone: the functions' sizes measured by itself, then the three entries.
 *
 * @example
 * const observability = await measureObservabilityPart({ runs: 30, warmRounds: 5, log: console.log });
 */
const measureObservabilityPart = async (options: ObservabilityPartOptions): Promise<ObservabilityResults> => {
  const { measureObservability } = await import('./metrics/observability.ts');
  const dist = options.dist ?? resolve(repoRoot, 'dist');
  return measureObservability({
    runs: options.runs,
    warmRounds: options.warmRounds,
    warmup: WARMUP,
    batches: BATCHES,
    batch: BATCH,
    budgetBytes: SIZE_BUDGET_BYTES,
    functions: { from: 'observability', sizes: () => measureFunctionSizes(dist) },
    log: options.log,
  });
};

const positive = (name: string, fallback: number) => {
  const text = argument(name);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
};

const main = async () => {
  const distText = argument('dist');
  await runPart(
    'observability',
    () =>
      measureObservabilityPart({
        runs: positive('runs', 30),
        warmRounds: positive('warm-rounds', 5),
        ...(distText ? { dist: isAbsolute(distText) ? distText : resolve(repoRoot, distText) } : {}),
        log: console.log,
      }),
    async () => (await import('./report/markdown.ts')).observabilitySection,
  );
};

if (isMain(import.meta.url)) await main();

export type { ObservabilityPartOptions };
export { BATCH, BATCHES, measureFunctionSizes, measureObservabilityPart, WARMUP };
