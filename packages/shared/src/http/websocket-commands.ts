/**
 * Contract operations as WebSocket commands: another adapter in front of the same operations, not
 * another implementation of them.
 *
 * A command message names an operation by its `action` (a route of the WebSocket API) and carries
 * what the REST request would: `requestId` (echoed in the answer, and the correlation id when it
 * is a well-formed `X-Request-Id`), the path parameters by name (`bookingId`), `query` (the query
 * parameters), `body` (the JSON body) and the header parameters in camel case (`idempotencyKey`
 * for `Idempotency-Key`, `ifMatch` for `If-Match`). The adapter turns it into the request the HTTP
 * adapter reads and runs it through the service's own HTTP handler, so the command meets every rule
 * the REST operation does: the same validators, roles, handlers, use cases and problem+json errors.
 * The principal is the connection's, which the `$connect` authorizer established; a connection
 * whose access token has expired since is answered 401.
 *
 * The answer goes back as the route's response (the WebSocket API's two-way routes send a
 * function's `body` to the client):
 * `{ "type": "response", "requestId": "r1", "status": 201, "body": {...}, "headers": {...} }`,
 * with the operation's status and body (a problem for an error) and the headers a client acts on
 * (`etag`, `location`, `retry-after`, `idempotent-replayed`).
 *
 * @example
 * const commands = createWebSocketCommands({
 *   operations, http, logger,
 *   actions: { createBooking: 'createBooking', getBooking: 'getBooking' },
 * });
 * export const handler = createLambdaEntry('bookings', { http, webSocket: commands });
 */
import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { type AuthorizerContext, principalFrom } from '../auth.ts';
import { type FieldError, TesseraError, UnauthenticatedError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HttpEvent, HttpResponse } from './adapter.ts';
import { problemResponse } from './problem.ts';
import type { OperationSpec } from './types.ts';
import { messageError, readMessage } from './websocket-message.ts';

/** A route's answer: API Gateway sends `body` to the client. */
interface WebSocketRouteResult {
  readonly statusCode: number;
  readonly body: string;
}

