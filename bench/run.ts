/**
 * `npm run bench`: every benchmark, one after the other (so the machine's cores serve one
 * measurement at a time), then `bench/results/<date>.json`, `docs/PERFORMANCE.md` and the charts
 * in `docs/performance/`, and a summary on the console.
 *
 * Order: bundle size, cold init, what metrics and tracing cost (observability: a bare handler, ours
 * and Powertools', bundled as functions are, with every function's first request against the
 * budget), warm overhead, DynamoDB capacity, the bookings capacity and race,
 * the payments saga (time to CONFIRMED, cost per confirmed booking), the notifications (POST to
 * the message on the owner's WebSocket, fan-out to 200 sockets, memory with them open), the
 * schedules (fired vs scheduled over 100 one-time schedules, real reminders, cost per reminder), local load,
 * devstack start and `npm test` (last: its build step rewrites dist/), then the cost model from
 * what was measured.
 * A benchmark that fails is recorded as an error and the run goes on; a budget that fails is a
 * FAIL in the report. The run exits 0 either way: the report is the output.
 *
 * Options: see `bench/lib/args.ts` (`--only=...`, `--dist=...`, `--label=... --out=...`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { loadManifests } from '../packages/tooling/src/manifests.ts';
import { repoRoot } from '../packages/tooling/src/repo.ts';
import { type BenchOptions, parseOptions } from './lib/args.ts';
import { COLD_BUDGET_RATIO, SIZE_BUDGET_BYTES } from './lib/budgets.ts';
import { snapshotBundles } from './lib/bundles.ts';
import { describeEnvironment } from './lib/environment.ts';
import type { InvocationSetup } from './lib/invocations.ts';
import { type BenchResults, METRICS, type MetricError, type MetricName } from './lib/results.ts';
import { renderCharts } from './report/charts.ts';
import { seconds } from './report/format.ts';
import { renderMarkdown } from './report/markdown.ts';
import { summaryRows } from './report/summary.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const log = (line: string) => console.log(line);

/** A path inside the repository relative to it, any other absolute. */
const shortPath = (path: string) => {
  const inside = relative(repoRoot, path);
  return inside && !inside.startsWith('..') ? inside : path;
};

const readResults = (file: string): BenchResults | null => {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  } catch {
    return null;
  }
};

/** Runs the selected benchmarks into `results`, recording errors instead of throwing. */
const measure = async (options: BenchOptions, results: Mutable<BenchResults>) => {
  // What size, cold, observability, warm and capacity measure: a copy of the bundles, taken now, so a build
  // meanwhile (others share the machine) changes nothing under them. The report names `dist`.
  const bundles = options.only.some((m) =>
    [
      'size',
      'cold',
      'observability',
      'warm',
      'capacity',
      'bookings',
      'payments',
      'notifications',
      'schedules',
    ].includes(m),
  )
    ? await snapshotBundles(
        options.dist,
        loadManifests().map((manifest) => manifest.name),
      )
    : undefined;
  const dist = bundles?.directory ?? options.dist;
  try {
    await measureSnapshot(options, results, dist);
  } finally {
    bundles?.remove();
  }
};

