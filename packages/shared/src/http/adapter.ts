/**
 * The HTTP adapter: API Gateway v2 (payload 2.0) event -> operation -> validated input -> handler
 * -> response.
 *
 * Steps, in order, for every request:
 * 1. Take the correlation id from `X-Request-Id` (when well formed) or make one.
 * 2. Find the operation by the event's route key (`POST /v1/auth/register`); none is a 404.
 * 3. Secured operations need a principal from the authorizer (401) with an allowed role (403).
 * 4. The path's parameters must be valid percent-encoding (400).
 * 5. A body must be at most 64 KiB (413), JSON (415), well formed (400) and match the schema (400).
 * 6. Path, query and header parameters are validated and coerced (400).
 * 7. The handler runs; its result becomes JSON, a thrown `TesseraError` becomes problem+json, and
 *    anything else a 500 whose details go to the log only.
 *
 * Every request runs in a trace subsegment named after its operation (annotated with the
 * correlation id and the operation), and ends with one EMF line: `Requests` by operation and status
 * class, and its `Latency`.
 */
import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { type AuthorizerContext, principalFrom } from '../auth.ts';
import {
  type FieldError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/catalog.ts';
import { statusClassOf } from '../metrics/shapes.ts';
import { once } from '../once.ts';
import { traced } from '../tracing/tracing.ts';
import { assertPathEncoding } from './path.ts';
import type { OperationSpec, OperationValidators } from './types.ts';

// Error responses are built by modules a successful request never needs; they load on the first
// failure instead of at cold start (ADR 0017).
const loadProblems = once(() => import('./problem.ts'));
const loadSchemaErrors = once(() => import('./schema-errors.ts'));

type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
type HttpResponse = APIGatewayProxyStructuredResultV2;

interface RawResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface RawRequest {
  readonly path: object;
  readonly query: object;
  readonly header: object;
  readonly body: unknown;
  readonly principal: ReturnType<typeof principalFrom>;
  readonly correlationId: string;
}

type RawHandler = (request: RawRequest) => Promise<RawResult>;

interface Route {
  readonly spec: OperationSpec;
  readonly handler: RawHandler;
  readonly validators: () => Promise<OperationValidators>;
}

interface HttpAdapterOptions {
  /** The service's generated operations table. */
  readonly operations: Readonly<Record<string, OperationSpec>>;
  /** One handler per operation id, typed through `OperationHandlers`. */
  readonly handlers: object;
  readonly logger: Logger;
  /** Where each request's `Requests` and `Latency` go; its service names the trace annotations' too. */
  readonly metrics: Pick<Metrics, 'emit' | 'service'>;
  /** Largest accepted body in bytes; 64 KiB unless given. */
  readonly maxBodyBytes?: number;
  /** Seconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

const MAX_BODY_BYTES = 64 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** The correlation id of a request: the caller's `X-Request-Id` when well formed, else a new UUID. */
const correlationIdOf = (headers: HttpEvent['headers']): string => {
  const given = headers?.['x-request-id'];
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
};

const pick = (source: Readonly<Record<string, string | undefined>> | undefined, names: readonly string[]) => {
  const out: Record<string, string> = {};
  if (!source) return out;
  for (const name of names) {
    const value = source[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
};

const authenticate = (spec: OperationSpec, event: HttpEvent, nowSeconds: number) => {
  const context = event.requestContext.authorizer?.lambda;
  const principal = principalFrom(context, nowSeconds);
  if (!spec.secured) return principal;
  if (!principal) {
    const hasToken = Boolean(event.headers?.authorization);
    const expired = context?.userId !== undefined && Number(context.exp) <= nowSeconds;
    throw new UnauthenticatedError(
      'UNAUTHENTICATED',
      hasToken ? 'The access token is not valid.' : 'This operation needs an access token.',
      hasToken
        ? {
            error: 'invalid_token',
            description: expired ? 'The access token has expired' : (context?.authError ?? 'invalid token'),
          }
        : null,
    );
  }
  if (spec.roles && !spec.roles.includes(principal.role)) {
    throw new ForbiddenError('FORBIDDEN', `This operation needs the role ${spec.roles.join(' or ')}.`);
  }
  return principal;
};

/** The parsed body, or undefined when the operation takes none. Throws 413, 415 and malformed-JSON 400s. */
const parseBody = (spec: OperationSpec, event: HttpEvent, maxBodyBytes: number): unknown => {
  if (!spec.body) return undefined;
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.byteLength(raw, 'base64') : Buffer.byteLength(raw, 'utf8');
  if (bytes > maxBodyBytes) {
    throw new PayloadTooLargeError('PAYLOAD_TOO_LARGE', `The body must be at most ${maxBodyBytes} bytes.`);
  }
  if (bytes === 0) return undefined;
  const contentType = event.headers?.['content-type'] ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      'UNSUPPORTED_MEDIA_TYPE',
      'The body must be application/json (UTF-8).',
    );
  }
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('MALFORMED_JSON', 'The body is not well-formed JSON.', [
      { location: 'body', field: '(body)', detail: 'is not well-formed JSON' },
    ]);
  }
};

/** Validates parameters and body together, so one 400 names every bad field. */
const validateInput = async (
  spec: OperationSpec,
  validators: OperationValidators,
  event: HttpEvent,
  body: unknown,
) => {
  const params = {
    path: pick(event.pathParameters, spec.params.path),
    query: pick(event.queryStringParameters, spec.params.query),
    header: pick(event.headers, spec.params.header),
  };
  const errors: FieldError[] = [];
  if (!validators.params(params)) {
    errors.push(...(await loadSchemaErrors()).parameterFieldErrors(validators.params.errors ?? []));
  }
  if (spec.body) {
    if (body === undefined) {
      if (spec.body.required) errors.push({ location: 'body', field: '(body)', detail: 'is required' });
    } else if (validators.body && !validators.body(body)) {
      errors.push(...(await loadSchemaErrors()).bodyFieldErrors(validators.body.errors ?? []));
    }
  }
  if (errors.length > 0) {
    throw new ValidationError('INVALID_REQUEST', 'The request does not match the contract.', errors);
  }
  return params;
};

const respond = (
  status: number,
  correlationId: string,
  body: unknown,
  contentType: string,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse => {
  const base: Record<string, string> = { 'x-request-id': correlationId, 'cache-control': 'no-store' };
  if (body !== undefined) base['content-type'] = contentType;
  for (const [name, value] of Object.entries(headers)) base[name.toLowerCase()] = value;
  return {
    statusCode: status,
    headers: base,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
};

/**
 * Builds the Lambda handler of a service's HTTP operations.
 *
 * @example
 * export const http = createHttpHandler({ operations, handlers, logger });
 */
const createHttpHandler = (options: HttpAdapterOptions) => {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const byRouteKey = new Map<string, Route>();
  const handlers = options.handlers as Readonly<Record<string, RawHandler>>;
  for (const spec of Object.values(options.operations)) {
    const handler = handlers[spec.operationId];
    if (!handler) throw new Error(`No handler for operation ${spec.operationId}`);
    // Each operation's validators load on its first request and stay.
    byRouteKey.set(`${spec.method} ${spec.path}`, { spec, handler, validators: once(spec.validators) });
  }

  const answer = async (event: HttpEvent, correlationId: string, route: Route | undefined) => {
    try {
      if (!route) throw new NotFoundError('ROUTE_NOT_FOUND', `No operation answers ${event.routeKey}.`);
      const principal = authenticate(route.spec, event, now());
      assertPathEncoding(route.spec.path, event.rawPath);
      const body = parseBody(route.spec, event, maxBodyBytes);
      const params = await validateInput(route.spec, await route.validators(), event, body);
      const result = await route.handler({ ...params, body, principal, correlationId });
      return respond(result.status, correlationId, result.body, 'application/json', result.headers);
    } catch (error) {
      const { PROBLEM_CONTENT_TYPE, problemResponse } = await loadProblems();
      const { status, headers, problem } = problemResponse(error, {
        instance: event.rawPath,
        requestId: correlationId,
      });
      if (status >= 500) {
        await options.logger.error('request failed', {
          correlationId,
          routeKey: event.routeKey,
          error: error as Error,
        });
      }
      return respond(status, correlationId, problem, PROBLEM_CONTENT_TYPE, headers);
    }
  };

  return async (event: HttpEvent): Promise<HttpResponse> => {
    const started = performance.now();
    const correlationId = correlationIdOf(event.headers);
    const route = byRouteKey.get(event.routeKey);
    // A route no operation answers is counted under one name, so a scan of made-up paths cannot
    // grow the metrics' dimensions.
    const operation = route?.spec.operationId ?? 'unmatched';
    const response = await traced(
      operation,
      { correlationId, operation, service: options.metrics.service },
      () => answer(event, correlationId, route),
      ({ statusCode = 200 }) => (statusCode >= 500 ? 'fault' : statusCode >= 400 ? 'error' : undefined),
    );
    const status = response.statusCode ?? 200;
    options.metrics.emit(
      { Requests: 1, Latency: Math.round((performance.now() - started) * 100) / 100 },
      {
        dimensions: { operation, statusClass: statusClassOf(status) },
        properties: { correlationId, status },
      },
    );
    return response;
  };
};

export type { HttpAdapterOptions, HttpEvent, HttpResponse };
export { correlationIdOf, createHttpHandler, MAX_BODY_BYTES };
