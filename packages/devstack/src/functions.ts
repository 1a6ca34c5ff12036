/**
 * The functions of the manifests, each run as Lambda runs it: one `FunctionHost` (its own worker,
 * replaced for what comes after an invocation that timed out, and its environment) per function, named by its short name (`users`, `users-authorizer`, `publisher`),
 * running `dist/<manifest name>/index.mjs` and calling the function's export, with its memory and
 * timeout from the manifest.
 *
 * A function's environment is exactly what its manifest names, resolved for the devstack (a table's
 * local name, a secret's `file:` path, a setting's value, the bus's name, the WebSocket
 * gateway's `@connections` endpoint, the scheduler's group, role, target and dead-letter queue, a
 * literal), plus what Lambda or the devstack sets for every function: the log level, the region,
 * local credentials, connection reuse, the local X-Ray daemon (`AWS_XRAY_DAEMON_ADDRESS`, with
 * `AWS_XRAY_CONTEXT_MISSING=IGNORE_ERROR`, as Lambda with active tracing sets them), and the endpoint
 * of each AWS service it uses (DynamoDB with a table, EventBridge with the bus, the scheduler with a
 * `scheduler` source). Nothing else: the authorizer never sees a private key.
 *
 * A setting's value is, the first that is there: its override (`TESSERA_<SETTING>` for `npm start`,
 * `settingOverrides` for `startDevstack`: `TESSERA_REMINDER_LEAD_SECONDS` sets every
 * `reminder_lead_seconds`), its manifest's devstack value (`{httpUrl}` filled in), its default.
 */

import { bundlePath } from '@tessera/tooling/dist';
import { type FunctionManifest, type Manifest, resolveVariables } from '@tessera/tooling/manifests';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.ts';
import { FunctionHost, type InvokeOptions } from './function-host.ts';
import { schedulerPartOf } from './topology.ts';
import type { SegmentDocument } from './trace-store.ts';

