import { join } from 'node:path';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import type { Variant } from '../lib/invocations.ts';
import type { ColdResults, ColdVariantResult } from '../lib/results.ts';
import { shuffled, summarize } from '../lib/stats.ts';
import { runTimedChild } from '../lib/timed-child.ts';

interface ChildReport {
  readonly started: number;
  readonly imported: number;
  readonly done: number;
  readonly status: number | string;
  readonly error?: string;
  readonly loaded: readonly string[];
}

interface RunSample {
  readonly wallMs: number;
  readonly report: ChildReport | null;
  readonly ok: boolean;
  readonly problem?: string;
}

const CHILD = join(repoRoot, 'bench', 'metrics', 'cold-child.mjs');
const RUN_TIMEOUT_MS = 30_000;

/** Runs one variant once in a fresh process. */
const runOnce = async (variant: Variant, options: { readonly trace?: boolean } = {}): Promise<RunSample> => {
  const args =
    variant.kind === 'node'
      ? ['-e', '']
      : [CHILD, join(variant.directory ?? '', 'index.mjs'), variant.exportName ?? 'handler'];
  const env = { ...variant.env, ...(options.trace ? { BENCH_TRACE_LOADS: '1' } : {}) };
  const reachedBefore = variant.reached?.() ?? 0;
  const {
    wallMs,
    code,
    report: output,
    errors,
  } = await runTimedChild(args, { env, timeoutMs: RUN_TIMEOUT_MS });
  if (variant.kind === 'node') {
    return { wallMs, report: null, ok: code === 0, ...(code === 0 ? {} : { problem: errors }) };
  }
  let report: ChildReport | null = null;
  try {
    report = JSON.parse(output) as ChildReport;
  } catch {
    return { wallMs, report: null, ok: false, problem: `exit ${code}: ${errors || 'no report'}` };
  }
  // A run counts when it answered as expected and reached its data at the stand-in (a
  // publisher that skipped the record, or a GET served from nowhere, does not).
  const reached = variant.reached === undefined || variant.reached() > reachedBefore;
  const ok = report.status === variant.expect && reached;
  return {
    wallMs,
    report,
    ok,
    ...(ok
      ? {}
      : {
          problem: `status ${report.status}${reached ? '' : ' without reaching its data'}${report.error ? `: ${report.error}` : ''} ${errors}`,
        }),
  };
};

/**
 * The files a bundle's cold start and first request load, from one traced (untimed) run, and their
 * total size in bytes; null when the run failed.
 */
const traceFirstRequest = async (
  variant: Variant,
  sizeOf: (file: string) => number,
): Promise<{ readonly bytes: number; readonly files: readonly string[] } | null> => {
  const sample = await runOnce(variant, { trace: true });
  if (!sample.ok || !sample.report || !variant.directory) return null;
  const root = `file://${variant.directory}/`;
  const files = sample.report.loaded
    .filter((url) => url.startsWith(root))
    .map((url) => decodeURIComponent(url.slice('file://'.length)));
  return { bytes: files.reduce((sum, file) => sum + sizeOf(file), 0), files };
};

/**
 * Runs every variant `runs` times, interleaved, after one untimed warm-up run each (which fills
 * the page cache, so no variant pays for reading from disk).
 */
const measureColdInit = async (
  variants: readonly Variant[],
  options: {
    readonly runs: number;
    readonly dist: string;
    readonly compareDist?: string;
    readonly budgetRatio: number;
    readonly log: (line: string) => void;
  },
): Promise<ColdResults> => {
  const samples = new Map<string, RunSample[]>(variants.map((v) => [v.name, []]));
  for (const variant of variants) {
    const warm = await runOnce(variant);
    if (!warm.ok) options.log(`  ${variant.name}: warm-up run failed: ${warm.problem ?? ''}`.trimEnd());
  }
  for (let round = 1; round <= options.runs; round++) {
    for (const variant of shuffled(variants)) samples.get(variant.name)?.push(await runOnce(variant));
    if (round % 5 === 0) options.log(`  cold init: round ${round}/${options.runs}`);
  }

  const results: ColdVariantResult[] = variants.map((variant) => {
    const all = samples.get(variant.name) ?? [];
    const good = all.filter((s) => s.ok);
    const reports = good.map((s) => s.report).filter((r): r is ChildReport => r !== null);
    const failed = all.find((s) => !s.ok);
    return {
      name: variant.name,
      kind: variant.kind,
      ...(variant.bundle ? { bundle: variant.bundle } : {}),
      ...(variant.request ? { request: variant.request } : {}),
      ...(variant.floor ? { floor: variant.floor } : {}),
      wallMs: summarize(good.map((s) => s.wallMs)),
      importMs: reports.length ? summarize(reports.map((r) => r.imported)) : null,
      responseMs: reports.length ? summarize(reports.map((r) => r.done)) : null,
      failures: all.length - good.length,
      ...(failed?.problem ? { error: failed.problem.slice(0, 500) } : {}),
    };
  });
  return {
    dist: options.dist,
    ...(options.compareDist ? { compareDist: options.compareDist } : {}),
    runs: options.runs,
    budgetRatio: options.budgetRatio,
    variants: results,
  };
};

export { measureColdInit, runOnce, traceFirstRequest };
