/**
 * The functions the bench measures, from the manifests (`loadManifests()`): for every function of
 * every manifest its bundle (`dist/<manifest>/index.mjs`), export, memory, the SDK-only floor it is
 * compared with, and the environment Lambda would give it, built from the manifest's variables and
 * their sources rather than from a list written here.
 *
 * The bench plays one environment, `bench`: a table is `tessera-bench-<service>`, a secret the SSM
 * parameter `/tessera/bench/<service>/<id>` (given to the function as an `ssm:` reference, as in
 * AWS, and answered by the bench's AWS stand-in), a setting its default (or its devstack value),
 * the bus `tessera-bench`, the WebSocket API's `@connections` endpoint a placeholder
 * (`BENCH_CONNECTIONS_URL`: the bench opens no WebSocket), the scheduler's parts as AWS names them
 * in `bench` (the group `tessera-bench-<service>`, the role `tessera-bench-<service>-scheduler`, the target
 * `tessera-bench-<function>:live`, the queue `tessera-bench-<service>-schedules-dlq`). As on the
 * devstack, a function also gets the endpoint of what it uses (`DYNAMODB_ENDPOINT` when it has a
 * table, `EVENTBRIDGE_ENDPOINT` when it has the bus, `SCHEDULER_ENDPOINT` when it has the
 * scheduler, so no call ever leaves the machine), and `AWS_ENDPOINT_URL_SSM` for its secrets, all
 * pointing at the stand-in.
 */
import { bundlePath } from '../../packages/tooling/src/dist.ts';
import {
  allFunctions,
  deployedFunctionName,
  type FunctionManifest,
  loadManifests,
  type Manifest,
  parameterName,
  resolveVariables,
} from '../../packages/tooling/src/manifests.ts';
import type { FloorName } from './floor.ts';

/** The environment the bench deploys to, in names (`tessera-bench-tickets`). */
const BENCH_ENVIRONMENT = 'bench';
/** What `{httpUrl}` in a setting's devstack value stands for. */
const BENCH_API_URL = 'https://api.tessera.example';
/**
 * What `{ "webSocket": "connections" }` stands for: the bench runs no WebSocket API, so this is a
 * placeholder in AWS's form (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`) that no
 * measured path calls.
 */
const BENCH_CONNECTIONS_URL = 'https://ws.tessera.example/bench';
const EVENT_BUS_NAME = 'tessera-bench';
const BENCH_ACCOUNT = 'us-east-1:000000000000';

/** What the `{ "scheduler": part }` source is in the bench environment, named as Terraform names it in AWS. */
const benchSchedulerPart = (
  manifest: Manifest,
  part: 'group' | 'roleArn' | 'targetArn' | 'deadLetterArn',
): string | undefined => {
  const target = Object.entries(manifest.functions).find(([, fn]) => fn.schedule)?.[0];
  if (!target) return undefined;
  switch (part) {
    case 'group':
      return `tessera-${BENCH_ENVIRONMENT}-${manifest.name}`;
    case 'roleArn':
      return `arn:aws:iam::000000000000:role/tessera-${BENCH_ENVIRONMENT}-${manifest.name}-scheduler`;
    case 'targetArn':
      return `arn:aws:lambda:${BENCH_ACCOUNT}:function:${deployedFunctionName(BENCH_ENVIRONMENT, target)}:live`;
    case 'deadLetterArn':
      return `arn:aws:sqs:${BENCH_ACCOUNT}:tessera-${BENCH_ENVIRONMENT}-${manifest.name}-schedules-dlq`;
  }
};

interface BenchFunction {
  /** The function's short name: `tickets`, `users-authorizer`. */
  readonly name: string;
  /** The manifest (and bundle folder) it belongs to. */
  readonly bundle: string;
  readonly manifest: Manifest;
  readonly fn: FunctionManifest;
  readonly exportName: string;
  readonly memoryMb: number;
  /** The SDK-only floor: the DynamoDB one for a function with a table, EventBridge for the bus. */
  readonly floor?: FloorName;
}

/** Every function of every manifest, in manifest order. */
const benchFunctions = (manifests: readonly Manifest[] = loadManifests()): BenchFunction[] =>
  allFunctions(manifests).map(({ manifest, name, fn }) => {
    const sources = Object.values(fn.environment);
    const floor: FloorName | undefined = sources.some((s) => 'table' in s)
      ? 'floor-dynamodb'
      : sources.some((s) => 'eventBus' in s)
        ? 'floor-eventbridge'
        : undefined;
    return {
      name,
      bundle: manifest.name,
      manifest,
      fn,
      exportName: fn.export,
      memoryMb: fn.memorySize,
      ...(floor ? { floor } : {}),
    };
  });

