/**
 * The Lambda entry of a service function: one export that tells the kinds of event apart and hands
 * each to its handler, so an `index.ts` only names its handlers.
 *
 * Kinds, told apart by their shape:
 * - `http`: an API Gateway HTTP API event (payload 2.0);
 * - `webSocket`: an API Gateway WebSocket event (`requestContext.connectionId` and `eventType`);
 * - `sqs`: a batch of SQS messages (`Records[].eventSource` = `aws:sqs`), answered with
 *   `batchItemFailures`;
 * - `eventBridge`: an EventBridge delivery (`source` and `detail-type`);
 * - `schedule`: an EventBridge Scheduler invocation, whose input Tessera writes as
 *   `{ "schedule": "<name>", ... }`;
 * - `command`: a direct invocation `{ "command": "<name>", ... }` (an operator's, or the devstack's).
 *
 * An event of a kind the function declares no handler for fails with one clear error naming the
 * function, the kind (or `unknown`) and the event's top-level keys, never a handler called with the
 * wrong shape.
 *
 * The entry counts the environment's cold start (`ColdStarts`, on its first invocation) and runs a
 * WebSocket route, a schedule or a command in a trace subsegment named after it; HTTP operations and
 * events get theirs from the HTTP adapter and the consumer kit, which know their operation.
 *
 * @example
 * export const handler = createLambdaEntry('tickets', {
 *   http: (event) => http(event),
 *   eventBridge: (event) => consumer.eventBridge(event),
 * }, { metrics });
 */
import type { APIGatewayProxyWebsocketEventV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
// Types only: the entry is on every cold start of every export, so it imports no code of the
// adapters it dispatches to (each handler loads its own).
import type { EventBridgeDelivery } from './events/envelope.ts';
import type { HttpEvent, HttpResponse } from './http/adapter.ts';
import { coldStartCounter, type Metrics } from './metrics/metrics.ts';
import { type Annotations, traced } from './tracing/tracing.ts';

/** What EventBridge Scheduler hands a Tessera function: the input its schedule was made with. */
interface ScheduleEvent {
  readonly schedule: string;
  readonly [field: string]: unknown;
}

/** A direct invocation. */
interface CommandEvent {
  readonly command: string;
  readonly [field: string]: unknown;
}

interface EntryHandlers {
  readonly http?: (event: HttpEvent, context: unknown) => Promise<HttpResponse>;
  readonly webSocket?: (event: APIGatewayProxyWebsocketEventV2, context: unknown) => Promise<unknown>;
  readonly sqs?: (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;
  readonly eventBridge?: (event: EventBridgeDelivery, context: unknown) => Promise<unknown>;
  readonly schedule?: (event: ScheduleEvent, context: unknown) => Promise<unknown>;
  readonly command?: (event: CommandEvent, context: unknown) => Promise<unknown>;
}

type EventKind = keyof EntryHandlers;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isHttpEvent = (event: Record<string, unknown>): boolean =>
  event.version === '2.0' && typeof event.routeKey === 'string' && isObject(event.requestContext);

const isEventBridgeDelivery = (event: Record<string, unknown>): boolean =>
  typeof event['detail-type'] === 'string' && typeof event.source === 'string';

const isWebSocketEvent = (event: Record<string, unknown>): boolean =>
  isObject(event.requestContext) &&
  typeof event.requestContext.connectionId === 'string' &&
  typeof event.requestContext.eventType === 'string';

const isSqsEvent = (event: Record<string, unknown>): boolean =>
  Array.isArray(event.Records) &&
  event.Records.length > 0 &&
  event.Records.every((record) => isObject(record) && record.eventSource === 'aws:sqs');

/** The kind of a Lambda event, or undefined when it is none Tessera knows. */
const kindOf = (event: unknown): EventKind | undefined => {
  if (!isObject(event)) return undefined;
  if (isWebSocketEvent(event)) return 'webSocket';
  if (isHttpEvent(event)) return 'http';
  if (isSqsEvent(event)) return 'sqs';
  if (isEventBridgeDelivery(event)) return 'eventBridge';
  if (typeof event.schedule === 'string') return 'schedule';
  if (typeof event.command === 'string') return 'command';
  return undefined;
};

/** The function was invoked with an event it has no handler for. */
class UnsupportedEventError extends Error {
  constructor(functionName: string, kind: EventKind | undefined, event: unknown) {
    const keys = isObject(event) ? Object.keys(event).slice(0, 10).join(', ') : typeof event;
    super(
      `The ${functionName} function has no handler for ${kind ? `${kind} events` : 'this kind of event'} (its keys: ${keys || 'none'})`,
    );
    this.name = 'UnsupportedEventError';
  }
}

interface EntryOptions {
  readonly metrics: Pick<Metrics, 'emit'>;
}

/** The subsegment the entry opens for an event of a kind no adapter traces itself, if any. */
const subsegmentOf = (
  functionName: string,
  kind: EventKind,
  event: Record<string, unknown>,
): { readonly name: string; readonly annotations: Annotations } | undefined => {
  if (kind === 'webSocket') {
    const context = event.requestContext as Record<string, unknown>;
    const route = String(context.routeKey ?? context.eventType);
    return { name: `${functionName} ${route}`, annotations: { operation: route, service: functionName } };
  }
  if (kind === 'schedule' || kind === 'command') {
    const operation = String(event[kind]);
    // A schedule's input names the correlation id of the request it came from: the annotation
    // finds the firing although Scheduler starts a new trace.
    const correlationId = typeof event.correlationId === 'string' ? event.correlationId : undefined;
    return {
      name: `${functionName} ${kind} ${operation}`,
      annotations: { operation, service: functionName, correlationId },
    };
  }
  return undefined;
};

/** Builds the export Lambda calls: the kind of each event picks its handler. */
const createLambdaEntry = (functionName: string, handlers: EntryHandlers, options: EntryOptions) => {
  const countColdStart = coldStartCounter(options.metrics);
  return async (event: unknown, context?: unknown): Promise<unknown> => {
    countColdStart();
    const kind = kindOf(event);
    const handler = kind ? handlers[kind] : undefined;
    if (!kind || !handler) throw new UnsupportedEventError(functionName, kind, event);
    const run = () => (handler as (event: unknown, context: unknown) => Promise<unknown>)(event, context);
    const subsegment = subsegmentOf(functionName, kind, event as Record<string, unknown>);
    return subsegment ? traced(subsegment.name, subsegment.annotations, run) : run();
  };
};

export type { CommandEvent, EntryHandlers, EntryOptions, EventKind, ScheduleEvent };
export { createLambdaEntry, kindOf, UnsupportedEventError };
