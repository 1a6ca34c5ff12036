/**
 * What the EMF writer knows of each metric, and no more: its unit (`Count` unless named here) and
 * the extra dimensions it is published under. The catalog (`catalog.ts`) says when each metric
 * moves; functions do not bundle that text (ADR 0017: every byte of a first request counts), and
 * a unit test holds these two tables to the catalog. It imports nothing, so the catalog can build
 * on it.
 */
const NAMESPACE = 'Tessera';

/** The dimensions every metric carries. */
const BASE_DIMENSIONS = ['service', 'environment'] as const;

/** The extra dimensions a metric may be published under. */
type Dimension = 'operation' | 'statusClass';

/** The metrics that are distributions in milliseconds; every other one is a `Count`. */
const MILLISECONDS: ReadonlySet<string> = new Set(['Latency', 'ReminderLag']);

/** The extra dimensions of the metrics that have any. */
const EXTRA_DIMENSIONS: Readonly<Record<string, readonly Dimension[]>> = {
  Requests: ['operation', 'statusClass'],
  Latency: ['operation'],
};

const unitOf = (name: string): 'Count' | 'Milliseconds' =>
  MILLISECONDS.has(name) ? 'Milliseconds' : 'Count';

const extraDimensionsOf = (name: string): readonly Dimension[] => EXTRA_DIMENSIONS[name] ?? [];

/** The status class of an HTTP status: `2xx`, `3xx`, `4xx` or `5xx`. */
const statusClassOf = (status: number): string => `${Math.min(5, Math.max(2, Math.floor(status / 100)))}xx`;

export type { Dimension };
export { BASE_DIMENSIONS, extraDimensionsOf, NAMESPACE, statusClassOf, unitOf };
