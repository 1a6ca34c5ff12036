/**
 * What the observability benchmark checks each run did (`bench/metrics/observability.ts`): the EMF
 * lines a process wrote to stdout and the subsegments the bench's X-Ray daemon received. A run that
 * did not do its work (no metrics, no subsegment, the wrong ones, or a baseline that sent any) is a
 * failed run, not a figure.
 */

/** What one entry is expected to do per invocation. */
interface Expectation {
  /** EMF lines per invocation (0 for the baseline). */
  readonly emfLines: number;
  /** The metric names those lines must carry between them, in the namespace `Tessera`. */
  readonly metrics: readonly string[];
  /** Subsegments per invocation, each named `subsegment` and annotated with the correlation id. */
  readonly subsegments: number;
  readonly subsegment?: string;
}

/** The EMF lines of a process's stdout, counted, with the namespaces and metric names they declared. */
interface EmfSummary {
  readonly lines: number;
  readonly namespaces: readonly string[];
  readonly metrics: readonly string[];
  /** Values of `correlationId` the lines carried. */
  readonly correlationIds: readonly string[];
}

/** One subsegment document as the daemon received it: the fields the checks read. */
interface DaemonDocument {
  readonly name?: string;
  readonly id?: string;
  readonly trace_id?: string;
  readonly parent_id?: string;
  readonly type?: string;
  readonly annotations?: Readonly<Record<string, unknown>>;
}

const DAEMON_HEADER = /^\{\s*"format"\s*:\s*"json"\s*,\s*"version"\s*:\s*1\s*\}$/;

/**
 * A datagram sent to the X-Ray daemon (`{"format":"json","version":1}` then a newline then the
 * document) as its document; undefined when it is not one.
 *
 * @example
 * parseDaemonDatagram('{"format":"json","version":1}\n{"name":"x","trace_id":"1-..."}')?.name // => 'x'
 */
const parseDaemonDatagram = (datagram: string): DaemonDocument | undefined => {
  const newline = datagram.indexOf('\n');
  if (newline < 0 || !DAEMON_HEADER.test(datagram.slice(0, newline).trim())) return undefined;
  try {
    const document = JSON.parse(datagram.slice(newline + 1)) as unknown;
    return document && typeof document === 'object' ? (document as DaemonDocument) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The EMF lines of some output: each line that is a JSON object with `_aws.CloudWatchMetrics`.
 *
 * @example
 * summarizeEmf('{"_aws":{"CloudWatchMetrics":[{"Namespace":"Tessera","Metrics":[{"Name":"Requests"}]}]},"Requests":1}\n').lines // => 1
 */
const summarizeEmf = (output: string): EmfSummary => {
  let lines = 0;
  const namespaces = new Set<string>();
  const metrics = new Set<string>();
  const correlationIds = new Set<string>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"_aws"')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const record = parsed as {
      _aws?: { CloudWatchMetrics?: Array<{ Namespace?: string; Metrics?: Array<{ Name?: string }> }> };
      correlationId?: unknown;
    };
    const directives = record._aws?.CloudWatchMetrics;
    if (!Array.isArray(directives)) continue;
    lines++;
    for (const directive of directives) {
      if (directive.Namespace) namespaces.add(directive.Namespace);
      for (const metric of directive.Metrics ?? []) {
        // A metric counts only with its value in the line, as CloudWatch reads it.
        if (metric.Name && typeof (record as Record<string, unknown>)[metric.Name] === 'number') {
          metrics.add(metric.Name);
        }
      }
    }
    if (typeof record.correlationId === 'string') correlationIds.add(record.correlationId);
  }
  return {
    lines,
    namespaces: [...namespaces].sort(),
    metrics: [...metrics].sort(),
    correlationIds: [...correlationIds].sort(),
  };
};

/**
 * What is wrong with a run's observed work, given what its entry should have done over
 * `invocations` invocations; empty when it did all of it.
 *
 * @example
 * checkObservedWork(expectation, { invocations: 1, emf, subsegments, correlationId: 'bench-1' }) // => []
 */
const checkObservedWork = (
  expected: Expectation,
  observed: {
    readonly invocations: number;
    readonly emf: EmfSummary;
    readonly subsegments: readonly DaemonDocument[];
    readonly correlationId: string;
  },
): string[] => {
  const problems: string[] = [];
  const { invocations, emf, subsegments, correlationId } = observed;
  const lines = expected.emfLines * invocations;
  if (emf.lines !== lines) problems.push(`${emf.lines} EMF lines on stdout, expected ${lines}`);
  if (expected.emfLines > 0) {
    const missing = expected.metrics.filter((name) => !emf.metrics.includes(name));
    if (missing.length) problems.push(`no ${missing.join(', ')} in the EMF lines`);
    if (emf.namespaces.join() !== 'Tessera') {
      problems.push(`EMF namespace ${emf.namespaces.join(', ') || 'none'}, expected Tessera`);
    }
    if (!emf.correlationIds.includes(correlationId))
      problems.push(`no EMF line with correlationId ${correlationId}`);
  }
  const count = expected.subsegments * invocations;
  if (subsegments.length !== count) {
    problems.push(`${subsegments.length} subsegments at the daemon, expected ${count}`);
  }
  const wrong = (expected.subsegments > 0 ? subsegments : []).find(
    (document) =>
      document.type !== 'subsegment' ||
      document.name !== expected.subsegment ||
      document.annotations?.correlationId !== correlationId,
  );
  if (wrong) {
    problems.push(
      `a subsegment ${JSON.stringify({ name: wrong.name, type: wrong.type, annotations: wrong.annotations })}, expected ${expected.subsegment} annotated with correlationId ${correlationId}`,
    );
  }
  return problems;
};

export type { DaemonDocument, EmfSummary, Expectation };
export { checkObservedWork, parseDaemonDatagram, summarizeEmf };
