/**
 * The local HTTP gateway, standing in for API Gateway's HTTP API:
 *
 * - routes come from `openapi/api.yaml` (literal path segments win over parameters, as in API
 *   Gateway), HEAD operations included; path parameters are percent-decoded, and a broken encoding
 *   is a 400 problem naming the parameter;
 * - an operation goes to the function that serves its service's operations (`x-tessera-service`),
 *   as the manifests say; a secured one goes through the HTTP authorizer function first, and its
 *   answer's context reaches the service as `requestContext.authorizer.lambda`;
 * - the function gets an API Gateway v2 (payload 2.0) event and its structured result is written
 *   back as is (a HEAD answer never with a body);
 * - errors the gateway itself raises are problem+json, from the same mapper the services use.
 *
 * Besides the contract it serves `GET /openapi.json`, the devstack's pages (the API reference at
 * `/docs`, the live demo at `/demo`, and their assets), and hands `/_devstack/*` to the devstack's
 * router.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from '@tessera/shared/errors';
import {
  correlationIdOf,
  decodePathParameter,
  InvalidPathEncodingError,
  PROBLEM_CONTENT_TYPE,
  problemResponse,
} from '@tessera/shared/http';
import type { Contract, ContractOperation } from '@tessera/tooling/contract';
import { authorize, type HttpRequestParts, httpApiEvent, httpAuthorizerEvent } from './api-gateway-events.ts';
import { type Clock, systemClock } from './clock.ts';
import { FunctionTimeoutError } from './function-host.ts';
import { readBody } from './http-body.ts';
import { type HttpServer, startHttpServer } from './http-server.ts';
import type { Pages } from './pages.ts';
import type { DevstackRouter } from './router.ts';

interface GatewayOptions {
  readonly port: number;
  readonly host: string;
  readonly contract: Contract;
  /** Invokes a function by name. */
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** The function that serves a service's operations, by the service's name. */
  readonly operationsFunction: (service: string) => string | undefined;
  /** The function that authorizes secured operations. */
  readonly authorizer: string | undefined;
  /** Answers `/_devstack/*`. */
  readonly router?: DevstackRouter;
  /** The pages it serves to GET and HEAD (`/docs`, `/demo` and their assets), by path. */
  readonly pages?: Pages;
  readonly clock?: Clock;
  readonly onRequest?: (line: RequestLogLine) => void;
  readonly onError?: (message: string, error: unknown) => void;
}

/** One request as the gateway reports it, for an access log. */
interface RequestLogLine {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly requestId: string;
}

interface Route {
  readonly operation: ContractOperation;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly literalSegments: number;
}

/** API Gateway's payload limit. Services enforce their own, smaller limit (64 KiB). */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const TEXT_MEDIA_TYPE = /^(text\/|application\/(json|[\w.+-]+\+json|xml|x-www-form-urlencoded|javascript))/i;

const compileRoutes = (contract: Contract): Route[] =>
  contract.operations
    .map((operation) => {
      const names: string[] = [];
      const segments = operation.path.split('/').map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(param[1]);
        return '([^/]+)';
      });
      return {
        operation,
        pattern: new RegExp(`^${segments.join('/')}$`),
        names,
        literalSegments: operation.path.split('/').length - names.length,
      };
    })
    // Most specific first: /v1/users/me before /v1/users/{userId}.
    .sort((a, b) => b.literalSegments - a.literalSegments);

/**
 * The operation that answers a method and path, with its decoded path parameters, or null. A
 * parameter whose percent-encoding is broken still matches (API Gateway routes on the raw path);
 * the match then carries the 400 problem to answer, naming each broken parameter.
 *
 * @example
 * matchRoute(routes, 'GET', '/v1/users/me')?.operation.operationId; // 'getMe'
 * matchRoute(routes, 'GET', '/v1/users/%ZZ')?.encodingError; // InvalidPathEncodingError (userId)
 */
const matchRoute = (routes: readonly Route[], method: string, path: string) => {
  for (const route of routes) {
    if (route.operation.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    const broken: string[] = [];
    route.names.forEach((name, i) => {
      try {
        pathParameters[name] = decodePathParameter(name, match[i + 1] ?? '');
      } catch {
        broken.push(name);
      }
    });
    return {
      operation: route.operation,
      pathParameters,
      ...(broken.length > 0 ? { encodingError: new InvalidPathEncodingError(broken) } : {}),
    };
  }
  return null;
};

/** Headers as API Gateway v2 passes them: lower-cased, repeated values joined by commas. */
const flatHeaders = (request: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
};

const queryParameters = (url: URL): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) out[name] = url.searchParams.getAll(name).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
};

class Gateway {
  readonly name = 'gateway';
  private server: HttpServer | undefined;
  private readonly routes: Route[];
  /** `GET /openapi.json`'s body: the contract does not change while the gateway runs. */
  private readonly contractJson: string;
  private readonly clock: Clock;
  url = '';

  constructor(private readonly options: GatewayOptions) {
    this.routes = compileRoutes(options.contract);
    this.contractJson = JSON.stringify(options.contract.document);
    this.clock = options.clock ?? systemClock;
  }

  /** Opens the gateway; resolves with its URL once it listens. */
  async start(): Promise<string> {
    this.server = await startHttpServer({
      host: this.options.host,
      port: this.options.port,
      handler: (request, response) => this.handle(request, response),
      busyPort: { what: 'the HTTP gateway', variable: 'TESSERA_HTTP_PORT' },
    });
    this.url = this.server.url;
    return this.url;
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const started = performance.now();
    const requestId = correlationIdOf(request.headers as Record<string, string | undefined>);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    let status = 500;
    try {
      status = await this.route(request, response, url, method, requestId);
    } catch (error) {
      status = this.problem(response, method, error, url.pathname, requestId);
    } finally {
      this.options.onRequest?.({
        method,
        path: url.pathname,
        status,
        ms: Math.round(performance.now() - started),
        requestId,
      });
    }
  }

