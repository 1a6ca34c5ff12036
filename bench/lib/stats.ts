/**
 * Small statistics for benchmark samples: medians, percentiles and ratios.
 *
 * Percentiles interpolate linearly between the two nearest ranks (the method spreadsheets call
 * PERCENTILE.INC), so a p90 of 15 samples is well defined and stable.
 */

interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
}

/** The q-th quantile (0..1) of the samples; NaN for none. */
const quantile = (samples: readonly number[], q: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
};

const median = (samples: readonly number[]): number => quantile(samples, 0.5);

/**
 * Median, p90 and range of the samples.
 *
 * @example
 * summarize([3, 1, 2]) // => { n: 3, median: 2, p90: 2.8, min: 1, max: 3 }
 */
const summarize = (samples: readonly number[]): Summary => ({
  n: samples.length,
  median: median(samples),
  p90: quantile(samples, 0.9),
  min: samples.length ? Math.min(...samples) : Number.NaN,
  max: samples.length ? Math.max(...samples) : Number.NaN,
});

/**
 * The summary and the 99th percentile (of 100 samples, between the 99th and the 100th).
 *
 * @example
 * spread([3, 1, 2]).p99 // => 2.98
 */
const spread = (samples: readonly number[]): Summary & { readonly p99: number } => ({
  ...summarize(samples),
  p99: quantile(samples, 0.99),
});

/** `value / baseline`, or null when the baseline is missing or zero. */
const ratio = (value: number | undefined, baseline: number | undefined): number | null =>
  value === undefined || baseline === undefined || baseline === 0 || !Number.isFinite(value / baseline)
    ? null
    : value / baseline;

/** Shuffles a copy (Fisher-Yates), to interleave variants in a different order each round. */
const shuffled = <T>(items: readonly T[]): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

export type { Summary };
export { median, quantile, ratio, shuffled, spread, summarize };
