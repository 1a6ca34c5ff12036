/**
 * The devstack: the whole of Tessera on one machine, with no AWS account.
 *
 * `startDevstack` builds (unless told not to), starts DynamoDB Local (or uses a given endpoint),
 * creates each service's table from its declaration, generates its secrets once, starts the local
 * bus, loads every bundle into its own worker, pumps table streams through the outbox publisher,
 * opens the HTTP gateway, and makes sure the bootstrap admin exists. `stop()` undoes all of it,
 * Java included.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Contract, loadContract } from '@tessera/tooling/contract';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { renderDocsPage } from './docs-page.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalEventBus, type RecordedEvent } from './event-bus.ts';
import { FunctionHost } from './function-host.ts';
import { Gateway, type RequestLogLine } from './gateway.ts';
import { assertPortFree, freePort } from './ports.ts';
import { ensureSecrets } from './secrets.ts';
import { bundlePath, discoverServices } from './services.ts';
import { StreamPump } from './stream-pump.ts';
import { ensureTable } from './tables.ts';

interface DevstackOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly httpPort?: number;
  /** Keeps DynamoDB data, secrets and stream checkpoints here; a temporary folder when omitted. */
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
  /** Lines the functions log, and the devstack's own notes. */
  readonly onLog?: (source: string, line: string) => void;
  readonly onRequest?: (line: RequestLogLine) => void;
}

interface Devstack {
  readonly httpUrl: string;
  readonly dynamodbEndpoint: string;
  readonly eventBusEndpoint: string;
  readonly dataDir: string;
  readonly tablePrefix: string;
  readonly contract: Contract;
  readonly events: readonly RecordedEvent[];
  /** Invokes an export of a function directly, as `aws lambda invoke` would. */
  invoke(functionName: string, exportName: string, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const JWT_AUDIENCE = 'tessera-api';

/**
 * Starts the devstack and resolves once it serves requests.
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
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log('devstack', `while stopping: ${String(error)}`);
      }
    }
  };

  try {
    await assertPortFree(httpPort, host, 'the HTTP gateway', 'TESSERA_HTTP_PORT');
    if (!options.dynamodbEndpoint && options.dynamodbPort !== undefined) {
      await assertPortFree(options.dynamodbPort, host, 'DynamoDB Local', 'TESSERA_DYNAMODB_PORT');
    }

    const dataDir = options.dataDir ? resolve(options.dataDir) : mkdtempSync(join(tmpdir(), 'tessera-'));
    if (!options.dataDir) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    mkdirSync(dataDir, { recursive: true });

    const services = discoverServices();
    if (options.build !== false) {
      const { buildAll } = await import('@tessera/tooling/build');
      await buildAll({ report: (line) => log('build', line) });
    }

    const missing = [...services.map((service) => service.name), 'publisher']
      .map((name) => bundlePath(name))
      .filter((path) => !existsSync(path));
    if (missing.length > 0) {
      throw new Error(`Bundles are missing (${missing.join(', ')}): run \`npm run build\` first.`);
    }

    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      const dynamodb = await startDynamoDbLocal({
        port: options.dynamodbPort || (await freePort(host)),
        dataDir: options.dataDir ? join(dataDir, 'dynamodb') : undefined,
      });
      cleanups.push(() => dynamodb.stop());
      dynamodbEndpoint = dynamodb.endpoint;
    }

    const tablePrefix = options.tablePrefix ?? 'tessera-';
    const dynamodb = new DynamoDBClient({
      endpoint: dynamodbEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanups.push(() => dynamodb.destroy());
    const tables = await Promise.all(
      services.map((service) => ensureTable(dynamodb, service.table, `${tablePrefix}${service.table.name}`)),
    );

    const secrets = ensureSecrets(dataDir);
    const functions = new Map<string, FunctionHost>();
    const invoke = (functionName: string, exportName: string, event: unknown) => {
      const fn = functions.get(functionName);
      if (!fn) return Promise.reject(new Error(`No function named ${functionName}`));
      return fn.invoke(exportName, event);
    };
    const bus = new LocalEventBus({
      host,
      rules: services.flatMap((service) =>
        service.subscriptions.map((subscription) => ({
          name: `${service.name}.${subscription.name}`,
          pattern: subscription.pattern,
          deliver: async (event) => {
            await invoke(service.name, subscription.exportName, event);
          },
        })),
      ),
      onDeliveryFailure: (rule, event, error) =>
        log('bus', `delivery of ${event['detail-type']} ${event.id} to ${rule} failed: ${String(error)}`),
    });
    const eventBusEndpoint = await bus.start();
    cleanups.push(() => bus.stop());

    const contract = loadContract();
    const gatewayPort = httpPort === 0 ? await freePort(host) : httpPort;
    const baseEnvironment = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      EVENTBRIDGE_ENDPOINT: eventBusEndpoint,
      EVENT_BUS_NAME: 'tessera',
      JWT_KEYS: secrets.jwtKeys,
      JWT_ISSUER: `http://${host}:${gatewayPort}`,
      JWT_AUDIENCE,
      CURSOR_SECRET: secrets.cursorSecret,
    };
    for (const [i, service] of services.entries()) {
      functions.set(
        service.name,
        new FunctionHost({
          name: service.name,
          bundle: bundlePath(service.name),
          environment: { ...baseEnvironment, TABLE_NAME: tables[i]?.tableName ?? '' },
          onLog: log,
        }),
      );
    }
    functions.set(
      'publisher',
      new FunctionHost({
        name: 'publisher',
        bundle: bundlePath('publisher'),
        environment: baseEnvironment,
        onLog: log,
      }),
    );
    cleanups.push(() => Promise.all([...functions.values()].map((fn) => fn.stop())).then(() => undefined));
    await Promise.all([...functions.values()].map((fn) => fn.start()));

    const pump = new StreamPump({
      endpoint: dynamodbEndpoint,
      streams: tables.flatMap((t) =>
        t.streamArn ? [{ tableName: t.tableName, streamArn: t.streamArn }] : [],
      ),
      publish: (event) => invoke('publisher', 'handler', event) as Promise<DynamoDBBatchResponse>,
      checkpointFile: options.dataDir ? join(dataDir, 'stream-checkpoints.json') : undefined,
      onError: (message, error) => log('streams', `${message}: ${String(error)}`),
    });
    pump.start();
    cleanups.push(() => pump.stop());

    let docs: string | undefined;
    const gateway = new Gateway({
      port: gatewayPort,
      host,
      contract,
      invoke,
      authorizer: { service: 'users', exportName: 'authorizer' },
      events: () => bus.events,
      docsHtml: () => {
        docs ??= renderDocsPage(contract);
        return docs;
      },
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      onError: (message, error) => log('gateway', `${message}: ${String(error)}`),
    });
    const httpUrl = await gateway.start();
    cleanups.push(() => gateway.stop());

    if (options.bootstrapAdmin) {
      await invoke('users', 'handler', { command: 'bootstrap-admin', ...options.bootstrapAdmin });
    }

    return {
      httpUrl,
      dynamodbEndpoint,
      eventBusEndpoint,
      dataDir,
      tablePrefix,
      contract,
      events: bus.events,
      invoke,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

export type { Devstack, DevstackOptions };
export { startDevstack };