/** Runs the selected benchmarks, the bundles taken from `dist` (a snapshot of `options.dist`). */
const measureSnapshot = async (options: BenchOptions, results: Mutable<BenchResults>, dist: string) => {
  const errors: MetricError[] = [...results.errors.filter((e) => !options.only.includes(e.metric))];
  const durations = results.durationsMs;
  const step = async (metric: MetricName, run: () => Promise<void>) => {
    if (!options.only.includes(metric)) return;
    log(`\n${metric} ...`);
    const started = performance.now();
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ metric, message: message.split('\n').slice(0, 6).join(' ') });
      log(`  ${metric} failed: ${message}`);
    }
    durations[metric] = Math.round(performance.now() - started);
    log(`  ${metric}: ${seconds(durations[metric])}`);
  };

  // Each benchmark's modules (and the product code they import) load inside its step, so code
  // that does not compile fails that benchmark, not the run.
  let setup: InvocationSetup | undefined;
  const invocations = async () => {
    if (!setup) {
      const { buildFloors } = await import('./lib/floor.ts');
      const { prepareInvocations } = await import('./lib/invocations.ts');
      const floors = await buildFloors();
      setup = await prepareInvocations(dist, floors, options.compare);
    }
    return setup;
  };
  try {
    await step('size', async () => {
      const { variants } = await invocations();
      const { measureSizes } = await import('./metrics/size.ts');
      results.size = await measureSizes(variants, {
        dist: shortPath(options.dist),
        ...(options.compare ? { compareDist: shortPath(options.compare) } : {}),
        budgetBytes: SIZE_BUDGET_BYTES,
      });
    });
    await step('cold', async () => {
      const { variants, unmeasured } = await invocations();
      if (unmeasured.length > 0) {
        errors.push({
          metric: 'cold',
          message: `not measured, no request known for them: ${unmeasured.join(', ')}`,
        });
      }
      const { measureColdInit } = await import('./metrics/cold.ts');
      results.cold = await measureColdInit(variants, {
        runs: options.coldRuns,
        dist: shortPath(options.dist),
        ...(options.compare ? { compareDist: shortPath(options.compare) } : {}),
        budgetRatio: COLD_BUDGET_RATIO,
        log,
      });
    });
    await step('observability', async () => {
      const { BATCH, BATCHES, WARMUP } = await import('./observability.ts');
      const { measureObservability } = await import('./metrics/observability.ts');
      // The functions' first requests: the size part's figures when it ran (and did not fail) in
      // this run, else the same measurement made now on the same setup.
      const size = results.size;
      const sizeMeasured =
        options.only.includes('size') && size !== undefined && !errors.some((e) => e.metric === 'size');
      const observability = await measureObservability({
        runs: options.observabilityRuns,
        warmRounds: options.observabilityWarmRounds,
        warmup: WARMUP,
        batches: BATCHES,
        batch: BATCH,
        budgetBytes: SIZE_BUDGET_BYTES,
        functions: sizeMeasured
          ? { from: 'size', sizes: async () => size }
          : {
              from: 'observability',
              sizes: async () => {
                const { variants } = await invocations();
                const { measureSizes } = await import('./metrics/size.ts');
                return measureSizes(variants, {
                  dist: shortPath(options.dist),
                  budgetBytes: SIZE_BUDGET_BYTES,
                });
              },
            },
        log,
      });
      results.observability = observability;
      for (const variant of observability.variants.filter((v) => v.error)) {
        errors.push({
          metric: 'observability',
          message: `${variant.name}: ${variant.failures} cold run(s) and ${variant.warmFailures} warm process(es) did not do their work: ${variant.error}`,
        });
      }
      if (observability.functionsError) {
        errors.push({
          metric: 'observability',
          message: `the functions' sizes: ${observability.functionsError}`,
        });
      }
    });
  } finally {
    await setup?.stop();
  }
  await step('warm', async () => {
    const { measureWarm } = await import('./metrics/warm.ts');
    results.warm = await measureWarm({ dist, warmup: 1000, rounds: options.warmRounds, batch: 200, log });
  });
  await step('capacity', async () => {
    const { measureCapacity } = await import('./capacity.ts');
    results.capacity = await measureCapacity({ sizes: options.capacitySizes, dist, log });
  });
  await step('bookings', async () => {
    const { measureBookings } = await import('./bookings.ts');
    results.bookings = await measureBookings({
      sizes: options.bookingsSizes,
      raceRounds: options.raceRounds,
      dist,
      log,
    });
  });
  await step('payments', async () => {
    const { measurePayments } = await import('./payments.ts');
    results.payments = await measurePayments({
      bookings: options.paymentsBookings,
      concurrency: options.paymentsConcurrency,
      count: 10,
      dist,
      log,
    });
  });
  await step('notifications', async () => {
    const { measureNotifications } = await import('./notifications.ts');
    results.notifications = await measureNotifications({
      bookings: options.notificationsBookings,
      concurrency: options.notificationsConcurrency,
      sockets: options.notificationsSockets,
      followerUsers: options.notificationsSockets,
      rounds: 5,
      dist,
      log,
    });
  });
  await step('schedules', async () => {
    const { measureSchedules } = await import('./schedules.ts');
    results.schedules = await measureSchedules({
      schedules: options.schedulesCount,
      reminders: options.schedulesReminders,
      count: true,
      dist,
      log,
    });
  });
  await step('load', async () => {
    const { measureLoad } = await import('./metrics/load.ts');
    results.load = await measureLoad({
      seconds: options.loadSeconds,
      warmupSeconds: 3,
      connections: 16,
      sampleIntervalMs: 250,
      log,
    });
  });
  await step('start', async () => {
    const { measureStart } = await import('./metrics/start.ts');
    results.start = await measureStart({ runs: options.startRuns, npmTest: options.npmTest, log });
  });
  await step('cost', async () => {
    if (!results.capacity || !results.warm)
      throw new Error('the cost model needs the capacity and warm results');
    const { costModel } = await import('./metrics/cost.ts');
    results.cost = costModel(results.capacity, results.warm);
  });
  results.errors = errors;
};

