/**
 * DynamoDB Local for the capacity benchmark and the start benchmark's baseline: the jar of the
 * devstack's own dependency (`amplify-dynamodb-simulator`), started with the devstack's flags
 * (telemetry off; on disk with `-sharedDb -dbPath` when given a data folder, else in memory), ready
 * when it answers ListTables; and tables created from a manifest's table declaration.
 *
 * The bench starts it itself rather than through the devstack's modules, which may move; only the
 * devstack's public entry (`startDevstack`) is used elsewhere.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DynamoDBClient as Client,
  CreateTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, type TableDeclaration } from '@tessera/shared/table-declaration';
import { repoRoot } from '../../packages/tooling/src/repo.ts';

interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Credentials and region DynamoDB Local accepts (it checks neither). */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const LOCAL_REGION = 'us-east-1';

/** The folder of `DynamoDBLocal.jar`, resolved from the devstack's package, whose dependency it is. */
const jarDirectory = (): string => {
  const require = createRequire(join(repoRoot, 'packages', 'devstack', 'package.json'));
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A low-level client of DynamoDB Local. */
const localClient = (endpoint: string): DynamoDBClient =>
  new Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

/**
 * Starts DynamoDB Local on a port and resolves once it answers.
 *
 * @example
 * const dynamodb = await startDynamoDbLocal({ port: await freePort() });
 * await dynamodb.stop();
 */
const startDynamoDbLocal = async (options: {
  readonly port: number;
  readonly dataDir?: string | undefined;
  readonly startTimeoutMs?: number;
}): Promise<DynamoDbLocal> => {
  const jars = jarDirectory();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // It writes a metadata file into its working directory; keep that out of the repository.
  const scratch = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'tessera-bench-dynamodb-'));
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`,
      '-Xss1m',
      '-jar',
      join(jars, 'DynamoDBLocal.jar'),
      // One database for every access key and region: the bench's own client and the functions share it.
      ...(options.dataDir ? ['-sharedDb', '-dbPath', options.dataDir] : ['-sharedDb', '-inMemory']),
      '-port',
      String(options.port),
      '-disableTelemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.dataDir ?? scratch },
  );
  child.once('exit', () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const ready = async () => {
    const client = localClient(endpoint);
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    try {
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`DynamoDB Local exited while starting:\n${output}`);
        try {
          await client.send(new ListTablesCommand({ Limit: 1 }));
          return;
        } catch {
          await sleep(100);
        }
      }
      throw new Error(`DynamoDB Local did not answer in time:\n${output}`);
    } finally {
      client.destroy();
    }
  };
  try {
    await Promise.race([ready(), failed]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, process: child, stop };
};

/**
 * Creates a table as its declaration says (keys, indexes, stream), under the name given.
 *
 * @example
 * await createTable(client, manifest.tableDeclaration, 'bench-tickets-1000');
 */
const createTable = async (client: DynamoDBClient, declaration: TableDeclaration, tableName: string) => {
  await client.send(new CreateTableCommand(createTableInput(declaration, tableName)));
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
};

export type { DynamoDbLocal };
export { createTable, LOCAL_CREDENTIALS, LOCAL_REGION, localClient, startDynamoDbLocal };
