/**
 * Runs a built Lambda bundle (`dist/<name>/index.mjs`, the same file that ships) the way Lambda does:
 * in its own worker thread, with its own environment, its module loaded once (the cold start) and
 * then invoked with events and a context. An invocation that runs past the timeout gets the worker
 * replaced, as Lambda replaces the execution environment.
 *
 * Like deployed Lambda code, the bundle a host runs does not change under it: the host runs a copy
 * of the bundle's folder, taken when it starts, so a rebuild of `dist/` meanwhile cannot pull lazily
 * loaded chunks away from a running function.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

interface FunctionHostOptions {
  readonly name: string;
  readonly bundle: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  /** Receives each line the function logs. */
  readonly onLog?: (functionName: string, line: string) => void;
}

class FunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    message: string,
    readonly remoteStack?: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

class FunctionTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
    this.name = 'FunctionTimeoutError';
  }
}

// The worker is plain CommonJS, evaluated from this string, so it runs the same under tsx, vitest or
// node: it imports the bundle, then answers invoke messages with the export's result.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const describe = (error) => ({
  type: (error && error.name) || 'Error',
  message: String((error && error.message) || error),
  stack: error && error.stack,
});
import(pathToFileURL(workerData.bundle).href).then(
  (module) => {
    parentPort.on('message', async ({ id, exportName, event, deadline, requestId }) => {
      const context = {
        awsRequestId: requestId,
        functionName: workerData.name,
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + workerData.name,
        memoryLimitInMB: String(workerData.memoryMb),
        logGroupName: '/aws/lambda/' + workerData.name,
        logStreamName: 'devstack',
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      try {
        const fn = module[exportName];
        if (typeof fn !== 'function') throw new Error('The bundle has no export named ' + exportName);
        const result = await fn(event, context);
        parentPort.postMessage({ id, ok: true, result: result === undefined ? null : result });
      } catch (error) {
        parentPort.postMessage({ id, ok: false, error: describe(error) });
      }
    });
    parentPort.postMessage({ ready: true });
  },
  (error) => parentPort.postMessage({ initError: describe(error) }),
);
`;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

class FunctionHost {
  readonly name: string;
  private worker: Worker | undefined;
  private starting: Promise<void> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private stopped = false;
  private readonly snapshot: string;
  private readonly bundle: string;

  constructor(private readonly options: FunctionHostOptions) {
    this.name = options.name;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.snapshot = mkdtempSync(join(tmpdir(), `tessera-${options.name}-`));
    cpSync(dirname(options.bundle), this.snapshot, { recursive: true });
    this.bundle = join(this.snapshot, basename(options.bundle));
  }

  /** Loads the bundle (the cold start). Invocations start the worker themselves if needed. */
  start(): Promise<void> {
    this.starting ??= this.spawn().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        env: { ...this.options.environment },
        workerData: { bundle: this.bundle, name: this.name, memoryMb: this.options.memoryMb ?? 512 },
        stdout: true,
        stderr: true,
      });
      this.worker = worker;
      const forward = (stream: NodeJS.ReadableStream) => {
        let buffered = '';
        stream.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') this.options.onLog?.(this.name, line);
        });
      };
      forward(worker.stdout);
      forward(worker.stderr);
      worker.on('message', (message: Record<string, unknown>) => {
        if (message.ready) return resolve();
        if (message.initError) {
          const e = message.initError as { type: string; message: string; stack?: string };
          return reject(new FunctionError(this.name, e.type, `Init failed: ${e.message}`, e.stack));
        }
        this.settle(message);
      });
      worker.on('error', (error) => {
        reject(error);
        this.failAll(error);
      });
      worker.on('exit', () => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.starting = undefined;
        }
        this.failAll(new FunctionError(this.name, 'Runtime.ExitError', 'The function process exited'));
      });
    });
  }

  private settle(message: Record<string, unknown>) {
    const id = String(message.id);
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (message.ok) {
      entry.resolve(message.result);
    } else {
      const e = message.error as { type: string; message: string; stack?: string };
      entry.reject(new FunctionError(this.name, e.type, e.message, e.stack));
    }
  }

  private failAll(error: Error) {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
      this.pending.delete(id);
    }
  }

  /** Invokes an export of the bundle with an event, as Lambda would, and resolves with its result. */
  async invoke(exportName: string, event: unknown): Promise<unknown> {
    if (this.stopped) throw new Error(`${this.name} is stopped`);
    await this.start();
    const worker = this.worker;
    if (!worker) throw new FunctionError(this.name, 'Runtime.ExitError', 'The function is not running');
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new FunctionTimeoutError(this.name, this.timeoutMs));
        // Lambda throws away an environment whose invocation timed out.
        void worker.terminate();
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, exportName, event, deadline: Date.now() + this.timeoutMs, requestId: id });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    rmSync(this.snapshot, { recursive: true, force: true });
  }
}

export type { FunctionHostOptions };
export { FunctionError, FunctionHost, FunctionTimeoutError };
