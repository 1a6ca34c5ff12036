/**
 * A local EventBridge bus: an HTTP endpoint that speaks `PutEvents` (AWS JSON 1.1), so the real
 * `@aws-sdk/client-eventbridge` works against it unchanged. It records every event that crosses it
 * (readable at `GET /_devstack/events`) and delivers each to the targets of the rules whose pattern
 * matches, as EventBridge does: asynchronously, retried twice on failure, the delays on the devstack
 * clock. A target is a function or a queue; the bus only calls `deliver`.
 *
 * An entry's `TraceHeader` (the X-Ray trace the publisher was in; at most 500 characters) stays with
 * its event, as EventBridge keeps it: recorded (`traceHeader` at `GET /_devstack/events`) and
 * handed to each delivery, and to `onDeliveryFailure`, so a Lambda target is invoked in that trace
 * and an SQS target's message (or a dead letter) carries it as `AWSTraceHeader`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, systemClock } from './clock.ts';
import { readBody } from './http-body.ts';
import { type HttpServer, startHttpServer } from './http-server.ts';

interface RecordedEvent {
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly eventBusName: string;
  /** The entry's `TraceHeader`, when it had one. */
  readonly traceHeader?: string;
}

/** What a delivery carries beside the event: the trace it continues. */
interface Delivery {
  readonly traceHeader?: string | undefined;
}

/** An EventBridge event pattern: field -> allowed values, or a nested pattern. */
type EventPattern = { readonly [field: string]: readonly unknown[] | EventPattern };

interface Rule {
  readonly name: string;
  readonly pattern: EventPattern;
  /** Delivers the event (in EventBridge's delivery shape) to the target, in the entry's trace. */
  readonly deliver: (event: EventBridgeEvent, delivery: Delivery) => Promise<void>;
}

interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

interface EventBusOptions {
  readonly port?: number;
  readonly host?: string;
  readonly rules?: readonly Rule[];
  /** How many events to keep for `GET /_devstack/events`. */
  readonly keep?: number;
  readonly onDeliveryFailure?: (
    rule: string,
    event: EventBridgeEvent,
    error: unknown,
    delivery: Delivery,
  ) => void;
  readonly clock?: Clock;
}

const MAX_ENTRY_BYTES = 256 * 1024;
const MAX_ENTRIES = 10;
const MAX_TRACE_HEADER_LENGTH = 500;
const DELIVERY_ATTEMPTS = 3;

const matchesValue = (matcher: unknown, value: unknown): boolean => {
  if (matcher !== null && typeof matcher === 'object') {
    const m = matcher as Record<string, unknown>;
    if ('prefix' in m) return typeof value === 'string' && value.startsWith(String(m.prefix));
    if ('exists' in m) return (value !== undefined) === Boolean(m.exists);
    if ('anything-but' in m) {
      const excluded = Array.isArray(m['anything-but']) ? m['anything-but'] : [m['anything-but']];
      return value !== undefined && !excluded.includes(value);
    }
    return false;
  }
  return matcher === value;
};

/**
 * True when an event matches an EventBridge pattern (exact values, `prefix`, `exists` and
 * `anything-but` matchers, nested fields, and array-valued fields matching any element).
 */
const matchesPattern = (pattern: EventPattern, event: Readonly<Record<string, unknown>>): boolean =>
  Object.entries(pattern).every(([field, expected]) => {
    const value = event[field];
    if (Array.isArray(expected)) {
      const candidates = Array.isArray(value) ? value : [value];
      return expected.some((matcher) =>
        matcher !== null && typeof matcher === 'object' && 'exists' in matcher
          ? matchesValue(matcher, value)
          : candidates.some((candidate) => matchesValue(matcher, candidate)),
      );
    }
    return (
      value !== null &&
      typeof value === 'object' &&
      matchesPattern(expected as EventPattern, value as Record<string, unknown>)
    );
  });

const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
};

/**
 * The events recorded on the bus that match the filters of `GET /_devstack/events`: `detailType`,
 * `source` and `correlationId` (the envelope's), each optional.
 *
 * @example
 * filterEvents(bus.events, new URLSearchParams('detailType=user.registered'));
 */
const filterEvents = (events: readonly RecordedEvent[], query: URLSearchParams): RecordedEvent[] => {
  const detailType = query.get('detailType');
  const source = query.get('source');
  const correlationId = query.get('correlationId');
  return events.filter(
    (event) =>
      (!detailType || event.detailType === detailType) &&
      (!source || event.source === source) &&
      (!correlationId || (event.detail as { correlationId?: unknown }).correlationId === correlationId),
  );
};

