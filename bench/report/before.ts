/**
 * Where the report's "before" figures come from: the same run, when it measured other bundles
 * beside (`--compare`, rows prefixed `before: `), or else a separate before run
 * (`bench/results/before.json`), whose milliseconds are comparable only through their ratios.
 */
import type { BenchResults, BundleRow } from '../lib/results.ts';
import { ratio } from '../lib/stats.ts';

const PREFIX = 'before: ';

/** Names the variants had before they came from the manifests, for the rows of an older before run. */
const LEGACY_NAMES: Readonly<Record<string, string>> = { 'users-authorizer': 'users (authorizer)' };

/** The row named `name` in an older run, under its name then or now. */
const legacy = <T extends { readonly name: string }>(rows: readonly T[] | undefined, name: string) =>
  rows?.find((row) => row.name === name) ?? rows?.find((row) => row.name === LEGACY_NAMES[name]);

interface BeforeView {
  readonly sameRun: boolean;
  /** Where the before bundles are. */
  readonly dist: string;
  readonly date: string;
  size(name: string): BundleRow | undefined;
  /** Cold init median and its ratio to its floor, in the run that measured it. */
  cold(name: string): { readonly median: number | undefined; readonly ratio: number | null };
}

const coldOf = (run: BenchResults, name: string) => {
  const v = legacy(run.cold?.variants, name);
  const floor = run.cold?.variants.find((x) => x.name === v?.floor);
  return { median: v?.wallMs.median, ratio: ratio(v?.wallMs.median, floor?.wallMs.median) };
};

/** The "before" side of a run, or null when there is none. */
const beforeView = (r: BenchResults, before: BenchResults | null): BeforeView | null => {
  const compared = r.cold?.compareDist ?? r.size?.compareDist;
  if (compared) {
    return {
      sameRun: true,
      dist: compared,
      date: r.date,
      size: (name) => r.size?.bundles.find((b) => b.name === `${PREFIX}${name}`),
      cold: (name) => coldOf(r, `${PREFIX}${name}`),
    };
  }
  if (!before) return null;
  return {
    sameRun: false,
    dist: before.dist,
    date: before.date,
    size: (name) => legacy(before.size?.bundles, name),
    cold: (name) => coldOf(before, name),
  };
};

export type { BeforeView };
export { beforeView, coldOf };
