/**
 * What the devstack shows of the functions' metrics and traces, on its router:
 *
 * - `GET /_devstack/metrics`: every EMF metric the functions wrote since the start, in Prometheus's
 *   text format (`text/plain; version=0.0.4; charset=utf-8`; `emf-metrics.ts` says how a line becomes
 *   series); `?format=json` answers `{ families: [{ name, type, help, samples: [{ name, labels,
 *   value }] }] }`, the same samples.
 * - `GET /_devstack/traces`: `{ items: [{ id, startTime, duration, segments, functions, services,
 *   annotations, fault, error }] }`, the recent traces newest first (`trace-store.ts`), only those
 *   with a document annotated so when asked `?annotation.<key>=<value>` (several: all of them).
 * - `GET /_devstack/traces/{id}`: `{ id, segments: [...] }`, every document of the trace by
 *   `start_time`; a trace the store does not hold (never seen, or forgotten) is a 404 problem+json.
 */
import { type EmfMetrics, PROMETHEUS_CONTENT_TYPE } from './emf-metrics.ts';
import { type DevstackRouter, routeProblem } from './router.ts';
import type { TraceStore } from './trace-store.ts';

const ANNOTATION_PREFIX = 'annotation.';

/**
 * The annotation filters of a query: `?annotation.correlationId=abc` -> `{ correlationId: 'abc' }`.
 *
 * @example
 * annotationFilters(new URLSearchParams('annotation.operation=createBooking&x=1')); // { operation: 'createBooking' }
 */
const annotationFilters = (query: URLSearchParams): Record<string, string> => {
  const filters: Record<string, string> = {};
  for (const [key, value] of query) {
    if (key.startsWith(ANNOTATION_PREFIX) && key.length > ANNOTATION_PREFIX.length)
      filters[key.slice(ANNOTATION_PREFIX.length)] = value;
  }
  return filters;
};

/**
 * Adds `GET /_devstack/metrics`, `GET /_devstack/traces` and `GET /_devstack/traces/{id}`.
 *
 * @example
 * addObservabilityRoutes(router, { metrics: new EmfMetrics(), traces: new TraceStore() });
 */
const addObservabilityRoutes = (
  router: DevstackRouter,
  { metrics, traces }: { readonly metrics: EmfMetrics; readonly traces: TraceStore },
): DevstackRouter =>
  router
    .add('GET', '/_devstack/metrics', ({ url }) =>
      url.searchParams.get('format') === 'json'
        ? { body: { families: metrics.snapshot() } }
        : { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE }, body: metrics.prometheus() },
    )
    .add('GET', '/_devstack/traces', ({ url }) => {
      const annotations = annotationFilters(url.searchParams);
      return {
        body: { items: traces.list(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      };
    })
    .add('GET', '/_devstack/traces/{id}', ({ params }) => {
      const trace = traces.get(params.id ?? '');
      return trace
        ? { body: trace }
        : routeProblem(404, 'TRACE_NOT_FOUND', `The devstack holds no trace ${params.id ?? ''}.`);
    });

export { addObservabilityRoutes, annotationFilters };
