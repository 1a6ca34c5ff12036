/**
 * What a cold-start run needs to invoke a bundle as Lambda would: the stub AWS endpoint, the
 * secrets the functions read (`ssm:` references, as in AWS, answered by the stub's GetParameter at
 * `AWS_ENDPOINT_URL_SSM`), an empty HOME (no `~/.aws/config` to read, as in Lambda), and per
 * variant the environment, the export, the event and the answer that proves the request was served.
 *
 * Every variant gets the same Lambda-like environment (region, credentials in the environment,
 * function name, memory size); the floors get their service's configuration too.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateJwkSet } from '../../packages/devstack/src/secrets.ts';
import { createAccessTokenIssuer, loadKeyRing } from '../../services/users/src/adapters/access-tokens.ts';
import { CALLER_ID, getMeEvent, getTicketEvent, outboxStreamEvent } from '../fixtures/events.ts';
import type { Floor } from './floor.ts';
import { floorOf } from './floor.ts';
import { type StubAws, startStubAws } from './stub-aws.ts';

type VariantKind = 'node' | 'floor' | 'service' | 'compare';

/** The prefix of the variants of the bundles compared with in the same run. */
const COMPARE_PREFIX = 'before: ';

/** What the child reports when the request was served: a status code, `ok` (no failed records), or `authorized`. */
type Expected = number | 'ok' | 'authorized';

interface Variant {
  /** `node -e ''`, `floor-dynamodb`, `tickets`, `users (authorizer)`. */
  readonly name: string;
  readonly kind: VariantKind;
  /** The folder of the bundle; absent for `node -e ''`. */
  readonly directory?: string;
  readonly exportName?: string;
  /** What the one request is, for the report. */
  readonly request?: string;
  readonly expect?: Expected;
  readonly env: Readonly<Record<string, string>>;
  /** The floor this variant is compared with; none for a function that calls no AWS service. */
  readonly floor?: string;
}

interface InvocationSetup {
  readonly stub: StubAws;
  readonly variants: Variant[];
  stop(): Promise<void>;
}

interface Secrets {
  readonly endpoint: string;
  readonly cursorSecret: string;
  readonly jwtKeys: string;
  /** An access token the authorizer accepts, signed with the key set's key. */
  readonly accessToken: string;
}

interface InvocationSpec {
  /** The bundle folder; the variant's name when absent. */
  readonly bundle?: string;
  readonly exportName: string;
  readonly request: string;
  readonly expect: Expected;
  readonly memoryMb: number;
  /** False for a function that calls no AWS service: it has no floor. */
  readonly hasFloor: boolean;
  readonly event: (s: Secrets) => unknown;
  readonly env: (s: Secrets) => Record<string, string>;
}

const JWT_ISSUER = 'https://api.tessera.example';
/** The SSM parameters the functions read, as the Terraform modules name them. */
const CURSOR_SECRET_PARAMETER = '/tessera/bench/cursor-secret';
const JWT_KEYS_PARAMETER = '/tessera/bench/users/jwt-public-keys';
const JWT_AUDIENCE = 'tessera-api';

const usersEnv = (s: Secrets) => ({
  TABLE_NAME: 'tessera-bench-users',
  CURSOR_SECRET: s.cursorSecret,
  JWT_KEYS: s.jwtKeys,
  JWT_ISSUER,
  JWT_AUDIENCE,
  DYNAMODB_ENDPOINT: s.endpoint,
});

/** The request each variant serves once, and the configuration it reads. */
const SPECS: Readonly<Record<string, InvocationSpec>> = {
  'floor-dynamodb': {
    exportName: 'handler',
    request: 'one GetItem',
    expect: 200,
    memoryMb: 512,
    hasFloor: false,
    event: getTicketEvent,
    env: (s) => ({ TABLE_NAME: 'tessera-bench-floor', DYNAMODB_ENDPOINT: s.endpoint }),
  },
  'floor-eventbridge': {
    exportName: 'handler',
    request: 'one stream record -> PutEvents',
    expect: 'ok',
    memoryMb: 256,
    hasFloor: false,
    event: outboxStreamEvent,
    env: (s) => ({ EVENT_BUS_NAME: 'tessera-bench', EVENTBRIDGE_ENDPOINT: s.endpoint }),
  },
  publisher: {
    exportName: 'handler',
    request: 'one stream record -> PutEvents',
    expect: 'ok',
    memoryMb: 256,
    hasFloor: true,
    event: outboxStreamEvent,
    env: (s) => ({ EVENT_BUS_NAME: 'tessera-bench', EVENTBRIDGE_ENDPOINT: s.endpoint }),
  },
  tickets: {
    exportName: 'handler',
    request: 'GET /v1/tickets/{ticketId}',
    expect: 200,
    memoryMb: 512,
    hasFloor: true,
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
    expect: 200,
    memoryMb: 1024,
    hasFloor: true,
    event: getMeEvent,
    env: usersEnv,
  },
  'users (authorizer)': {
    bundle: 'users',
    exportName: 'authorizer',
    request: 'verify one ES256 access token',
    expect: 'authorized',
    memoryMb: 256,
    hasFloor: false,
    event: (s) => ({
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:us-east-1:123456789012:bench/$default/GET/v1/tickets/{ticketId}',
      identitySource: [`Bearer ${s.accessToken}`],
      routeKey: 'GET /v1/tickets/{ticketId}',
      rawPath: '/v1/tickets/0b9e8f7a-6c5d-4e3f-9a1b-2c3d4e5f6a7b',
      rawQueryString: '',
      headers: { authorization: `Bearer ${s.accessToken}` },
      requestContext: {
        accountId: '123456789012',
        apiId: 'bench',
        stage: '$default',
        requestId: randomUUID(),
      },
    }),
    env: ({ jwtKeys }) => ({ JWT_KEYS: jwtKeys, JWT_ISSUER, JWT_AUDIENCE }),
  },
};

