/**
 * DynamoDB Local: AWS's own engine, the Java jar that ships inside the `amplify-dynamodb-simulator`
 * npm package, started as a child process with telemetry off.
 *
 * With a data folder it keeps its data there (`-sharedDb -dbPath`), so tables survive a restart;
 * without one it runs in memory, as the tests do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

interface DynamoDbLocalOptions {
  readonly port: number;
  /** Keep data here; omit for an in-memory database. */
  readonly dataDir?: string | undefined;
  readonly startTimeoutMs?: number;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_REGION = 'us-east-1';

const jarDirectory = (): string => {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitUntilReady = async (
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
) => {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with code ${child.exitCode} while starting:\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms:\n${output()}`);
  } finally {
    client.destroy();
  }
};

/**
 * Starts DynamoDB Local and resolves once it answers.
 *
 * @example
 * const dynamodb = await startDynamoDbLocal({ port: 8000, dataDir: '.tessera/dynamodb' });
 * // ... use dynamodb.endpoint ...
 * await dynamodb.stop();
 */
const startDynamoDbLocal = async (options: DynamoDbLocalOptions): Promise<DynamoDbLocal> => {
  const jars = jarDirectory();
  // One database for every access key and region (`-sharedDb`), on disk or in memory: every client
  // of the devstack, the tests and the bench sees the same tables.
  const storage = options.dataDir ? ['-sharedDb', '-dbPath', options.dataDir] : ['-sharedDb', '-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // DynamoDB Local writes a metadata file into its working directory; keep it out of the repository.
  const scratch = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'tessera-dynamodb-'));
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`,
      '-Xss1m',
      '-jar',
      join(jars, 'DynamoDBLocal.jar'),
      ...storage,
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
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'DynamoDB Local needs Java 17 or later, and `java` is not on the PATH. Install a JRE (for example `apt-get install openjdk-17-jre-headless`).',
            )
          : error,
      );
    });
  });
  const endpoint = `http://127.0.0.1:${options.port}`;

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitUntilReady(endpoint, child, options.startTimeoutMs ?? 30_000, () => output),
      spawnError,
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, process: child, stop };
};

export type { DynamoDbLocal, DynamoDbLocalOptions };
export { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal };
