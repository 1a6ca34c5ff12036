/**
 * What a cold-start run needs to invoke a bundle as Lambda would: the stub AWS endpoint, the
 * secrets the functions read (`file:` references in a temporary folder), an empty HOME (no
 * `~/.aws/config` to read, as in Lambda), and per bundle the environment, the export and the event.
 *
 * Every variant gets the same Lambda-like environment (region, credentials in the environment,
 * function name, memory size); the floors get their service's configuration too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateJwkSet } from '../../packages/devstack/src/secrets.ts';
import { getMeEvent, getTicketEvent, outboxStreamEvent } from '../fixtures/events.ts';
import { functionsIn } from './bundles.ts';
import type { Floor } from './floor.ts';
import { floorOf } from './floor.ts';
import { type StubAws, startStubAws } from './stub-aws.ts';

type VariantKind = 'node' | 'floor' | 'service';

interface Variant {
  /** `node -e ''`, `floor-dynamodb`, `tickets`, ... (a prefix such as `before:` for another dist). */
  readonly name: string;
  readonly kind: VariantKind;
  /** The function name (`tickets`) or floor name, without any prefix. */
  readonly function: string;
  /** The folder of the bundle; absent for `node -e ''`. */
  readonly directory?: string;
  readonly exportName?: string;
  /** What the one request is, for the report. */
  readonly request?: string;
  readonly env: Readonly<Record<string, string>>;
  /** The floor this variant is compared with. */
  readonly floor?: string;
}

interface InvocationSetup {
  readonly stub: StubAws;
  readonly variants: Variant[];
  stop(): Promise<void>;
}

/** The request each function serves once, and the configuration it reads. */
const REQUESTS: Readonly<
  Record<
    string,
    { exportName: string; request: string; event: () => unknown; env: (s: Secrets) => Record<string, string> }
  >
> = {
  tickets: {
    exportName: 'handler',
    request: 'GET /v1/tickets/{ticketId}',
    event: getTicketEvent,
    env: (s) => ({
      TABLE_NAME: 'tessera-bench-tickets',
      CURSOR_SECRET: s.cursorSecret,
      DYNAMODB_ENDPOINT: s.endpoint,
    }),
  },
  users: {
    exportName: 'handler',
    request: 'GET /v1/users/me',
    event: getMeEvent,
    env: (s) => ({
      TABLE_NAME: 'tessera-bench-users',
      CURSOR_SECRET: s.cursorSecret,
      JWT_KEYS: s.jwtKeys,
      JWT_ISSUER: 'https://api.tessera.example',
      JWT_AUDIENCE: 'tessera-api',
      DYNAMODB_ENDPOINT: s.endpoint,
    }),
  },
  publisher: {
    exportName: 'handler',
    request: 'one stream record -> PutEvents',
    event: outboxStreamEvent,
    env: (s) => ({ EVENT_BUS_NAME: 'tessera-bench', EVENTBRIDGE_ENDPOINT: s.endpoint }),
  },
  'floor-dynamodb': {
    exportName: 'handler',
    request: 'one GetItem',
    event: getTicketEvent,
    env: (s) => ({ TABLE_NAME: 'tessera-bench-floor', DYNAMODB_ENDPOINT: s.endpoint }),
  },
  'floor-eventbridge': {
    exportName: 'handler',
    request: 'one stream record -> PutEvents',
    event: outboxStreamEvent,
    env: (s) => ({ EVENT_BUS_NAME: 'tessera-bench', EVENTBRIDGE_ENDPOINT: s.endpoint }),
  },
};

interface Secrets {
  readonly endpoint: string;
  readonly cursorSecret: string;
  readonly jwtKeys: string;
}

const MEMORY_MB: Readonly<Record<string, string>> = {
  users: '1024',
  publisher: '256',
  'floor-eventbridge': '256',
};

const lambdaEnvironment = (functionName: string, home: string): Record<string, string> => ({
  HOME: home,
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  TZ: ':UTC',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK0000000',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key-0000000000000000',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: `tessera-bench-${functionName}`,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: MEMORY_MB[functionName] ?? '512',
  POWERTOOLS_LOG_LEVEL: 'INFO',
});

/**
 * Starts the stub and lists the variants: `node -e ''`, each floor, and each function of each dist
 * folder given (the first unprefixed, others prefixed with their label, `before:tickets`).
 *
 * @example
 * const setup = await prepareInvocations([{ dist: 'dist' }], floors);
 */
const prepareInvocations = async (
  dists: ReadonlyArray<{ readonly dist: string; readonly prefix?: string }>,
  floors: readonly Floor[],
): Promise<InvocationSetup> => {
  const stub = await startStubAws();
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-bench-cold-'));
  const home = join(scratch, 'home');
  const cursorSecretFile = join(scratch, 'cursor-secret');
  const jwtKeysFile = join(scratch, 'jwt-keys.json');
  mkdirSync(home);
  writeFileSync(cursorSecretFile, 'bench-cursor-secret-0123456789abcdefghijklmnopqrstuvwxyz');
  writeFileSync(jwtKeysFile, generateJwkSet());
  const secrets: Secrets = {
    endpoint: stub.endpoint,
    cursorSecret: `file:${cursorSecretFile}`,
    jwtKeys: `file:${jwtKeysFile}`,
  };

  const variant = (
    name: string,
    kind: VariantKind,
    fn: string,
    directory: string,
    floor?: string,
  ): Variant => {
    const spec = REQUESTS[fn];
    if (!spec) throw new Error(`The benchmark does not know how to invoke ${fn}`);
    return {
      name,
      kind,
      function: fn,
      directory,
      exportName: spec.exportName,
      request: spec.request,
      env: {
        ...lambdaEnvironment(fn, home),
        ...spec.env(secrets),
        BENCH_EVENT: JSON.stringify(spec.event()),
      },
      ...(floor ? { floor } : {}),
    };
  };

  const variants: Variant[] = [
    { name: "node -e ''", kind: 'node', function: 'node', env: lambdaEnvironment('node', home) },
    ...floors.map((floor) => variant(floor.name, 'floor', floor.name, floor.directory)),
  ];
  for (const { dist, prefix } of dists) {
    for (const fn of functionsIn(dist).filter((name) => REQUESTS[name])) {
      variants.push(variant(`${prefix ?? ''}${fn}`, 'service', fn, join(dist, fn), floorOf(fn)));
    }
  }
  return {
    stub,
    variants,
    stop: async () => {
      await stub.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
};

export type { InvocationSetup, Variant, VariantKind };
export { prepareInvocations };