const printSummary = (results: BenchResults) => {
  const rows = summaryRows(results);
  const width = Math.min(70, Math.max(...rows.map((r) => r.metric.length)));
  log('\nSummary');
  for (const row of rows) {
    const result = row.pass === null ? '    ' : row.pass ? 'PASS' : 'FAIL';
    log(
      `${result}  ${row.metric.padEnd(width).slice(0, width)}  ${row.figure}  | ${row.baseline} | ${row.ratio}`,
    );
  }
  for (const error of results.errors) log(`ERROR ${error.metric}: ${error.message}`);
};

const writeReport = (options: BenchOptions, results: BenchResults) => {
  const before = options.before === options.out ? null : readResults(options.before);
  const document = join(repoRoot, 'docs', 'PERFORMANCE.md');
  const existing = existsSync(document) ? readFileSync(document, 'utf8') : null;
  mkdirSync(join(repoRoot, 'docs', 'performance'), { recursive: true });
  for (const [file, svg] of Object.entries(renderCharts(results, before))) {
    writeFileSync(join(repoRoot, 'docs', 'performance', file), svg);
  }
  writeFileSync(document, renderMarkdown(results, before, existing, relative(repoRoot, options.out)));
  log('wrote docs/PERFORMANCE.md and docs/performance/*.svg');
};

const main = async () => {
  const options = parseOptions(process.argv.slice(2));
  if (options.renderOnly) {
    const results = readResults(options.out);
    if (!results) throw new Error(`No results to render in ${relative(repoRoot, options.out)}`);
    writeReport(options, results);
    printSummary(results);
    return;
  }
  const started = performance.now();
  const previous = options.complete ? null : readResults(options.out);
  const merged = previous && previous.label === options.label ? previous : null;
  const results: Mutable<BenchResults> = {
    schema: 1,
    label: options.label,
    date: options.date,
    startedAt: new Date().toISOString(),
    dist: shortPath(options.dist),
    environment: describeEnvironment(),
    durationsMs: { ...(merged?.durationsMs ?? {}) },
    totalMs: 0,
    errors: merged?.errors ?? [],
    ...(merged
      ? Object.fromEntries(METRICS.filter((m) => merged[m] !== undefined).map((m) => [m, merged[m]]))
      : {}),
  };
  log(
    `Tessera benchmarks (${options.only.join(', ')}) on ${results.environment.cpu}, Node ${results.environment.node}`,
  );
  log(`bundles: ${results.dist}; results: ${relative(repoRoot, options.out)}`);

  await measure(options, results);

  const runMs = performance.now() - started;
  results.totalMs = options.complete
    ? Math.round(runMs)
    : Object.values(results.durationsMs).reduce((sum, ms) => sum + (ms ?? 0), 0);
  results.partial = !options.complete;
  results.environment = {
    ...results.environment,
    loadAverage: { start: results.environment.loadAverage?.start ?? 0, end: loadavg()[0] ?? 0 },
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwrote ${relative(repoRoot, options.out)}`);

  if (options.report) writeReport(options, results);
  printSummary(results);
  log(`\nbench run: ${seconds(runMs)}${options.complete ? '' : ' (a subset)'}`);
};

await main();