class LocalEventBus {
  readonly name = 'event bus';
  readonly events: RecordedEvent[] = [];
  private server: HttpServer | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly clock: Clock;
  endpoint = '';

  constructor(private readonly options: EventBusOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<string> {
    this.server = await startHttpServer({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
      handler: (request, response) =>
        this.handle(request, response).catch((error: unknown) => {
          sendJson(response, 500, { __type: 'InternalException', message: String(error) });
        }),
    });
    this.endpoint = this.server.url;
    return this.endpoint;
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = (await readBody(request)).toString('utf8');
    if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      return sendJson(response, 400, {
        __type: 'UnknownOperationException',
        message: `The local bus answers AWSEvents.PutEvents only, not ${target || request.method}`,
      });
    }
    let input: { Entries?: unknown };
    try {
      input = JSON.parse(body) as { Entries?: unknown };
    } catch {
      return sendJson(response, 400, { __type: 'SerializationException', message: 'Malformed JSON' });
    }
    const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      return sendJson(response, 400, {
        __type: 'ValidationException',
        message: `PutEvents takes 1 to ${MAX_ENTRIES} entries`,
      });
    }
    const results = entries.map((entry) => this.accept(entry));
    sendJson(response, 200, {
      FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
      Entries: results,
    });
  }

  private accept(
    entry: Record<string, unknown>,
  ): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    const { Source, DetailType, Detail, EventBusName, Time, TraceHeader } = entry;
    if (typeof Source !== 'string' || typeof DetailType !== 'string' || typeof Detail !== 'string') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    if (
      TraceHeader !== undefined &&
      (typeof TraceHeader !== 'string' ||
        TraceHeader.length === 0 ||
        TraceHeader.length > MAX_TRACE_HEADER_LENGTH)
    ) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `TraceHeader is a string of 1 to ${MAX_TRACE_HEADER_LENGTH} characters`,
      };
    }
    if (Buffer.byteLength(Detail) > MAX_ENTRY_BYTES) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry is larger than 256 KB' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object' };
    }
    const now = new Date(this.clock.now());
    const time =
      typeof Time === 'number' ? new Date(Time * 1000) : typeof Time === 'string' ? new Date(Time) : now;
    const recorded: RecordedEvent = {
      id: randomUUID(),
      time: (Number.isNaN(time.getTime()) ? now : time).toISOString(),
      source: Source,
      detailType: DetailType,
      detail,
      eventBusName: typeof EventBusName === 'string' ? EventBusName : 'default',
      ...(typeof TraceHeader === 'string' ? { traceHeader: TraceHeader } : {}),
    };
    this.events.push(recorded);
    const keep = this.options.keep ?? 10_000;
    if (this.events.length > keep) this.events.splice(0, this.events.length - keep);
    this.route(recorded);
    return { EventId: recorded.id };
  }

  private route(recorded: RecordedEvent) {
    const event: EventBridgeEvent = {
      version: '0',
      id: recorded.id,
      'detail-type': recorded.detailType,
      source: recorded.source,
      account: '000000000000',
      time: recorded.time.replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail: recorded.detail,
    };
    const trace: Delivery = recorded.traceHeader ? { traceHeader: recorded.traceHeader } : {};
    for (const rule of this.options.rules ?? []) {
      if (!matchesPattern(rule.pattern, event as unknown as Record<string, unknown>)) continue;
      const delivery = this.deliver(rule, event, trace);
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  private async deliver(rule: Rule, event: EventBridgeEvent, trace: Delivery) {
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
      try {
        await rule.deliver(event, trace);
        return;
      } catch (error) {
        if (attempt < DELIVERY_ATTEMPTS && !this.stopping.signal.aborted) {
          await this.clock.sleep(100 * 2 ** attempt, this.stopping.signal);
          if (!this.stopping.signal.aborted) continue;
        }
        // The last attempt failed, or the bus is stopping and makes no further attempt.
        this.options.onDeliveryFailure?.(rule.name, event, error, trace);
        return;
      }
    }
  }

  /** Resolves when every delivery under way has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Takes no more events, and resolves once the deliveries under way are through (no more retries). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
    this.stopping.abort();
    await this.settled();
  }
}

export type { Delivery, EventBridgeEvent, EventBusOptions, EventPattern, RecordedEvent, Rule };
export { filterEvents, LocalEventBus, matchesPattern };
