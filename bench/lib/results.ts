/**
 * The shape of `bench/results/<date>.json`: every figure of one run, with the baseline it was
 * measured beside. The report (`bench/report/`) is rendered from this file alone.
 */
import type { Summary } from './stats.ts';

const METRICS = ['size', 'cold', 'warm', 'capacity', 'load', 'start', 'cost'] as const;
type MetricName = (typeof METRICS)[number];

interface Environment {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly commit: string;
  /** Files changed in the working tree when the run started (outside bench/ and docs/). */
  readonly uncommitted: readonly string[];
  /** The 1-minute load average when the run started and when it ended: other work on the machine. */
  readonly loadAverage?: { readonly start: number; readonly end?: number };
}

interface BundleRow {
  /** The function (`users-authorizer`) or floor. */
  readonly name: string;
  /** The bundle folder it runs (`users`); absent in runs before the variants came from the manifests. */
  readonly bundle?: string;
  /** `compare`: the same function from the bundles of `--compare`, measured in the same run. */
  readonly kind: 'floor' | 'service' | 'compare';
  readonly floor?: string;
  readonly rawBytes: number;
  readonly coldStartBytes: number;
  /** Code the cold start and its first request loaded, traced (null when the trace failed). */
  readonly firstRequestBytes: number | null;
  readonly firstRequest?: string;
  readonly gzipBytes: number;
  readonly zipBytes: number;
  readonly files: number;
}

interface SizeResults {
  readonly dist: string;
  /** The bundles measured beside, in the same run (`--compare`), their rows prefixed `before: `. */
  readonly compareDist?: string;
  readonly budgetBytes: number;
  readonly bundles: readonly BundleRow[];
}

interface ColdVariantResult {
  readonly name: string;
  readonly bundle?: string;
  readonly kind: 'node' | 'floor' | 'service' | 'compare';
  readonly request?: string;
  readonly floor?: string;
  /** Spawn to exit, measured by the parent: the whole cold start. */
  readonly wallMs: Summary;
  /** Process start to the bundle imported, and to the response, measured in the child. */
  readonly importMs: Summary | null;
  readonly responseMs: Summary | null;
  readonly failures: number;
  readonly error?: string;
}

interface ColdResults {
  readonly dist: string;
  readonly compareDist?: string;
  readonly runs: number;
  readonly budgetRatio: number;
  readonly variants: readonly ColdVariantResult[];
}

interface WarmRow {
  readonly operation: string;
  readonly implementation: string;
  /** Ours, a peer, or the floor (the data path alone); runs before the floor had no role: ours or peers. */
  readonly role?: 'ours' | 'peer' | 'floor';
  readonly status: number;
  readonly usPerRequest: Summary;
  /** Its time minus the floor's, request by request in the same cycle (runs with a floor). */
  readonly overheadUs?: Summary;
}

interface WarmResults {
  readonly warmup: number;
  readonly rounds: number;
  readonly batch: number;
  readonly rows: readonly WarmRow[];
}

interface CapacityMeasurement {
  readonly operation: string;
  readonly size: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly items: number;
}

interface CapacityResults {
  readonly sizes: readonly number[];
  readonly page: number;
  readonly measurements: readonly CapacityMeasurement[];
  readonly seedMs: Readonly<Record<string, number>>;
}

interface LoadRun {
  readonly target: 'devstack' | 'ceiling';
  readonly operation: string;
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly rps: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

interface RssPeak {
  readonly process: string;
  readonly peakSampledBytes: number;
  /** The kernel's own high-water mark (VmHWM), read before the process stopped. */
  readonly highWaterBytes: number | null;
}

interface LoadResults {
  readonly runs: readonly LoadRun[];
  readonly rss: readonly RssPeak[];
  readonly ceilingRss: readonly RssPeak[];
  readonly sampleIntervalMs: number;
}

interface StepTime {
  readonly name: string;
  readonly ms: number;
  readonly ok: boolean;
}

interface CommandTime {
  readonly command: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly steps: readonly StepTime[];
  readonly summary?: string;
}

interface StartResults {
  /** `startDevstack()` in a fresh process on a fresh data folder, to ready. */
  readonly devstack: { readonly readyMs: Summary; readonly wallMs: Summary };
  readonly dynamodbLocal: { readonly readyMs: Summary; readonly wallMs: Summary };
  readonly npmTest: CommandTime | null;
  readonly unitTests: CommandTime | null;
}

interface CostComponent {
  readonly component: string;
  readonly dollarsPerMillion: number;
  readonly formula: string;
}

interface CostOperation {
  readonly operation: string;
  readonly components: readonly CostComponent[];
  readonly totalPerMillion: number;
}

interface CostResults {
  readonly prices: Readonly<Record<string, { readonly usd: number; readonly unit: string }>>;
  readonly pricesAsOf: string;
  readonly assumptions: Readonly<Record<string, { readonly value: number; readonly note: string }>>;
  readonly operations: readonly CostOperation[];
  readonly authorizerPerMillion: CostOperation;
}

interface MetricError {
  readonly metric: MetricName;
  readonly message: string;
}

interface BenchResults {
  readonly schema: 1;
  readonly label: string;
  readonly date: string;
  readonly startedAt: string;
  readonly dist: string;
  readonly environment: Environment;
  /** Wall time of each metric in this run (or the run it was merged from). */
  readonly durationsMs: Partial<Record<MetricName, number>>;
  readonly totalMs: number;
  /** True when only some benchmarks ran (`--only`); totalMs is then the sum of their durations. */
  readonly partial?: boolean;
  readonly size?: SizeResults;
  readonly cold?: ColdResults;
  readonly warm?: WarmResults;
  readonly capacity?: CapacityResults;
  readonly load?: LoadResults;
  readonly start?: StartResults;
  readonly cost?: CostResults;
  readonly errors: readonly MetricError[];
}

export type {
  BenchResults,
  BundleRow,
  CapacityMeasurement,
  CapacityResults,
  ColdResults,
  ColdVariantResult,
  CommandTime,
  CostComponent,
  CostOperation,
  CostResults,
  Environment,
  LoadResults,
  LoadRun,
  MetricError,
  MetricName,
  RssPeak,
  SizeResults,
  StartResults,
  StepTime,
  WarmResults,
  WarmRow,
};
export { METRICS };
