/**
 * The local HTTP gateway, standing in for API Gateway's HTTP API:
 *
 * - routes come from `openapi/api.yaml` (literal path segments win over parameters, as in API Gateway);
 * - a secured operation goes through the authorizer export of the users bundle first, and the
 *   answer's context reaches the service as `requestContext.authorizer.lambda`;
 * - the service bundle gets an API Gateway v2 (payload 2.0) event and its structured result is
 *   written back as is;
 * - errors the gateway itself raises are problem+json, from the same mapper the services use.
 *
 * Besides the contract it serves `GET /openapi.json`, `GET /docs`, and `GET /_devstack/events`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AuthorizerResult } from '@tessera/shared/auth';
import {
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from '@tessera/shared/errors';
import { correlationIdOf, PROBLEM_CONTENT_TYPE, problemResponse } from '@tessera/shared/http';
import type { Contract, ContractOperation } from '@tessera/tooling/contract';
import type { RecordedEvent } from './event-bus.ts';
import { FunctionTimeoutError } from './function-host.ts';
import { readBody } from './http-body.ts';

interface GatewayOptions {
  readonly port: number;
  readonly host: string;
  readonly contract: Contract;
  /** Invokes an export of a service's bundle. */
  readonly invoke: (service: string, exportName: string, event: unknown) => Promise<unknown>;
  /** The service and export that authorize secured operations. */
  readonly authorizer: { readonly service: string; readonly exportName: string };
  readonly events: () => readonly RecordedEvent[];
  readonly docsHtml: () => string;
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

const matchRoute = (routes: readonly Route[], method: string, path: string) => {
  for (const route of routes) {
    if (route.operation.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    route.names.forEach((name, i) => {
      pathParameters[name] = decodeURIComponent(match[i + 1] ?? '');
    });
    return { operation: route.operation, pathParameters };
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const clfTime = (date: Date) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

class Gateway {
  private server: Server | undefined;
  private readonly routes: Route[];
  /** `GET /openapi.json`'s body: the contract does not change while the gateway runs. */
  private readonly contractJson: string;
  url = '';

  constructor(private readonly options: GatewayOptions) {
    this.routes = compileRoutes(options.contract);
    this.contractJson = JSON.stringify(options.contract.document);
  }

  async start(): Promise<string> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.keepAliveTimeout = 5000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.options.port, host: this.options.host, exclusive: true }, () => resolve());
    });
    const address = server.address();
    this.url = `http://${this.options.host}:${typeof address === 'object' && address ? address.port : 0}`;
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
      status = this.problem(response, error, url.pathname, requestId);
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
    if (method === 'GET' && url.pathname === '/openapi.json') {
      return this.send(response, 200, { 'content-type': 'application/json' }, this.contractJson);
    }
    if (method === 'GET' && (url.pathname === '/docs' || url.pathname === '/docs/')) {
      return this.send(
        response,
        200,
        { 'content-type': 'text/html; charset=utf-8' },
        this.options.docsHtml(),
      );
    }
    if (method === 'GET' && url.pathname === '/_devstack/events') {
      return this.send(
        response,
        200,
        { 'content-type': 'application/json', 'cache-control': 'no-store' },
        JSON.stringify({ items: this.filteredEvents(url) }),
      );
    }
    const route = matchRoute(this.routes, method, url.pathname);
    if (!route) {
      throw new NotFoundError('ROUTE_NOT_FOUND', `No operation answers ${method} ${url.pathname}.`);
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
    const contentType = headers['content-type'] ?? '';
    const isText = body.length === 0 || TEXT_MEDIA_TYPE.test(contentType);
    const now = new Date();
    const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
    const query = queryParameters(url);
    const requestContext = {
      accountId: '000000000000',
      apiId: 'devstack',
      domainName: request.headers.host ?? 'localhost',
      domainPrefix: 'devstack',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.operation.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    };
    const common = {
      version: '2.0',
      routeKey: route.operation.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      ...(cookies && cookies.length > 0 ? { cookies } : {}),
      headers,
      ...(query ? { queryStringParameters: query } : {}),
      ...(route.operation.parameters.some((p) => p.in === 'path')
        ? { pathParameters: route.pathParameters }
        : {}),
    };

    let authorizer: { lambda: AuthorizerResult['context'] } | undefined;
    if (route.operation.secured) {
      const authorization = headers.authorization;
      if (!authorization) {
        // API Gateway answers a missing identity source itself, without calling the authorizer.
        throw new UnauthenticatedError('UNAUTHENTICATED', 'This operation needs an access token.');
      }
      const answer = (await this.options.invoke(
        this.options.authorizer.service,
        this.options.authorizer.exportName,
        {
          ...common,
          type: 'REQUEST',
          routeArn: `arn:aws:execute-api:us-east-1:000000000000:devstack/$default/${method}${url.pathname}`,
          identitySource: [authorization],
          requestContext,
        },
      )) as AuthorizerResult;
      if (!answer?.isAuthorized)
        throw new ForbiddenError('FORBIDDEN', 'The authorizer refused this request.');
      authorizer = { lambda: answer.context };
    }

    const result = await this.options.invoke(route.operation.service, 'handler', {
      ...common,
      requestContext: { ...requestContext, ...(authorizer ? { authorizer } : {}) },
      ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: !isText,
    });
    return this.writeResult(response, result, requestId);
  }

  private writeResult(response: ServerResponse, result: unknown, requestId: string) {
    if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
      // API Gateway's reading of an unstructured result: 200 with the value as JSON.
      return this.send(
        response,
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
    return this.send(response, structured.statusCode, headers, body);
  }

  private problem(response: ServerResponse, error: unknown, instance: string, requestId: string): number {
    const cause =
      error instanceof FunctionTimeoutError
        ? new ServiceUnavailableError('SERVICE_TIMEOUT', 'The service did not answer in time.')
        : error;
    const { status, headers, problem } = problemResponse(cause, { instance, requestId });
    if (status >= 500) this.options.onError?.(`request ${requestId} failed in the gateway`, error);
    return this.send(
      response,
      status,
      { ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': requestId },
      JSON.stringify(problem),
    );
  }

  private send(
    response: ServerResponse,
    status: number,
    headers: Record<string, string | string[]>,
    body: string | Buffer,
  ): number {
    if (response.headersSent) return status;
    response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return status;
  }

  private filteredEvents(url: URL): RecordedEvent[] {
    const detailType = url.searchParams.get('detailType');
    const source = url.searchParams.get('source');
    const correlationId = url.searchParams.get('correlationId');
    return this.options
      .events()
      .filter(
        (event) =>
          (!detailType || event.detailType === detailType) &&
          (!source || event.source === source) &&
          (!correlationId || (event.detail as { correlationId?: unknown }).correlationId === correlationId),
      );
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export type { GatewayOptions, RequestLogLine };
export { compileRoutes, Gateway, matchRoute };
