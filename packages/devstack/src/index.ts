/**
 * The devstack: the whole of Tessera on one machine, with no AWS account.
 *
 * `startDevstack` assembles a list of parts from the manifests and starts them in order: the data
 * folder, the clock (its offset kept in `<dataDir>/clock.json`, shared with every function's `Date`;
 * ADR 0033), the build (unless told not to), DynamoDB Local (or a given endpoint), each service's table
 * from its declaration, the secrets the manifests declare, the local bus with a rule per
 * subscription, the queues those rules send to and their SQS endpoint, one function per manifest
 * function, the scheduler (its schedules under `<dataDir>/schedules/`, its REST JSON endpoint) and a
 * Lambda Invoke endpoint, the event source mappings (table streams, queues), the bootstrap admin, the WebSocket
 * gateway (with its `@connections` endpoint), and last the HTTP gateway, so that once `/health`
 * answers, start-up is complete. `stop()` stops the parts in reverse, Java included.
 *
 * It plays CloudWatch and X-Ray too (ADR 0039): the EMF lines the functions write are metrics, not
 * logs (they never reach `onLog`), served at `GET /_devstack/metrics` in Prometheus's text format
 * (`devstack.metrics` in the process); each invocation runs in a trace as Lambda's active tracing
 * runs it, a local X-Ray daemon (UDP, every function's `AWS_XRAY_DAEMON_ADDRESS`) takes the
 * functions' subsegments, and the recent traces are at `GET /_devstack/traces` (`devstack.traces`).
 * Trace headers travel as in AWS: a `PutEvents` entry's `TraceHeader` to a rule's Lambda target
 * (continued) or SQS target (`AWSTraceHeader`), SQS's `AWSTraceHeader` to the records a function
 * gets, the Lambda endpoint's `X-Amzn-Trace-Id` to the function; the event source mappings, the
 * stream reader, the scheduler and both gateways start a new trace per invocation.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Contract, loadContract } from '@tessera/tooling/contract';
import { bundlePath } from '@tessera/tooling/dist';
import { loadManifests, type Manifest } from '@tessera/tooling/manifests';
import { repoRoot } from '@tessera/tooling/repo';
import type { Clock } from './clock.ts';
import { type ClockAdvance, DevstackClock } from './clock-host.ts';
import { addClockRoutes } from './clock-routes.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './dynamodb-local.ts';
import { checkpointFileOf, DynamoDbStreamSource } from './dynamodb-stream-source.ts';
import { EmfMetrics } from './emf-metrics.ts';
import { filterEvents, LocalEventBus, type RecordedEvent } from './event-bus.ts';
import { EventSourceMapping } from './event-source-mapping.ts';
import { type InvokeOptions, withClockOffset } from './function-host.ts';
import { defineFunctions, Functions } from './functions.ts';
import { Gateway, type RequestLogLine } from './gateway.ts';
import { LambdaEndpoint } from './lambda-endpoint.ts';
import type { ReceivedMessage } from './local-queue.ts';
import { addObservabilityRoutes } from './observability-routes.ts';
import { devstackPages } from './pages.ts';
import { type Part, type PartTiming, part, startParts } from './parts.ts';
import { assertPortFree, assertUdpPortFree, freePort } from './ports.ts';
import { QueueSource } from './queue-source.ts';
import { LocalQueues } from './queues.ts';
import { DevstackRouter } from './router.ts';
import { ruleTargets } from './rule-targets.ts';
import { LocalScheduler } from './scheduler.ts';
import { SchedulerEndpoint } from './scheduler-endpoint.ts';
import { ensureSecrets, secretFile } from './secrets.ts';
import { SqsEndpoint } from './sqs-endpoint.ts';
import { ensureTable } from './tables.ts';
import { topologyOf } from './topology.ts';
import { TraceStore } from './trace-store.ts';
import { WebSocketGateway } from './websocket-gateway.ts';
import { XRayDaemon } from './xray-daemon.ts';

interface DevstackOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly httpPort?: number;
  /** Keeps DynamoDB data, secrets, queues and stream checkpoints here; a temporary folder when omitted. */
  readonly dataDir?: string;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local. */
  readonly dynamodbEndpoint?: string;
  /** Port for DynamoDB Local when the devstack starts it; 0 picks a free port. */
  readonly dynamodbPort?: number;
  /** Prefix of every table name, so several devstacks can share one DynamoDB. */
  readonly tablePrefix?: string;
  /** Build the bundles first (default true). */
  readonly build?: boolean;
  readonly bootstrapAdmin?: { readonly email: string; readonly password: string } | undefined;
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Lines the functions log, and the devstack's own notes. Not their EMF lines: those are metrics
   * (`Devstack.metrics`, `GET /_devstack/metrics`).
   */
  readonly onLog?: (source: string, line: string) => void;
  readonly onRequest?: (line: RequestLogLine) => void;
  /**
   * The time the parts go by (the bus, the queues, the event source mappings, the scheduler) and the
   * functions follow. Unless told, the devstack's own: a ticking `MovableClock` whose offset from the
   * wall clock `POST /_devstack/clock` moves forward and `<dataDir>/clock.json` keeps (ADR 0033). A
   * given `MovableClock` moves the functions with it; any other is the wall clock to them.
   */
  readonly clock?: Clock;
  /** The manifests to run (every manifest of the repository unless told; tests run made-up ones). */
  readonly manifests?: readonly Manifest[];
  /** Where the bundles are, `<distDir>/<manifest name>/index.mjs` (the repository's `dist/` unless told). */
  readonly distDir?: string;
  /** The HTTP contract (`openapi/api.yaml` unless told). */
  readonly contract?: Contract;
  /** Port of the SQS endpoint in front of the queues; 0 or omitted picks a free port. */
  readonly sqsPort?: number;
  /** Port of the WebSocket gateway and its `@connections` endpoint; 0 or omitted picks a free port. */
  readonly webSocketPort?: number;
  /** The WebSocket gateway's limits: idle 10 minutes, any connection 2 hours (API Gateway's) unless told. */
  readonly webSocketTimeouts?: { readonly idleMs?: number; readonly maxConnectionMs?: number };
  /**
   * Values for the manifests' settings, by setting id (`reminder_lead_seconds`), over their devstack
   * values and defaults (`npm start` takes them from `TESSERA_<SETTING>`).
   */
  readonly settingOverrides?: Readonly<Record<string, string>>;
  /** Port of the scheduler's endpoint (EventBridge Scheduler's REST JSON); 0 or omitted picks a free port. */
  readonly schedulerPort?: number;
  /** Port of the Lambda endpoint (Invoke, for `npm run redrive`); 0 or omitted picks a free port. */
  readonly lambdaPort?: number;
  /**
   * UDP port of the local X-Ray daemon: a number, that port (refused at once when busy, naming
   * `TESSERA_XRAY_PORT`); `{ preferred }`, that port when free, else one the OS hands out (`npm start`
   * prefers 2000, the daemon's own); 0 or omitted, one the OS hands out.
   */
  readonly xrayPort?: number | { readonly preferred: number };
}

