/**
 * The devstack's X-Ray: one bounded, in-memory store of the segment documents of recent traces,
 * fed by the local X-Ray daemon (the subsegments the functions' kit sends) and by the function
 * hosts (each invocation's own `AWS::Lambda::Function` segment, as Lambda records it with active
 * tracing).
 *
 * A document is kept as it came, under its trace and its id: one sent again with the same id (an
 * `in_progress` segment, then the finished one) replaces the first. The store keeps the traces
 * written to most recently, 1,000 unless told (the oldest is forgotten first), and at most 1,000
 * documents per trace (the rest are dropped), so a long session cannot grow it without end.
 *
 * A trace reads as a summary (`list`, newest first, filterable by annotation) or whole (`get`, its
 * documents by `start_time`): what `GET /_devstack/traces` and `GET /_devstack/traces/<id>` answer.
 */

/** A segment or subsegment document, in X-Ray's format (the fields the devstack reads, and the rest as sent). */
interface SegmentDocument {
  readonly name: string;
  /** 16 hex digits. */
  readonly id: string;
  /** `1-<8 hex>-<24 hex>`. */
  readonly trace_id: string;
  readonly parent_id?: string;
  /** `subsegment` for a subsegment sent on its own. */
  readonly type?: string;
  /** Epoch seconds, with a fraction. */
  readonly start_time: number;
  readonly end_time?: number;
  readonly in_progress?: boolean;
  /** `AWS::Lambda::Function` for a function's own segment. */
  readonly origin?: string;
  readonly annotations?: Readonly<Record<string, string | number | boolean>>;
  readonly fault?: boolean;
  readonly error?: boolean;
  readonly subsegments?: readonly SegmentDocument[];
  readonly [field: string]: unknown;
}

/** A trace as `GET /_devstack/traces` lists it. */
interface TraceSummary {
  readonly id: string;
  /** ISO 8601: the earliest `start_time` of its documents. */
  readonly startTime: string;
  /** Milliseconds from its earliest start to its latest end. */
  readonly duration: number;
  /** How many segment documents it has (nested subsegments included). */
  readonly segments: number;
  /** The functions it ran through (their segments' names), in the order they started. */
  readonly functions: readonly string[];
  /** The services it ran through (the `service` annotations), in the order they started. */
  readonly services: readonly string[];
  /** Every annotation of its documents; where two documents give one key, the earlier's value. */
  readonly annotations: Readonly<Record<string, string | number | boolean>>;
  /** Whether any document is marked a fault (a throw, a 5xx, a timeout) or an error (a 4xx). */
  readonly fault: boolean;
  readonly error: boolean;
}

