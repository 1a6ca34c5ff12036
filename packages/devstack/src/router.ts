/**
 * A small router for the devstack's own endpoints, `/_devstack/*` (the events that crossed the bus,
 * the queues; the clock and the schedules to come), which are no part of the contract. Each part
 * that has something to show adds its routes; the gateway hands it every request under the prefix.
 *
 * Routes are a method and a path whose `{name}` segments are parameters. A path no route has is a
 * 404, a method the path does not take a 405 with `Allow`, both problem+json; a GET route answers
 * HEAD too, without a body. Answers are JSON unless a route says otherwise, never cached.
 */
import { problemType } from '@tessera/shared/http';

interface RouteRequest {
  readonly method: string;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body, read on first call. */
  readonly body: () => Promise<Buffer>;
}

interface RouteAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-serialized, unless a string or bytes (then `content-type` is the route's to set). */
  readonly body?: unknown;
}

type RouteHandler = (request: RouteRequest) => RouteAnswer | Promise<RouteAnswer>;

interface CompiledRoute {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: RouteHandler;
}

/** What the router answers: status, headers and the body bytes (for HEAD, only their length counts). */
interface RoutedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const PREFIX = '/_devstack/';

const problem = (
  status: number,
  title: string,
  code: string,
  detail: string,
  instance: string,
): RoutedResponse => ({
  status,
  headers: { 'content-type': 'application/problem+json' },
  body: Buffer.from(JSON.stringify({ type: problemType(code), title, status, detail, instance })),
});

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
};

/**
 * A route's answer that is a problem+json (RFC 9457), for a route that refuses a request.
 *
 * @example
 * return routeProblem(404, 'QUEUE_NOT_FOUND', `No queue named ${params.name}.`);
 */
const routeProblem = (status: number, code: string, detail: string): RouteAnswer => ({
  status,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ type: problemType(code), title: STATUS_TITLES[status] ?? 'Error', status, detail }),
});

class DevstackRouter {
  private readonly routes: CompiledRoute[] = [];

  /**
   * Adds a route; `{name}` segments of the path are parameters.
   *
   * @example
   * router.add('GET', '/_devstack/queues/{name}', ({ params }) => ({ body: queues.describe(params.name) }));
   */
  add(method: string, path: string, handler: RouteHandler): this {
    if (!path.startsWith(PREFIX)) throw new Error(`A devstack route starts with ${PREFIX}: ${path}`);
    const names: string[] = [];
    const pattern = path
      .split('/')
      .map((segment) => {
        const name = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (!name) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({
      method: method.toUpperCase(),
      path,
      pattern: new RegExp(`^${pattern}$`),
      names,
      handler,
    });
    return this;
  }

  /** True for a path the router answers (every path under `/_devstack/`). */
  owns(pathname: string): boolean {
    return pathname.startsWith(PREFIX) || pathname === PREFIX.slice(0, -1);
  }

  /** The routes, for a listing. */
  get paths(): ReadonlyArray<{ readonly method: string; readonly path: string }> {
    return this.routes.map(({ method, path }) => ({ method, path }));
  }

  /**
   * Answers a request under `/_devstack/`.
   *
   * @example
   * const { status, body } = await router.handle({ method: 'GET', url: new URL('http://x/_devstack/events'), headers: {}, body: async () => Buffer.alloc(0) });
   */
  async handle(request: Omit<RouteRequest, 'params'>): Promise<RoutedResponse> {
    const pathname = request.url.pathname;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const matching = this.routes.flatMap((route) => {
      const match = route.pattern.exec(pathname);
      return match ? [{ route, match }] : [];
    });
    if (matching.length === 0) {
      return problem(
        404,
        'Not Found',
        'ROUTE_NOT_FOUND',
        `The devstack has no endpoint ${pathname}.`,
        pathname,
      );
    }
    const found = matching.find(({ route }) => route.method === method);
    if (!found) {
      const allow = [
        ...new Set(
          matching.flatMap(({ route }) => (route.method === 'GET' ? ['GET', 'HEAD'] : [route.method])),
        ),
      ];
      const refused = problem(
        405,
        'Method Not Allowed',
        'METHOD_NOT_ALLOWED',
        `${pathname} takes ${allow.join(', ')}, not ${request.method}.`,
        pathname,
      );
      return { ...refused, headers: { ...refused.headers, allow: allow.join(', ') } };
    }
    const params: Record<string, string> = {};
    for (const [i, name] of found.route.names.entries()) {
      try {
        params[name] = decodeURIComponent(found.match[i + 1] ?? '');
      } catch {
        return problem(
          400,
          'Bad Request',
          'INVALID_PATH_ENCODING',
          `The path parameter ${name} is not valid percent-encoding.`,
          pathname,
        );
      }
    }
    const answer = await found.route.handler({ ...request, params });
    const raw = answer.body;
    const isBytes = typeof raw === 'string' || Buffer.isBuffer(raw);
    const body =
      raw === undefined ? Buffer.alloc(0) : isBytes ? Buffer.from(raw) : Buffer.from(JSON.stringify(raw));
    return {
      status: answer.status ?? 200,
      headers: {
        ...(isBytes || raw === undefined ? {} : { 'content-type': 'application/json' }),
        'cache-control': 'no-store',
        ...answer.headers,
      },
      body,
    };
  }
}

export type { RouteAnswer, RoutedResponse, RouteHandler, RouteRequest };
export { DevstackRouter, routeProblem };
