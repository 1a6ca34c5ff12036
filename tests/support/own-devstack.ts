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
    /** A request to its HTTP gateway: JSON in (when `body` is given) and out. */
    api: async (path: string, init: ApiInit = {}): Promise<ApiAnswer> => {
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
    },
  };
};

export type { ApiAnswer, ApiInit };
export { ownDevstack };