/** The bundle a function runs, in a dist folder. */
const bundleEntry = (dist: string, target: Pick<BenchFunction, 'bundle'>) => bundlePath(target.bundle, dist);

/** `tessera-bench-<service>`, or another name the caller picks (one table per size). */
type TableNames = (manifest: Manifest) => string;

const defaultTableName: TableNames = (manifest) => `tessera-${BENCH_ENVIRONMENT}-${manifest.name}`;

/** The SSM parameter of a secret in the bench environment. */
const secretParameter = (manifest: Manifest, secret: string) =>
  parameterName(BENCH_ENVIRONMENT, manifest.name, secret);

/**
 * The variables a function's manifest declares, resolved for the bench, plus the endpoints of
 * what it uses.
 *
 * @example
 * functionVariables(tickets, { endpoint: stub.endpoint })
 * // { TABLE_NAME: 'tessera-bench-tickets', CURSOR_SECRET: 'ssm:/tessera/bench/tickets/cursor-secret', DYNAMODB_ENDPOINT: ... }
 */
const functionVariables = (
  target: BenchFunction,
  options: { readonly endpoint: string; readonly tableName?: TableNames },
): Record<string, string> => {
  const { variables, uses } = resolveVariables(target.manifest, target.name, {
    environment: 'bench',
    table: options.tableName ?? defaultTableName,
    secret: (manifest, id) => `ssm:${secretParameter(manifest, id)}`,
    setting: (manifest, id) => {
      const declared = manifest.settings[id];
      return declared?.default ?? declared?.devstack?.replaceAll('{httpUrl}', BENCH_API_URL);
    },
    eventBusName: EVENT_BUS_NAME,
    webSocketConnections: BENCH_CONNECTIONS_URL,
    scheduler: benchSchedulerPart,
  });
  return {
    ...variables,
    ...(uses.table ? { DYNAMODB_ENDPOINT: options.endpoint } : {}),
    ...(uses.eventBus ? { EVENTBRIDGE_ENDPOINT: options.endpoint } : {}),
    ...(uses.scheduler ? { SCHEDULER_ENDPOINT: options.endpoint } : {}),
  };
};

/**
 * What Lambda itself puts in every function's environment (region, the role's credentials, name,
 * memory), an empty HOME so no `~/.aws` file is read, and the log level.
 */
const lambdaEnvironment = (options: {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly home: string;
  readonly endpoint: string;
}): Record<string, string> => ({
  HOME: options.home,
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  TZ: ':UTC',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK0000000',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key-0000000000000000',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_ENDPOINT_URL_SSM: options.endpoint,
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: deployedFunctionName(BENCH_ENVIRONMENT, options.functionName),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
  POWERTOOLS_LOG_LEVEL: 'INFO',
});

/**
 * A function's whole environment: Lambda's, then its manifest's.
 *
 * @example
 * spawn(process.execPath, [child], { env: functionEnvironment(target, { endpoint, home }) });
 */
const functionEnvironment = (
  target: BenchFunction,
  options: { readonly endpoint: string; readonly home: string; readonly tableName?: TableNames },
): Record<string, string> => ({
  ...lambdaEnvironment({
    functionName: target.name,
    memoryMb: target.memoryMb,
    home: options.home,
    endpoint: options.endpoint,
  }),
  ...functionVariables(target, options),
});

/** The key attributes of each bench table, from the manifests' table declarations, for the stand-in. */
const tableKeys = (
  manifests: readonly Manifest[],
  tableName: TableNames = defaultTableName,
): Record<string, { readonly partitionKey: string; readonly sortKey?: string }> =>
  Object.fromEntries(
    manifests.flatMap((manifest) =>
      manifest.tableDeclaration
        ? [
            [
              tableName(manifest),
              {
                partitionKey: manifest.tableDeclaration.partitionKey,
                ...(manifest.tableDeclaration.sortKey ? { sortKey: manifest.tableDeclaration.sortKey } : {}),
              },
            ],
          ]
        : [],
    ),
  );

export type { BenchFunction, TableNames };
export {
  BENCH_API_URL,
  BENCH_CONNECTIONS_URL,
  BENCH_ENVIRONMENT,
  benchFunctions,
  bundleEntry,
  defaultTableName,
  EVENT_BUS_NAME,
  functionEnvironment,
  functionVariables,
  lambdaEnvironment,
  secretParameter,
  tableKeys,
};
