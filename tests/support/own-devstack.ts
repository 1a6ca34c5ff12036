/**
 * A devstack of a test file's own, beside the shared one, for what must not touch the shared
 * one: a moved clock, counters read as exact deltas. It runs on the run's DynamoDB Local, under
 * its own table prefix, with its own data folder, and its JSON API is read with plain `fetch`.
 *
 * @example
 * const own = ownDevstack('metrics', { email: 'admin@metrics.tessera.test', password: '...' });
 * beforeAll(() => own.start());
 * afterAll(() => own.stop());
 * const { status, body } = await own.api('/v1/auth/login', { body: { email, password } });
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type Devstack, startDevstack } from '../../packages/devstack/src/index.ts';
import { pollUntil } from './poll.ts';

interface ApiInit {
  readonly method?: string;
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the JSON it expects.
  readonly body: any;
}

/** The passphrase of every account `register` makes. */
const PASSWORD = 'a perfectly fine passphrase';

const ownDevstack = (
  label: string,
  bootstrapAdmin: { readonly email: string; readonly password: string },
) => {
  const dataDir = mkdtempSync(join(tmpdir(), `tessera-${label}-`));
  const tablePrefix = `${label}-${randomUUID().slice(0, 8)}-`;
  let devstack: Devstack | undefined;
  const current = (): Devstack => {
    if (!devstack) throw new Error(`the ${label} devstack is not running`);
    return devstack;
  };
  /** A request to its HTTP gateway: JSON in (when `body` is given) and out. */
  const api = async (path: string, init: ApiInit = {}): Promise<ApiAnswer> => {
    const response = await fetch(`${current().httpUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };

  /** An access token for the account. */
  const login = async (email: string, password = PASSWORD): Promise<string> => {
    const { status, body } = await api('/v1/auth/login', { body: { email, password } });
    if (status !== 200) throw new Error(`login failed with ${status}`);
    return body.accessToken as string;
  };

  /** A new account (`<label>-<uuid>@<devstack label>.tessera.test`, the usual passphrase). */
  const register = async (name: string): Promise<{ readonly id: string; readonly email: string }> => {
    const email = `${name}-${randomUUID()}@${label}.tessera.test`;
    const { status, body } = await api('/v1/auth/register', { body: { email, password: PASSWORD, name } });
    if (status !== 201) throw new Error(`register failed with ${status}`);
    return { id: body.id as string, email };
  };

  /**
   * `count` rooms of a new provider (made a provider by the bootstrap admin), named `<name> <n>`.
   * The first create is retried while the provider's role has not reached the bookings directory.
   */
  const providerRooms = async (name: string, count = 1): Promise<string[]> => {
    const adminToken = await login(bootstrapAdmin.email, bootstrapAdmin.password);
    const provider = await register(`${label}-provider`);
    await api(`/v1/users/${provider.id}`, { method: 'PATCH', token: adminToken, body: { role: 'provider' } });
    const token = await login(provider.email);
    const create = (n: number) =>
      api('/v1/rooms', {
        token,
        body: { name: `${name} ${n}`, type: 'meeting', capacity: 4, pricePerHour: 1000, currency: 'EUR' },
      });
    const first = await pollUntil(
      () => create(1),
      (r) => r.status !== 422,
    );
    if (first.status !== 201) throw new Error(`createRoom failed with ${first.status}`);
    const ids = [first.body.id as string];
    for (let n = 2; n <= count; n++) ids.push((await create(n)).body.id as string);
    return ids;
  };

  return {
    /** Starts it (again, after `stop`, on the same data: a restart). */
    start: async (): Promise<Devstack> => {
      devstack = await startDevstack({
        httpPort: 0,
        webSocketPort: 0,
        dataDir,
        dynamodbEndpoint: inject('dynamodbEndpoint'),
        tablePrefix,
        build: false,
        bootstrapAdmin,
        logLevel: 'WARN',
        ...(process.env.TESSERA_TEST_LOGS === '1'
          ? { onLog: (source: string, line: string) => console.log(`[${label}:${source}] ${line}`) }
          : {}),
      });
      return devstack;
    },
    stop: async (): Promise<void> => {
      await devstack?.stop();
      devstack = undefined;
    },
    /** Stops it and removes its data folder. */
    remove: async (): Promise<void> => {
      await devstack?.stop();
      devstack = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    },
    get devstack(): Devstack {
      return current();
    },
    api,
    login,
    register,
    providerRooms,
  };
};

export type { ApiAnswer, ApiInit };
export { ownDevstack, PASSWORD };
