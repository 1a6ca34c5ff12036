/**
 * CloudWatch metrics in the Embedded Metric Format (EMF): one JSON line on stdout per call, which
 * CloudWatch Logs turns into metrics in the namespace `Tessera`, and which the devstack reads from
 * every function's output to serve `/_devstack/metrics` (ADR 0037).
 *
 * A small writer rather than Powertools Metrics: it knows only the catalog's names (`catalog.ts`),
 * writes at once (so concurrent invocations in one environment never share a buffer, and nothing is
 * lost when Lambda freezes it after the response) and adds no package to the bundle.
 *
 * Each metric is published under `[service, environment]`, and under `[service, environment, d]` for
 * each extra dimension `d` the catalog gives it and the call names; properties (a correlation id, an
 * event type) go in the line for Logs Insights but are never dimensions.
 *
 * @example
 * const metrics = createMetrics({ service: 'bookings', environment: 'prod' });
 * metrics.count('BookingsCreated', { correlationId });
 * metrics.emit({ Requests: 1, Latency: 12.5 }, { dimensions: { operation: 'createBooking', statusClass: '2xx' } });
 */
import type { EmitOptions, MetricName, Metrics, Properties } from './catalog.ts';
import { BASE_DIMENSIONS, type Dimension, extraDimensionsOf, NAMESPACE, unitOf } from './shapes.ts';

interface MetricsOptions {
  readonly service: string;
  readonly environment: string;
  /** Where a line goes; stdout (Lambda's log, the devstack's pipe) unless given. */
  readonly write?: (line: string) => void;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

// Straight to stdout, as Powertools does: Lambda's patched console would prefix the line and the
// devstack reads stdout whole lines.
const writeStdout = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** The EMF line for these values: one directive per distinct set of extra dimensions. */
const emfLine = (
  base: Readonly<Record<(typeof BASE_DIMENSIONS)[number], string>>,
  values: Readonly<Partial<Record<MetricName, number>>>,
  options: EmitOptions,
  timestamp: number,
): string | undefined => {
  const dimensions = options.dimensions ?? {};
  const directives = new Map<string, { Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }>();
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values) as [MetricName, number | undefined][]) {
    if (value === undefined || !Number.isFinite(value)) continue;
    const extra = extraDimensionsOf(name).filter((dimension) => dimensions[dimension] !== undefined);
    const key = extra.join(',');
    let directive = directives.get(key);
    if (!directive) {
      directive = {
        Dimensions: [[...BASE_DIMENSIONS], ...extra.map((dimension) => [...BASE_DIMENSIONS, dimension])],
        Metrics: [],
      };
      directives.set(key, directive);
    }
    directive.Metrics.push({ Name: name, Unit: unitOf(name) });
    root[name] = value;
  }
  if (directives.size === 0) return undefined;
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options.properties ?? {})) {
    if (value !== undefined && !(key in values)) properties[key] = value;
  }
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [...directives.values()].map((directive) => ({
        Namespace: NAMESPACE,
        ...directive,
      })),
    },
    ...properties,
    ...dimensions,
    ...base,
    ...root,
  });
};

const createMetrics = (options: MetricsOptions): Metrics => {
  const write = options.write ?? writeStdout;
  const now = options.now ?? Date.now;
  const base = { service: options.service, environment: options.environment };
  const emit: Metrics['emit'] = (values, emitOptions = {}) => {
    const line = emfLine(base, values, emitOptions, now());
    if (line !== undefined) write(line);
  };
  return {
    service: options.service,
    emit,
    count: (name, properties) => emit({ [name]: 1 }, properties ? { properties } : {}),
  };
};

/**
 * Counts the execution environment's cold start: the function it answers moves `ColdStarts` on its
 * first call only. A function's entry calls it on each invocation.
 */
const coldStartCounter = (metrics: Pick<Metrics, 'emit'>): (() => void) => {
  let cold = true;
  return () => {
    if (!cold) return;
    cold = false;
    metrics.emit({ ColdStarts: 1 });
  };
};

/** Metrics that go nowhere: for tools and tests that run a use case without caring what it counts. */
const noMetrics: Metrics = { service: 'none', emit: () => undefined, count: () => undefined };

export type { Dimension, EmitOptions, Metrics, MetricsOptions, Properties };
export { coldStartCounter, createMetrics, emfLine, noMetrics };
