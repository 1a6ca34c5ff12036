/**
 * The typed Tessera client: `openapi-fetch` over the types `openapi-typescript` generates from
 * `openapi/api.yaml` (`src/generated/schema.ts`; `npm run generate` refreshes them and
 * `npm run generate:check` fails when they are stale). Paths, parameters, bodies and responses are
 * all checked at compile time.
 *
 * @example
 * const api = createTesseraClient({ baseUrl: 'http://127.0.0.1:3000' });
 * const { data: tokens } = await api.POST('/v1/auth/login', { body: { email, password } });
 * const me = createTesseraClient({ baseUrl, accessToken: () => tokens?.accessToken });
 * const { data: profile } = await me.GET('/v1/users/me');
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './generated/schema.ts';

interface TesseraClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:3000` or a deployed stage's URL. */
  readonly baseUrl: string;
  /** The access token to send as `Authorization: Bearer`, looked up for every request. */
  readonly accessToken?: () => string | undefined | Promise<string | undefined>;
  /** A correlation id to send as `X-Request-Id` with every request. */
  readonly requestId?: () => string | undefined;
  /** Replaces the global `fetch` (to record, check or mock requests). */
  readonly fetch?: (request: Request) => Promise<Response>;
}

type TesseraClient = Client<paths>;

const createTesseraClient = (options: TesseraClientOptions): TesseraClient => {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use({
    async onRequest({ request }) {
      const token = await options.accessToken?.();
      if (token && !request.headers.has('authorization'))
        request.headers.set('authorization', `Bearer ${token}`);
      const requestId = options.requestId?.();
      if (requestId && !request.headers.has('x-request-id')) request.headers.set('x-request-id', requestId);
      return request;
    },
  });
  return client;
};

type Schemas = components['schemas'];
type User = Schemas['User'];
type TokenPair = Schemas['TokenPair'];
type Problem = Schemas['Problem'];

export type {
  components,
  operations,
  Problem,
  paths,
  Schemas,
  TesseraClient,
  TesseraClientOptions,
  TokenPair,
  User,
};
export { createTesseraClient };