interface StoredTrace {
  readonly id: string;
  readonly documents: Map<string, SegmentDocument>;
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * The document, when it is one X-Ray would take: a name, a 16-hex id, a trace id, a start time, an
 * end time unless in progress. Annotations that are no string, number or boolean are dropped.
 *
 * @example
 * toSegmentDocument({ name: 'x', id: '53995c3f42cd8ad8', trace_id: '1-5759e988-bd862e3fe1be46a994272793', start_time: 1, end_time: 2 }); // the document
 * toSegmentDocument({ name: 'x' }); // undefined
 */
const toSegmentDocument = (value: unknown, traceId?: string): SegmentDocument | undefined => {
  if (!isRecord(value)) return undefined;
  const { name, id, start_time: start, end_time: end, in_progress: inProgress } = value;
  const trace = value.trace_id ?? traceId;
  if (typeof name !== 'string' || name === '' || typeof id !== 'string' || !SEGMENT_ID.test(id))
    return undefined;
  if (typeof trace !== 'string' || !TRACE_ID.test(trace) || !isTime(start)) return undefined;
  if (end !== undefined && !isTime(end)) return undefined;
  if (end === undefined && inProgress !== true) return undefined;
  const annotations: Record<string, string | number | boolean> = {};
  if (isRecord(value.annotations)) {
    for (const [key, annotation] of Object.entries(value.annotations)) {
      if (['string', 'number', 'boolean'].includes(typeof annotation))
        annotations[key] = annotation as string | number | boolean;
    }
  }
  const subsegments = Array.isArray(value.subsegments)
    ? value.subsegments.flatMap((sub) => toSegmentDocument(sub, trace) ?? [])
    : undefined;
  return {
    ...value,
    name,
    id,
    trace_id: trace,
    start_time: start,
    ...(isRecord(value.annotations) ? { annotations } : {}),
    ...(subsegments ? { subsegments } : {}),
  };
};

/** A document and its nested subsegments, depth first. */
const walk = function* (document: SegmentDocument): Generator<SegmentDocument> {
  yield document;
  for (const sub of document.subsegments ?? []) yield* walk(sub);
};

const byStart = (a: SegmentDocument, b: SegmentDocument) => a.start_time - b.start_time;

const summarize = (trace: StoredTrace): TraceSummary & { readonly start: number } => {
  const all = [...trace.documents.values()].flatMap((document) => [...walk(document)]).sort(byStart);
  const start = Math.min(...all.map((d) => d.start_time));
  const end = Math.max(...all.map((d) => d.end_time ?? d.start_time));
  const annotations: Record<string, string | number | boolean> = {};
  const functions: string[] = [];
  const services: string[] = [];
  for (const document of all) {
    for (const [key, value] of Object.entries(document.annotations ?? {})) {
      if (!(key in annotations)) annotations[key] = value;
    }
    if (document.origin === 'AWS::Lambda::Function' && !functions.includes(document.name))
      functions.push(document.name);
    const service = document.annotations?.service;
    if (typeof service === 'string' && !services.includes(service)) services.push(service);
  }
  return {
    start,
    id: trace.id,
    startTime: new Date(Math.round(start * 1000)).toISOString(),
    duration: Math.round((end - start) * 1_000_000) / 1000,
    segments: all.length,
    functions,
    services,
    annotations,
    fault: all.some((d) => d.fault === true),
    error: all.some((d) => d.error === true),
  };
};

/** True when one of the trace's documents has every annotation asked for (compared as text). */
const hasAnnotations = (trace: StoredTrace, wanted: Readonly<Record<string, string>>): boolean =>
  Object.entries(wanted).every(([key, value]) =>
    [...trace.documents.values()].some((document) =>
      [...walk(document)].some(
        (d) => d.annotations?.[key] !== undefined && String(d.annotations[key]) === value,
      ),
    ),
  );

class TraceStore {
  /** By trace id, the least recently written first. */
  private readonly traces = new Map<string, StoredTrace>();
  private readonly maxTraces: number;
  private readonly maxSegmentsPerTrace: number;

  constructor(options: { readonly maxTraces?: number; readonly maxSegmentsPerTrace?: number } = {}) {
    this.maxTraces = options.maxTraces ?? 1000;
    this.maxSegmentsPerTrace = options.maxSegmentsPerTrace ?? 1000;
  }

  /**
   * Keeps a segment document (as a function host or the daemon hands it); answers false for one
   * that is not a document, or that its trace has no room for.
   *
   * @example
   * traces.add({ name: 'bookings', id, trace_id, start_time, end_time, origin: 'AWS::Lambda::Function' });
   */
  add(value: unknown): boolean {
    const document = toSegmentDocument(value);
    if (!document) return false;
    const trace = this.traces.get(document.trace_id) ?? { id: document.trace_id, documents: new Map() };
    if (!trace.documents.has(document.id) && trace.documents.size >= this.maxSegmentsPerTrace) return false;
    trace.documents.set(document.id, document);
    // Written to just now: it goes to the end, the last to be forgotten.
    this.traces.delete(trace.id);
    this.traces.set(trace.id, trace);
    for (const oldest of this.traces.keys()) {
      if (this.traces.size <= this.maxTraces) break;
      this.traces.delete(oldest);
    }
    return true;
  }

  /** How many traces it holds. */
  get size(): number {
    return this.traces.size;
  }

  /**
   * The traces, newest first (by start), those with every annotation asked for when `annotations` is given.
   *
   * @example
   * traces.list({ annotations: { correlationId: 'abc' } })[0]?.functions; // ['bookings', 'publisher', ...]
   */
  list(filter: { readonly annotations?: Readonly<Record<string, string>> } = {}): TraceSummary[] {
    return [...this.traces.values()]
      .filter((trace) => !filter.annotations || hasAnnotations(trace, filter.annotations))
      .map(summarize)
      .sort((a, b) => b.start - a.start)
      .map(({ start: _start, ...summary }) => summary);
  }

  /**
   * A trace's documents, by `start_time`; undefined for a trace it does not hold.
   *
   * @example
   * traces.get('1-5759e988-bd862e3fe1be46a994272793')?.segments.length; // 4
   */
  get(id: string): { readonly id: string; readonly segments: readonly SegmentDocument[] } | undefined {
    const trace = this.traces.get(id);
    return trace ? { id, segments: [...trace.documents.values()].sort(byStart) } : undefined;
  }
}

export type { SegmentDocument, TraceSummary };
export { TraceStore, toSegmentDocument };