interface Devstack {
  readonly httpUrl: string;
  readonly dynamodbEndpoint: string;
  readonly eventBusEndpoint: string;
  /** The queues' SQS endpoint (AWS JSON 1.0), for `@aws-sdk/client-sqs`. */
  readonly sqsEndpoint: string;
  /** The scheduler's endpoint (REST JSON), for `@aws-sdk/client-scheduler`; functions get it as `SCHEDULER_ENDPOINT`. */
  readonly schedulerEndpoint: string;
  /** The Lambda endpoint (Invoke only), for `@aws-sdk/client-lambda`. */
  readonly lambdaEndpoint: string;
  /** The local X-Ray daemon, `127.0.0.1:<port>` (UDP): every function's `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly xrayDaemonAddress: string;
  /**
   * The functions' EMF metrics since the start (also at `GET /_devstack/metrics`):
   * `metrics.value('tessera_requests_total', { service: 'bookings' })`, `metrics.prometheus()`.
   */
  readonly metrics: EmfMetrics;
  /**
   * The recent traces (also at `GET /_devstack/traces`): `traces.list({ annotations: { correlationId } })`,
   * `traces.get(id)`.
   */
  readonly traces: TraceStore;
  /** The schedules, kept under `<dataDir>/schedules/` (pending ones also at `GET /_devstack/schedules`). */
  readonly scheduler: LocalScheduler;
  /** The WebSocket API: `ws://127.0.0.1:<port>` (connect with `?token=<accessToken>`). */
  readonly webSocketUrl: string;
  /** Its `@connections` endpoint, `http://127.0.0.1:<port>`, for `ApiGatewayManagementApiClient`. */
  readonly webSocketConnectionsUrl: string;
  readonly dataDir: string;
  readonly tablePrefix: string;
  readonly contract: Contract;
  /** Every event that crossed the bus (also at `GET /_devstack/events`). */
  readonly events: readonly RecordedEvent[];
  /** The functions by name (`users`, `users-authorizer`, ...). */
  readonly functions: readonly string[];
  /** The queues the subscriptions deliver through, and their dead-letter queues. */
  readonly queues: LocalQueues;
  /** The devstack's clock (see `DevstackOptions.clock`). */
  readonly clock: Clock;
  /**
   * Moves the devstack's clock `seconds` forward (a whole number, up to 400 days' worth), as
   * `POST /_devstack/clock` does, and resolves once the timers due on the way have fired.
   */
  advanceClock(seconds: number): Promise<ClockAdvance>;
  /** How long each part took to start, in order. */
  readonly startup: readonly PartTiming[];
  /**
   * Invokes a function by name, as `aws lambda invoke` would: in the trace of `options.traceHeader`
   * (as an `X-Amzn-Trace-Id` continues it), else in a new one.
   */
  invoke(functionName: string, event: unknown, options?: InvokeOptions): Promise<unknown>;
  /** The file that holds a service's secret (`<dataDir>/secrets/<service>/<id>`). */
  secretFile(service: string, id: string): string;
  stop(): Promise<void>;
}

