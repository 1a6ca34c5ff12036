/**
 * X-Ray tracing without the X-Ray SDK: the trace header carried across the bus and the queues, and a
 * subsegment per unit of work sent to the X-Ray daemon (ADR 0040).
 *
 * - The current header is one the kit set for the work at hand (`withTraceHeader`: an SQS record's
 *   `AWSTraceHeader`, an outbox record's stored header), else the invocation's, as Lambda gives it:
 *   its invoke store (`globalThis.awslambda.InvokeStore`, which Powertools reads too) or
 *   `_X_AMZN_TRACE_ID`.
 * - `traced(name, annotations, work)` runs `work` in a new subsegment of that trace: inside it, the
 *   current header's `Parent` is the subsegment, so an event written to the outbox there carries it
 *   (`outbox.ts`), the publisher puts it on the `PutEvents` entry's `TraceHeader`, EventBridge hands
 *   it to the targets (an SQS message's `AWSTraceHeader`, a Lambda's own trace), and one booking is
 *   one trace from `POST /v1/bookings` to its WebSocket push. When sampled, the subsegment is sent
 *   as one UDP datagram to `AWS_XRAY_DAEMON_ADDRESS`, annotated with the correlation id and the
 *   operation; without a daemon address or a sampled header nothing is sent.
 *
 * Sending never fails the work: a send error is dropped, as the X-Ray SDK drops it.
 *
 * @example
 * await traced('createBooking', { correlationId, operation: 'createBooking' }, () => handler(request));
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';

type Annotations = Readonly<Record<string, string | number | boolean | undefined>>;

interface TraceHeader {
  readonly root: string;
  readonly parent: string | undefined;
  readonly sampled: boolean;
}

const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;
const DAEMON_HEADER = '{"format":"json","version":1}\n';
/** X-Ray takes annotation keys of letters, digits and underscores, and values up to 1,000 characters. */
const ANNOTATION_KEY = /^[A-Za-z0-9_]{1,500}$/;

const parseTraceHeader = (header: string | undefined): TraceHeader | undefined => {
  if (!header) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const root = fields.get('Root');
  if (!root || !ROOT.test(root)) return undefined;
  const parent = fields.get('Parent');
  return {
    root,
    parent: parent && SEGMENT_ID.test(parent) ? parent : undefined,
    sampled: fields.get('Sampled') === '1',
  };
};

const formatTraceHeader = ({ root, parent, sampled }: TraceHeader): string =>
  `Root=${root}${parent ? `;Parent=${parent}` : ''};Sampled=${sampled ? 1 : 0}`;

const override = new AsyncLocalStorage<string | undefined>();

interface InvokeStoreLike {
  getXRayTraceId?: () => string | undefined;
}

/** The trace header of the work running now, or undefined outside any trace. */
const currentTraceHeader = (): string | undefined => {
  const own = override.getStore();
  if (own !== undefined) return own;
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStoreLike } }).awslambda?.InvokeStore;
  return store?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID;
};

/** Runs `work` with `header` as the current trace header (ignored when it is no valid header). */
const withTraceHeader = <T>(header: string | undefined, work: () => T): T =>
  parseTraceHeader(header) ? override.run(header, work) : work();

const newSegmentId = (): string => randomBytes(8).toString('hex');

let socket: Socket | undefined;

const daemonAddress = (): { host: string; port: number } | undefined => {
  // `host:port`, or the SDK's `udp:host:port tcp:host:port` form.
  const value = process.env.AWS_XRAY_DAEMON_ADDRESS;
  if (!value) return undefined;
  const udp = value.split(/\s+/).find((part) => part.startsWith('udp:')) ?? value.split(/\s+/)[0] ?? '';
  const match = /^(?:udp:)?([^:\s]+):(\d{1,5})$/.exec(udp);
  return match ? { host: match[1] as string, port: Number(match[2]) } : undefined;
};

/** Sends one segment document to the daemon; resolves when the datagram is out (or dropped). */
const sendDocument = async (document: Readonly<Record<string, unknown>>): Promise<void> => {
  const address = daemonAddress();
  if (!address) return;
  try {
    if (!socket) {
      const { createSocket } = await import('node:dgram');
      socket = createSocket('udp4');
      socket.unref();
      socket.on('error', () => undefined);
    }
    const datagram = Buffer.from(DAEMON_HEADER + JSON.stringify(document));
    await new Promise<void>((resolve) => socket?.send(datagram, address.port, address.host, () => resolve()));
  } catch {
    // Tracing never fails the work.
  }
};

const annotationsOf = (annotations: Annotations): Record<string, string | number | boolean> => {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (value === undefined || !ANNOTATION_KEY.test(key)) continue;
    out[key] = typeof value === 'string' ? value.slice(0, 1000) : value;
  }
  return out;
};

/** What a settled piece of work was, as X-Ray marks it: `error` for a client's, `fault` for any other. */
type Outcome = 'error' | 'fault' | undefined;

/**
 * Runs `work` in a subsegment named `name` of the current trace (as is, outside any trace), and
 * sends the subsegment, with its annotations, once the work settles: a throw marks it a fault, and
 * `outcomeOf` tells what a result was (an HTTP 4xx an error, a 5xx a fault).
 */
const traced = async <T>(
  name: string,
  annotations: Annotations,
  work: () => Promise<T>,
  outcomeOf: (result: T) => Outcome = () => undefined,
): Promise<T> => {
  const header = parseTraceHeader(currentTraceHeader());
  if (!header) return work();
  const id = newSegmentId();
  const startTime = Date.now() / 1000;
  let outcome: Outcome = 'fault';
  try {
    const result = await override.run(formatTraceHeader({ ...header, parent: id }), work);
    outcome = outcomeOf(result);
    return result;
  } finally {
    if (header.sampled) {
      await sendDocument({
        name: name.slice(0, 200),
        id,
        trace_id: header.root,
        ...(header.parent ? { parent_id: header.parent } : {}),
        type: 'subsegment',
        start_time: startTime,
        end_time: Date.now() / 1000,
        annotations: annotationsOf(annotations),
        ...(outcome ? { [outcome]: true } : {}),
      });
    }
  }
};

export type { Annotations, Outcome, TraceHeader };
export { currentTraceHeader, formatTraceHeader, parseTraceHeader, traced, withTraceHeader };