/** An access token the authorizer accepts, signed by the users service's own issuer, valid an hour. */
const accessToken = async (jwkSetJson: string): Promise<string> => {
  const issuer = createAccessTokenIssuer(await loadKeyRing(jwkSetJson), {
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    lifetimeSeconds: 3600,
  });
  return (await issuer.issue({ userId: CALLER_ID, role: 'user' })).token;
};

const lambdaEnvironment = (
  name: string,
  memoryMb: number,
  home: string,
  endpoint: string,
): Record<string, string> => ({
  HOME: home,
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  TZ: ':UTC',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK0000000',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key-0000000000000000',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_ENDPOINT_URL_SSM: endpoint,
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: `tessera-bench-${name.replace(/\W+/g, '-')}`,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
  POWERTOOLS_LOG_LEVEL: 'INFO',
});

/**
 * Starts the stub and lists the variants: `node -e ''`, each floor, and each function (and export)
 * of the dist folder that the benchmark knows how to invoke.
 *
 * @example
 * const setup = await prepareInvocations('dist', floors);
 */
const prepareInvocations = async (
  dist: string,
  floors: readonly Floor[],
  compareDist?: string,
): Promise<InvocationSetup> => {
  const jwkSet = generateJwkSet();
  const parameters = {
    [CURSOR_SECRET_PARAMETER]: 'bench-cursor-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    [JWT_KEYS_PARAMETER]: jwkSet,
  };
  const stub = await startStubAws({ parameters });
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-bench-cold-'));
  const home = join(scratch, 'home');
  mkdirSync(home);
  const secrets: Secrets = {
    endpoint: stub.endpoint,
    cursorSecret: `ssm:${CURSOR_SECRET_PARAMETER}`,
    jwtKeys: `ssm:${JWT_KEYS_PARAMETER}`,
    accessToken: await accessToken(jwkSet),
  };

  const variant = (name: string, kind: VariantKind, directory: string, spec: InvocationSpec): Variant => ({
    name,
    kind,
    directory,
    exportName: spec.exportName,
    request: spec.request,
    expect: spec.expect,
    env: {
      ...lambdaEnvironment(name, spec.memoryMb, home, stub.endpoint),
      ...spec.env(secrets),
      BENCH_EVENT: JSON.stringify(spec.event(secrets)),
    },
    ...(kind !== 'floor' && spec.hasFloor
      ? { floor: floorOf(spec.bundle ?? name.replace(COMPARE_PREFIX, '')) }
      : {}),
  });

  const variants: Variant[] = [
    { name: "node -e ''", kind: 'node', env: lambdaEnvironment('node', 512, home, stub.endpoint) },
  ];
  for (const floor of floors) {
    const spec = SPECS[floor.name];
    if (spec) variants.push(variant(floor.name, 'floor', floor.directory, spec));
  }
  for (const [name, spec] of Object.entries(SPECS)) {
    if (name.startsWith('floor-')) continue;
    const directory = join(dist, spec.bundle ?? name);
    if (existsSync(join(directory, 'index.mjs'))) variants.push(variant(name, 'service', directory, spec));
    const compared = compareDist ? join(compareDist, spec.bundle ?? name) : undefined;
    if (compared && existsSync(join(compared, 'index.mjs'))) {
      variants.push(variant(`${COMPARE_PREFIX}${name}`, 'compare', compared, spec));
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

export type { Expected, InvocationSetup, Variant, VariantKind };
export { COMPARE_PREFIX, prepareInvocations };