const EVENT_BUS_NAME = 'tessera';

/** A part around something that starts and stops itself. */
const running = (name: string, thing: { start(): Promise<unknown>; stop(): Promise<void> }): Part =>
  part(name, async () => {
    await thing.start();
    return () => thing.stop();
  });

/**
 * Starts the devstack and resolves once it serves requests, with everything behind them ready.
 *
 * @example
 * const devstack = await startDevstack({ httpPort: 3000, dataDir: '.tessera' });
 * console.log(devstack.httpUrl);
 * await devstack.stop();
 */
const startDevstack = async (options: DevstackOptions = {}): Promise<Devstack> => {
  const host = options.host ?? '127.0.0.1';
  const httpPort = options.httpPort ?? 3000;
  const log = (source: string, line: string) => options.onLog?.(source, line);
  const distDir = options.distDir ?? join(repoRoot, 'dist');
  const tablePrefix = options.tablePrefix ?? 'tessera-';

  // The ports are checked before anything is built, made or started.
  await assertPortFree(httpPort, host, 'the HTTP gateway', 'TESSERA_HTTP_PORT');
  if (options.sqsPort) await assertPortFree(options.sqsPort, host, 'the SQS endpoint', 'TESSERA_SQS_PORT');
  if (options.schedulerPort) {
    await assertPortFree(options.schedulerPort, host, 'the scheduler endpoint', 'TESSERA_SCHEDULER_PORT');
  }
  if (options.lambdaPort) {
    await assertPortFree(options.lambdaPort, host, 'the Lambda endpoint', 'TESSERA_LAMBDA_PORT');
  }
  if (options.webSocketPort) {
    await assertPortFree(options.webSocketPort, host, 'the WebSocket gateway', 'TESSERA_WS_PORT');
  }
  if (typeof options.xrayPort === 'number' && options.xrayPort !== 0) {
    await assertUdpPortFree(options.xrayPort, host, 'the X-Ray daemon', 'TESSERA_XRAY_PORT');
  }
  if (!options.dynamodbEndpoint && options.dynamodbPort !== undefined) {
    await assertPortFree(options.dynamodbPort, host, 'DynamoDB Local', 'TESSERA_DYNAMODB_PORT');
  }

  const manifests = options.manifests ?? loadManifests();
  const topology = topologyOf(manifests);
  const contract = options.contract ?? loadContract();
  const dataDir = options.dataDir ? resolve(options.dataDir) : join(tmpdir(), `tessera-${randomUUID()}`);
  // A temporary data folder keeps no clock: it starts on the wall clock.
  const time = new DevstackClock({
    clock: options.clock,
    file: options.dataDir ? join(dataDir, 'clock.json') : undefined,
  });
  const clock = time.clock;
  const metrics = new EmfMetrics();
  const traces = new TraceStore();
  const router = addObservabilityRoutes(addClockRoutes(new DevstackRouter(), time), { metrics, traces });
  const xrayDaemon = new XRayDaemon({
    host,
    ...(typeof options.xrayPort === 'number'
      ? { port: options.xrayPort }
      : options.xrayPort
        ? { preferredPort: options.xrayPort.preferred }
        : {}),
    onDocument: (document) => traces.add(document),
  });

  let dynamodbEndpoint = options.dynamodbEndpoint ?? '';
  const tables = new Map<string, { tableName: string; streamArn: string | undefined }>();
  let live = new Functions([]);
  const invoke = (functionName: string, event: unknown, invokeOptions?: InvokeOptions) =>
    live.invoke(functionName, event, invokeOptions);
  const queues = new LocalQueues({
    specs: [
      ...topology.queues.map((queue) => ({
        name: queue.name,
        visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
        deadLetter: { name: queue.deadLetterQueueName, maxReceiveCount: queue.maxReceiveCount },
      })),
      // Each subscribing service's dead-letter queues of its rules' deliveries, and each scheduled
      // service's: its schedules' (what Scheduler could not invoke) and its target's on-failure
      // destination (what the function threw on every attempt); kept 14 days as in AWS.
      ...[
        ...new Set([
          ...topology.rules.map((rule) => rule.deadLetterQueueName),
          ...topology.scheduleTargets.flatMap((target) => [
            target.deadLetterQueueName,
            `${target.service}-invocations-dlq`,
          ]),
        ]),
      ].map((name) => ({
        name,
        messageRetentionSeconds: 14 * 24 * 3600,
      })),
    ],
    directory: join(dataDir, 'queues'),
    clock,
  });
  const bus = new LocalEventBus({
    host,
    clock,
    ...ruleTargets({
      rules: topology.rules,
      queues,
      invoke,
      clock,
      busName: EVENT_BUS_NAME,
      log: (line) => log('bus', line),
    }),
  });
  const sqs = new SqsEndpoint({ queues, host, port: options.sqsPort ?? 0 });
  const hasFunction = (functionName: string) => live.names.includes(functionName);
  const serviceOfFunction = new Map(
    manifests.flatMap((manifest) => Object.keys(manifest.functions).map((name) => [name, manifest.name])),
  );
  const scheduler = new LocalScheduler({
    directory: join(dataDir, 'schedules'),
    clock,
    groups: topology.scheduleTargets.map((target) => target.group),
    invoke,
    hasFunction,
    queue: (name) => queues.get(name),
    onFailureQueueOf: (functionName) => {
      const service = serviceOfFunction.get(functionName);
      return service ? `${service}-invocations-dlq` : undefined;
    },
    onLog: (line) => log('scheduler', line),
  });
  // Chosen now: the functions' environment names the scheduler's endpoint before it opens.
  const schedulerPort = options.schedulerPort || (await freePort(host));
  const schedulerEndpoint = new SchedulerEndpoint({
    scheduler,
    host,
    port: schedulerPort,
    onError: (error) => log('scheduler', `a request failed: ${String(error)}`),
  });
  const lambdaEndpoint = new LambdaEndpoint({
    invoke,
    hasFunction,
    host,
    port: options.lambdaPort ?? 0,
    onLog: (line) => log('lambda', line),
  });
  const gatewayPort = httpPort === 0 ? await freePort(host) : httpPort;
  const gateway = new Gateway({
    port: gatewayPort,
    host,
    contract,
    clock,
    invoke,
    operationsFunction: (service) => topology.operations.get(service),
    authorizer: topology.httpAuthorizer,
    router,
    // Asked at each request: the WebSocket gateway, made below, listens before this one opens.
    pages: devstackPages({ webSocketUrl: () => webSocketGateway.url || undefined }),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    onError: (message, error) => log('gateway', `${message}: ${String(error)}`),
  });
  router
    .add('GET', '/_devstack/events', ({ url }) => ({
      body: { items: filterEvents(bus.events, url.searchParams) },
    }))
    // Dead letters go back through the SQS endpoint's StartMessageMoveTask (`npm run redrive`), as in AWS.
    .add('GET', '/_devstack/queues', () => ({ body: { items: queues.list() } }))
    // Pending schedules, soonest first, and the asynchronous invocations fired ones still make.
    .add('GET', '/_devstack/schedules', () => ({
      body: { items: scheduler.pending(), invocations: scheduler.deliveries() },
    }));
  // Chosen now: the functions' environment names its @connections endpoint before it opens.
  const webSocketPort = options.webSocketPort || (await freePort(host));
  const webSocketGateway = new WebSocketGateway({
    host,
    port: webSocketPort,
    clock,
    invoke,
    routes: topology.webSocketRoutes,
    authorizer: topology.webSocketAuthorizer,
    ...(options.webSocketTimeouts?.idleMs !== undefined
      ? { idleTimeoutMs: options.webSocketTimeouts.idleMs }
      : {}),
    ...(options.webSocketTimeouts?.maxConnectionMs !== undefined
      ? { maxConnectionMs: options.webSocketTimeouts.maxConnectionMs }
      : {}),
    onLog: (line) => log('websocket', line),
  });
  router.add('GET', '/_devstack/websocket/connections', () => ({
    body: {
      items: webSocketGateway.list().map((connection) => ({
        connectionId: connection.connectionId,
        userId: connection.userId ?? null,
        connectedAt: new Date(connection.connectedAt).toISOString(),
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      })),
    },
  }));

  const parts: Part[] = [
    part('data folder', async () => {
      mkdirSync(dataDir, { recursive: true, ...(options.dataDir ? {} : { mode: 0o700 }) });
      return options.dataDir ? undefined : () => rmSync(dataDir, { recursive: true, force: true });
    }),
    // Kept in the data folder from here on; stopped after everything that goes by it.
    running('clock', time),
    part('build', async () => {
      if (options.build !== false) {
        const { buildAll } = await import('@tessera/tooling/build');
        await buildAll({ report: (line) => log('build', line) });
      }
      const missing = manifests.map((m) => bundlePath(m.name, distDir)).filter((path) => !existsSync(path));
      if (missing.length > 0) {
        throw new Error(`Bundles are missing (${missing.join(', ')}): run \`npm run build\` first.`);
      }
    }),
    part('DynamoDB Local', async () => {
      if (options.dynamodbEndpoint) return;
      const dynamodb = await startDynamoDbLocal({
        port: options.dynamodbPort || (await freePort(host)),
        dataDir: options.dataDir ? join(dataDir, 'dynamodb') : undefined,
      });
      dynamodbEndpoint = dynamodb.endpoint;
      return () => dynamodb.stop();
    }),
    part('tables', async () => {
      const client = new DynamoDBClient({
        endpoint: dynamodbEndpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      });
      try {
        await Promise.all(
          manifests.flatMap((manifest) =>
            manifest.tableDeclaration
              ? [
                  ensureTable(
                    client,
                    manifest.tableDeclaration,
                    `${tablePrefix}${manifest.tableDeclaration.name}`,
                  ).then((table) => tables.set(manifest.name, table)),
                ]
              : [],
          ),
        );
      } finally {
        client.destroy();
      }
    }),
    part('secrets', async () => {
      ensureSecrets(dataDir, manifests);
    }),
    // Before the functions: their environment names its address.
    running('X-Ray daemon', xrayDaemon),
    running('event bus', bus),
    running('queues', queues),
    running('SQS endpoint', sqs),
    part('functions', async () => {
      live = new Functions(
        defineFunctions(manifests, distDir, {
          tableName: (manifest) => tables.get(manifest.name)?.tableName,
          secretFile: (service, id) => secretFile(dataDir, service, id),
          httpUrl: `http://${host}:${gatewayPort}`,
          eventBusName: EVENT_BUS_NAME,
          webSocketConnectionsUrl: `http://${host}:${webSocketPort}`,
          logLevel: options.logLevel ?? 'INFO',
          dynamodbEndpoint,
          eventBridgeEndpoint: bus.endpoint,
          settingOverrides: options.settingOverrides,
          schedulerEndpoint: `http://${host}:${schedulerPort}`,
          xrayDaemonAddress: xrayDaemon.address,
        }),
        {
          // An EMF line is metrics, not a log line: counted, never printed.
          onLog: (source, line) => {
            if (!metrics.ingest(line)) log(source, line);
          },
          onSegment: (segment) => traces.add(segment),
        },
      );
      // Every worker's Date follows the clock, from before its bundle loads (ADR 0033).
      await withClockOffset(time.offset, () => live.start());
      return () => live.stop();
    }),
    // Once the functions are up, and before anything invokes them: what came due while the
    // devstack was stopped fires now. Stopped before the functions: a firing under way is made
    // again at the next start.
    part('scheduler', async () => {
      await scheduler.start();
      await schedulerEndpoint.start();
      return async () => {
        await schedulerEndpoint.stop();
        await scheduler.stop();
      };
    }),
    running('Lambda endpoint', lambdaEndpoint),
    ...topology.tableStreamReaders.map((reader) =>
      part(`table streams -> ${reader}`, async () => {
        const checkpointFile = options.dataDir
          ? checkpointFileOf(dataDir, reader, topology.tableStreamReaders)
          : undefined;
        const source = new DynamoDbStreamSource({
          endpoint: dynamodbEndpoint,
          streams: [...tables.values()].flatMap((t) =>
            t.streamArn ? [{ tableName: t.tableName, streamArn: t.streamArn }] : [],
          ),
          invoke: (event) => invoke(reader, event),
          checkpointFile,
          clock,
          onError: (message, error) => log('streams', `${message}: ${String(error)}`),
        });
        await source.start();
        return () => source.stop();
      }),
    ),
    ...topology.queues.map((declaration) =>
      part(`queue ${declaration.name} -> ${declaration.functionName}`, async () => {
        const mapping = new EventSourceMapping<ReceivedMessage>({
          source: new QueueSource(queues.require(declaration.name)),
          invoke: (event) => invoke(declaration.functionName, event),
          batchSize: declaration.batchSize,
          batchingWindowMs: declaration.maximumBatchingWindowSeconds * 1000,
          concurrency: declaration.maximumConcurrency,
          // The queue's long poll does the waiting.
          pollIntervalMs: 0,
          clock,
          onError: (message, error) => log('queues', `${message}: ${String(error)}`),
        });
        await mapping.start();
        return () => mapping.stop();
      }),
    ),
    part('bootstrap admin', async () => {
      if (!options.bootstrapAdmin) return;
      const target = topology.commands.get('bootstrap-admin');
      if (!target)
        throw new Error(
          'A bootstrap admin is asked for, and no function declares the bootstrap-admin command',
        );
      await invoke(target, { command: 'bootstrap-admin', ...options.bootstrapAdmin });
    }),
    // Before the HTTP gateway, and stopped before the functions, so each connection's $disconnect runs.
    running('WebSocket gateway', webSocketGateway),
    // Last: once the gateway answers, everything behind it is ready, the bootstrap admin included.
    running('gateway', gateway),
  ];

  const started = await startParts(parts, (name, error) =>
    log('devstack', `while stopping ${name}: ${String(error)}`),
  );
  return {
    httpUrl: gateway.url,
    dynamodbEndpoint,
    eventBusEndpoint: bus.endpoint,
    sqsEndpoint: sqs.url,
    schedulerEndpoint: schedulerEndpoint.url,
    lambdaEndpoint: lambdaEndpoint.url,
    xrayDaemonAddress: xrayDaemon.address,
    metrics,
    traces,
    scheduler,
    webSocketUrl: webSocketGateway.url,
    webSocketConnectionsUrl: webSocketGateway.connectionsUrl,
    dataDir,
    tablePrefix,
    contract,
    events: bus.events,
    functions: live.names,
    queues,
    clock,
    advanceClock: (seconds) => time.advance(seconds),
    startup: started.timings,
    invoke,
    secretFile: (service, id) => secretFile(dataDir, service, id),
    stop: started.stop,
  };
};

export type { DynamoDbLocal } from './dynamodb-local.ts';
export { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './dynamodb-local.ts';
export { readBody } from './http-body.ts';
export { freePort } from './ports.ts';
export type { ShutdownTarget } from './shutdown.ts';
export { stopOnSignalOrCrash } from './shutdown.ts';
export { ensureTable } from './tables.ts';
export type { Devstack, DevstackOptions };
export { startDevstack };