/** What the environment's sources resolve to on this devstack. */
interface EnvironmentContext {
  /** The devstack's name of a manifest's table. */
  readonly tableName: (manifest: Manifest) => string | undefined;
  /** The file that holds a manifest's secret. */
  readonly secretFile: (service: string, id: string) => string;
  /** The gateway's URL, for settings whose devstack value names `{httpUrl}`. */
  readonly httpUrl: string;
  readonly eventBusName: string;
  /** The WebSocket gateway's `@connections` endpoint (`http://127.0.0.1:<port>`), for `{ "webSocket": "connections" }`. */
  readonly webSocketConnectionsUrl: string | undefined;
  readonly logLevel: string;
  readonly dynamodbEndpoint: string | undefined;
  readonly eventBridgeEndpoint: string | undefined;
  /** The scheduler's endpoint (`http://127.0.0.1:<port>`), `SCHEDULER_ENDPOINT` of a function with a `scheduler` source. */
  readonly schedulerEndpoint?: string | undefined;
  /** Setting id (`reminder_lead_seconds`) -> the value that replaces its devstack value and default. */
  readonly settingOverrides?: Readonly<Record<string, string>> | undefined;
  /** The local X-Ray daemon, `127.0.0.1:<port>`: every function's `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly xrayDaemonAddress?: string | undefined;
}

interface FunctionDefinition {
  /** The short name: `users-authorizer`. */
  readonly name: string;
  readonly manifest: Manifest;
  readonly fn: FunctionManifest;
  /** `dist/<manifest name>/index.mjs`. */
  readonly bundle: string;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The environment a function gets on the devstack: its manifest's variables, resolved, and what
 * every function gets.
 *
 * @example
 * resolveEnvironment(users, 'users-authorizer', context).JWT_KEYS; // 'file:<data>/secrets/users/jwt-public-keys'
 */
const resolveEnvironment = (
  manifest: Manifest,
  name: string,
  context: EnvironmentContext,
): Record<string, string> => {
  const { variables, uses } = resolveVariables(manifest, name, {
    environment: 'devstack',
    table: context.tableName,
    secret: (m, id) => `file:${context.secretFile(m.name, id)}`,
    setting: (m, id) => {
      const setting = m.settings[id];
      const override = setting ? context.settingOverrides?.[id] : undefined;
      return override ?? setting?.devstack?.replaceAll('{httpUrl}', context.httpUrl) ?? setting?.default;
    },
    eventBusName: context.eventBusName,
    webSocketConnections: context.webSocketConnectionsUrl,
    scheduler: schedulerPartOf,
  });
  const environment: Record<string, string> = {
    POWERTOOLS_LOG_LEVEL: context.logLevel,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
  };
  if (context.xrayDaemonAddress) {
    environment.AWS_XRAY_DAEMON_ADDRESS = context.xrayDaemonAddress;
    environment.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';
  }
  if (uses.table && context.dynamodbEndpoint) environment.DYNAMODB_ENDPOINT = context.dynamodbEndpoint;
  if (uses.eventBus && context.eventBridgeEndpoint)
    environment.EVENTBRIDGE_ENDPOINT = context.eventBridgeEndpoint;
  if (uses.scheduler && context.schedulerEndpoint) environment.SCHEDULER_ENDPOINT = context.schedulerEndpoint;
  return { ...environment, ...variables };
};

/** A setting's override variable on the devstack: `reminder_lead_seconds` -> `TESSERA_REMINDER_LEAD_SECONDS`. */
const settingVariable = (id: string): string => `TESSERA_${id.toUpperCase()}`;

/**
 * The overrides an environment gives the manifests' settings: `TESSERA_<SETTING>` for each setting
 * some manifest declares, when set and not empty.
 *
 * @example
 * settingOverridesFrom({ TESSERA_REMINDER_LEAD_SECONDS: '60' }, loadManifests()); // { reminder_lead_seconds: '60' }
 */
const settingOverridesFrom = (
  env: Readonly<Record<string, string | undefined>>,
  manifests: readonly Manifest[],
): Record<string, string> => {
  const overrides: Record<string, string> = {};
  for (const id of new Set(manifests.flatMap((m) => Object.keys(m.settings)))) {
    const value = env[settingVariable(id)];
    if (value !== undefined && value !== '') overrides[id] = value;
  }
  return overrides;
};

/**
 * Every function of the manifests with its bundle and resolved environment; throws naming the first
 * variable that cannot be resolved.
 *
 * @example
 * const definitions = defineFunctions(loadManifests(), join(repoRoot, 'dist'), context);
 */
const defineFunctions = (
  manifests: readonly Manifest[],
  distDir: string,
  context: EnvironmentContext,
): FunctionDefinition[] =>
  manifests.flatMap((manifest) =>
    Object.entries(manifest.functions).map(([name, fn]) => ({
      name,
      manifest,
      fn,
      bundle: bundlePath(manifest.name, distDir),
      environment: resolveEnvironment(manifest, name, context),
    })),
  );

/** The running functions, invoked by name (`aws lambda invoke --function-name`). */
class Functions {
  readonly name = 'functions';
  private readonly hosts = new Map<string, { host: FunctionHost; exportName: string }>();

  constructor(
    private readonly definitions: readonly FunctionDefinition[],
    private readonly options: {
      readonly onLog?: (source: string, line: string) => void;
      /** Receives each invocation's own segment (see `FunctionHost`). */
      readonly onSegment?: (segment: SegmentDocument) => void;
    } = {},
  ) {}

  /** The functions' names. */
  get names(): readonly string[] {
    return this.definitions.map((d) => d.name);
  }

  /** Loads every function's bundle (its cold start). */
  async start(): Promise<void> {
    for (const definition of this.definitions) {
      this.hosts.set(definition.name, {
        exportName: definition.fn.export,
        host: new FunctionHost({
          name: definition.name,
          bundle: definition.bundle,
          environment: definition.environment,
          timeoutMs: definition.fn.timeout * 1000,
          memoryMb: definition.fn.memorySize,
          ...(this.options.onLog ? { onLog: this.options.onLog } : {}),
          ...(this.options.onSegment ? { onSegment: this.options.onSegment } : {}),
        }),
      });
    }
    await Promise.all([...this.hosts.values()].map(({ host }) => host.start()));
  }

  /** Invokes a function by name with an event (continuing `options.traceHeader`'s trace), and resolves with its result. */
  invoke(functionName: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const entry = this.hosts.get(functionName);
    if (!entry) return Promise.reject(new Error(`No function named ${functionName}`));
    return entry.host.invoke(entry.exportName, event, options);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.hosts.values()].map(({ host }) => host.stop()));
    this.hosts.clear();
  }
}

export type { EnvironmentContext, FunctionDefinition };
export { defineFunctions, Functions, resolveEnvironment, settingOverridesFrom, settingVariable };