interface WebSocketCommandsOptions {
  /** The service's generated operations table. */
  readonly operations: Readonly<Record<string, OperationSpec>>;
  /** The service's HTTP handler (`createHttpHandler`), which runs the operation. */
  readonly http: (event: HttpEvent) => Promise<HttpResponse>;
  /** Route (`action`) -> the operation id it runs. */
  readonly actions: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Seconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

/** What a WebSocket event carries for the connection, beside API Gateway's own fields. */
type CommandEvent = APIGatewayProxyWebsocketEventV2 & {
  readonly requestContext: { readonly authorizer?: AuthorizerContext & { readonly principalId?: string } };
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The answer's headers a client acts on. */
const ANSWERED_HEADERS = ['etag', 'location', 'retry-after', 'idempotent-replayed'];
/** The fields of a command message other than path and header parameters. */
const ENVELOPE = new Set(['action', 'requestId', 'query', 'body']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `idempotency-key` -> `idempotencyKey`. */
const camelCase = (header: string) =>
  header.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The REST request a command stands for, in the API Gateway (payload 2.0) shape the HTTP adapter reads. */
const requestOf = (
  spec: OperationSpec,
  message: Record<string, unknown>,
  event: CommandEvent,
  correlationId: string | undefined,
): HttpEvent => {
  const errors: FieldError[] = [];
  const known = new Set([...ENVELOPE, ...spec.params.path, ...spec.params.header.map(camelCase)]);
  for (const field of Object.keys(message)) {
    if (!known.has(field)) errors.push(messageError(field, `is not a field of ${String(message.action)}`));
  }
  const pathParameters: Record<string, string> = {};
  for (const name of spec.params.path) {
    const value = message[name];
    if (typeof value === 'string' && value !== '') pathParameters[name] = value;
    else errors.push(messageError(name, 'is required, a string'));
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (correlationId) headers['x-request-id'] = correlationId;
  for (const name of spec.params.header) {
    const value = message[camelCase(name)];
    if (value === undefined) continue;
    if (typeof value === 'string') headers[name] = value;
    else errors.push(messageError(camelCase(name), 'must be a string'));
  }
  const query: Record<string, string> = {};
  if (message.query !== undefined) {
    if (!isObject(message.query)) errors.push(messageError('query', 'must be an object'));
    else {
      for (const [name, value] of Object.entries(message.query)) {
        if (['string', 'number', 'boolean'].includes(typeof value)) query[name] = String(value);
        else errors.push(messageError(`query.${name}`, 'must be a string, a number or a boolean'));
      }
    }
  }
  if (message.body !== undefined && !spec.body)
    errors.push(messageError('body', 'is not taken by this command'));
  if (errors.length > 0) {
    throw new ValidationError('INVALID_MESSAGE', 'The message does not match the command.', errors);
  }
  const rawPath = spec.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(pathParameters[name] ?? ''),
  );
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: `${spec.method} ${spec.path}`,
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(spec.params.path.length > 0 ? { pathParameters } : {}),
    ...(message.body !== undefined ? { body: JSON.stringify(message.body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '',
      apiId: event.requestContext.apiId,
      domainName: event.requestContext.domainName,
      domainPrefix: '',
      http: { method: spec.method, path: rawPath, protocol: 'WebSocket', sourceIp: '', userAgent: '' },
      requestId: event.requestContext.requestId,
      routeKey: `${spec.method} ${spec.path}`,
      stage: event.requestContext.stage,
      time: '',
      timeEpoch: event.requestContext.requestTimeEpoch,
      authorizer: {
        lambda: {
          userId: event.requestContext.authorizer?.userId,
          role: event.requestContext.authorizer?.role,
          exp: Number(event.requestContext.authorizer?.exp),
        },
      },
    },
  } as unknown as HttpEvent;
};

const answer = (fields: Record<string, unknown>): WebSocketRouteResult => ({
  statusCode: 200,
  body: JSON.stringify({ type: 'response', ...fields }),
});

/**
 * Builds the WebSocket handler of a service's command routes.
 *
 * @example
 * const webSocket = createWebSocketCommands({ operations, http, logger, actions: { getBooking: 'getBooking' } });
 */
const createWebSocketCommands = (options: WebSocketCommandsOptions) => {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const specs = new Map<string, OperationSpec>();
  for (const [action, operationId] of Object.entries(options.actions)) {
    const spec = options.operations[operationId];
    if (!spec) throw new Error(`The command ${action} names no operation ${operationId}`);
    specs.set(action, spec);
  }

  return async (event: CommandEvent): Promise<WebSocketRouteResult> => {
    const action = event.requestContext.routeKey;
    let requestId: string | undefined;
    try {
      const spec = specs.get(action);
      if (!spec) throw new ValidationError('UNKNOWN_ACTION', `No command is named ${action}.`);
      const message = readMessage(event);
      if (typeof message.requestId === 'string' && message.requestId.length <= 128) {
        requestId = message.requestId;
      } else {
        throw new ValidationError('INVALID_MESSAGE', 'The message does not match the command.', [
          messageError('requestId', 'is required, a string of 1 to 128 characters'),
        ]);
      }
      if (spec.secured && !principalFrom(event.requestContext.authorizer, now())) {
        throw new UnauthenticatedError(
          'UNAUTHENTICATED',
          'The access token of this connection has expired; connect again with a new one.',
        );
      }
      const response = await options.http(
        requestOf(spec, message, event, REQUEST_ID.test(requestId) ? requestId : undefined),
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers ?? {})) {
        if (ANSWERED_HEADERS.includes(name.toLowerCase())) headers[name.toLowerCase()] = String(value);
      }
      return answer({
        requestId,
        status: response.statusCode ?? 200,
        body: response.body === undefined || response.body === '' ? null : JSON.parse(response.body),
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
      });
    } catch (error) {
      const { status, headers, problem } = problemResponse(error, {
        instance: `websocket:${action}`,
        requestId: requestId ?? event.requestContext.requestId,
      });
      if (!(error instanceof TesseraError)) {
        await options.logger.error('command failed', { action, requestId, error: error as Error });
      }
      const retryAfter = headers['retry-after'];
      return answer({
        requestId: requestId ?? null,
        status,
        body: problem,
        ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
      });
    }
  };
};

export type { WebSocketCommandsOptions, WebSocketRouteResult };
export { createWebSocketCommands };