  private async route(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    method: string,
    requestId: string,
  ) {
    const readable = method === 'GET' || method === 'HEAD';
    if (readable && url.pathname === '/openapi.json') {
      return this.send(response, method, 200, { 'content-type': 'application/json' }, this.contractJson);
    }
    const page = readable ? this.options.pages?.(url.pathname) : undefined;
    if (page) {
      return this.send(response, method, 200, { ...page.headers, 'x-request-id': requestId }, page.body);
    }
    const router = this.options.router;
    if (router?.owns(url.pathname)) {
      const answer = await router.handle({
        method,
        url,
        headers: request.headers,
        body: () => readBody(request, MAX_REQUEST_BYTES),
      });
      return this.send(
        response,
        method,
        answer.status,
        { ...answer.headers, 'x-request-id': requestId },
        answer.body,
      );
    }
    const route = matchRoute(this.routes, method, url.pathname);
    if (!route) {
      throw new NotFoundError('ROUTE_NOT_FOUND', `No operation answers ${method} ${url.pathname}.`);
    }
    if (route.encodingError) throw route.encodingError;
    const target = this.options.operationsFunction(route.operation.service);
    if (!target) {
      throw new Error(`No function serves the operations of ${route.operation.service}`);
    }
    const body = await readBody(
      request,
      MAX_REQUEST_BYTES,
      () =>
        new PayloadTooLargeError(
          'PAYLOAD_TOO_LARGE',
          `The request is larger than ${MAX_REQUEST_BYTES} bytes.`,
        ),
    );
    const headers = flatHeaders(request);
    headers['x-request-id'] ??= requestId;
    const parts: HttpRequestParts = {
      method,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      cookies: request.headers.cookie?.split(/;\s*/).filter(Boolean) ?? [],
      queryStringParameters: queryParameters(url),
      routeKey: route.operation.routeKey,
      pathParameters: route.operation.parameters.some((p) => p.in === 'path')
        ? route.pathParameters
        : undefined,
      body,
      bodyIsText: body.length === 0 || TEXT_MEDIA_TYPE.test(headers['content-type'] ?? ''),
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      userAgent: request.headers['user-agent'] ?? '',
      protocol: `HTTP/${request.httpVersion}`,
      domainName: request.headers.host ?? 'localhost',
      receivedAt: this.clock.now(),
    };

    let context: Readonly<Record<string, unknown>> | undefined;
    if (route.operation.secured) {
      const authorizer = this.options.authorizer;
      if (!authorizer) throw new Error('A secured operation, and no function authorizes the HTTP API');
      const answer = await authorize({
        invoke: (event) => this.options.invoke(authorizer, event),
        identitySource: [headers.authorization],
        event: (identity) => httpAuthorizerEvent(parts, identity),
      });
      if (!answer.authorized && answer.reason === 'identity-missing') {
        // API Gateway answers a missing identity source itself, without calling the authorizer.
        throw new UnauthenticatedError('UNAUTHENTICATED', 'This operation needs an access token.');
      }
      if (!answer.authorized) throw new ForbiddenError('FORBIDDEN', 'The authorizer refused this request.');
      context = answer.context;
    }

    const result = await this.options.invoke(target, httpApiEvent(parts, context));
    return this.writeResult(response, method, result, requestId);
  }

  private writeResult(response: ServerResponse, method: string, result: unknown, requestId: string) {
    if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
      // API Gateway's reading of an unstructured result: 200 with the value as JSON.
      return this.send(
        response,
        method,
        200,
        { 'content-type': 'application/json', 'x-request-id': requestId },
        JSON.stringify(result),
      );
    }
    const structured = result as {
      statusCode: number;
      headers?: Record<string, string | number | boolean>;
      cookies?: string[];
      body?: string;
      isBase64Encoded?: boolean;
    };
    const headers: Record<string, string | string[]> = { 'x-request-id': requestId };
    for (const [name, value] of Object.entries(structured.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    if (structured.cookies && structured.cookies.length > 0) headers['set-cookie'] = structured.cookies;
    const body =
      structured.body === undefined
        ? ''
        : structured.isBase64Encoded
          ? Buffer.from(structured.body, 'base64')
          : structured.body;
    return this.send(response, method, structured.statusCode, headers, body);
  }

  private problem(
    response: ServerResponse,
    method: string,
    error: unknown,
    instance: string,
    requestId: string,
  ): number {
    const cause =
      error instanceof FunctionTimeoutError
        ? new ServiceUnavailableError('SERVICE_TIMEOUT', 'The service did not answer in time.')
        : error;
    const { status, headers, problem } = problemResponse(cause, { instance, requestId });
    if (status >= 500) this.options.onError?.(`request ${requestId} failed in the gateway`, error);
    return this.send(
      response,
      method,
      status,
      { ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': requestId },
      JSON.stringify(problem),
    );
  }

  /** Writes an answer; for HEAD, its headers (the length the body would have) and no body. */
  private send(
    response: ServerResponse,
    method: string,
    status: number,
    headers: Readonly<Record<string, string | string[]>>,
    body: string | Buffer,
  ): number {
    if (response.headersSent) return status;
    response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    if (method === 'HEAD') response.end();
    else response.end(body);
    return status;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}

export type { GatewayOptions, RequestLogLine };
export { compileRoutes, Gateway, matchRoute };
