/**
 * X-Ray trace headers, as AWS writes them on an HTTP request (`X-Amzn-Trace-Id`), a `PutEvents`
 * entry (`TraceHeader`), an SQS message (`AWSTraceHeader`) and a Lambda invocation
 * (`_X_AMZN_TRACE_ID`, the invoke store): `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`.
 *
 * Fields come in any order, separated by `;` (spaces around them tolerated); `Root` is required and
 * `1-<8 hex: epoch seconds>-<24 hex>`, `Parent` a 16-hex segment id, `Sampled` `0`, `1` or `?`,
 * `Lineage` Lambda's recursion-loop counter. Anything else is dropped: the devstack never hands a
 * field on that it does not know.
 */
import { randomBytes } from 'node:crypto';

interface TraceHeader {
  /** `1-<8 hex>-<24 hex>`. */
  readonly root: string;
  /** The segment the work was called from, when there is one. */
  readonly parent?: string | undefined;
  /** `true` for `Sampled=1`, `false` for `Sampled=0`, undefined when absent or `?`. */
  readonly sampled?: boolean | undefined;
  readonly lineage?: string | undefined;
}

const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;
/** Lambda's `Lineage`: `<8 hex>:<count>`, several joined by `|`. */
const LINEAGE = /^[0-9a-f]{8}:\d{1,3}(\|[0-9a-f]{8}:\d{1,3})*$/;

/**
 * Reads a trace header; undefined when it has no valid `Root` (a header X-Ray would not continue).
 * A malformed `Parent`, `Sampled` or `Lineage` is left out; unknown fields are ignored.
 *
 * @example
 * parseTraceHeader('Sampled=1;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8');
 * // { root: '1-5759e988-bd862e3fe1be46a994272793', parent: '53995c3f42cd8ad8', sampled: true }
 */
const parseTraceHeader = (header: unknown): TraceHeader | undefined => {
  if (typeof header !== 'string' || header.length > 2000) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    // The first of a repeated field counts, as X-Ray reads it.
    if (!fields.has(key)) fields.set(key, part.slice(at + 1).trim());
  }
  const root = fields.get('Root');
  if (root === undefined || !ROOT.test(root)) return undefined;
  const parent = fields.get('Parent');
  const sampled = fields.get('Sampled');
  const lineage = fields.get('Lineage');
  return {
    root,
    ...(parent !== undefined && SEGMENT_ID.test(parent) ? { parent } : {}),
    ...(sampled === '1' ? { sampled: true } : sampled === '0' ? { sampled: false } : {}),
    ...(lineage !== undefined && LINEAGE.test(lineage) ? { lineage } : {}),
  };
};

/**
 * Writes a trace header: `Root`, then `Parent` and `Sampled` when known, then `Lineage`.
 *
 * @example
 * formatTraceHeader({ root: '1-5759e988-bd862e3fe1be46a994272793', parent: '53995c3f42cd8ad8', sampled: true });
 * // 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
 */
const formatTraceHeader = ({ root, parent, sampled, lineage }: TraceHeader): string =>
  [
    `Root=${root}`,
    ...(parent ? [`Parent=${parent}`] : []),
    ...(sampled === undefined ? [] : [`Sampled=${sampled ? 1 : 0}`]),
    ...(lineage ? [`Lineage=${lineage}`] : []),
  ].join(';');

/**
 * A new trace id, as X-Ray makes one: `1-`, the epoch seconds of `nowMs` in 8 hex digits, `-`, 24
 * random hex digits.
 *
 * @example
 * newTraceId(Date.now()); // '1-6931d0f0-3c5e0c9b8f1e2d4a6b7c8d9e'
 */
const newTraceId = (nowMs: number): string =>
  `1-${Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8)}-${randomBytes(12).toString('hex')}`;

/** A new segment id: 16 random hex digits. */
const newSegmentId = (): string => randomBytes(8).toString('hex');

/**
 * The header an invocation runs with, as Lambda with active tracing makes it: the trace of the
 * given header (a new one when there is none, or it is not valid), a new segment `segmentId` for
 * the function as its `Parent`, sampled. Answers the header, the trace id, and the given header's
 * `Parent` (the segment the function's own segment hangs from).
 *
 * @example
 * invocationTrace('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', Date.now());
 * // { header: 'Root=1-5759e988-...;Parent=<new>;Sampled=1', traceId: '1-5759e988-...', segmentId: '<new>', parentId: '53995c3f42cd8ad8' }
 */
const invocationTrace = (
  given: string | undefined,
  nowMs: number,
): { header: string; traceId: string; segmentId: string; parentId: string | undefined } => {
  const incoming = parseTraceHeader(given);
  const traceId = incoming?.root ?? newTraceId(nowMs);
  const segmentId = newSegmentId();
  return {
    header: formatTraceHeader({ root: traceId, parent: segmentId, sampled: true }),
    traceId,
    segmentId,
    parentId: incoming?.parent,
  };
};

export type { TraceHeader };
export { formatTraceHeader, invocationTrace, newSegmentId, newTraceId, parseTraceHeader };
