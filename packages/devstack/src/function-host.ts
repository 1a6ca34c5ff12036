/**
 * Runs a built Lambda bundle (`dist/<name>/index.mjs`, the same file that ships) the way Lambda does:
 * in its own worker thread, with its own environment, its module loaded once (the cold start) and
 * then invoked with events and a context.
 *
 * The invocations running at once share that worker, where Lambda gives each its own execution
 * environment, so a timeout is emulated per invocation: the one that runs past its deadline is
 * rejected then, and its worker is retired, as Lambda replaces the environment of a timed-out
 * invocation. New invocations go to a freshly spawned worker (a cold start); the others already
 * running in the retired one finish there with their results (or time out themselves), and it is
 * ended once none is left. Its exit or crash fails only the invocations running in it. The limit of
 * the emulation: one worker thread cannot stop one async call, so the timed-out invocation's code
 * may keep running (and logging, and writing) until its retired worker ends.
 *
 * Like deployed Lambda code, the bundle a host runs does not change under it: the host runs a copy
 * of the bundle's folder, taken when it starts, so a rebuild of `dist/` meanwhile cannot pull lazily
 * loaded chunks away from a running function.
 *
 * Given a `clockOffset`, every worker of the host (a timed-out one's replacement included) shifts
 * its `Date` by it before the bundle loads (`clock-offset.ts`, ADR 0033): the function tells the
 * devstack's time, moved or not, while its timers and its `getRemainingTimeInMillis` run on real time.
 *
 * Tracing as Lambda's active tracing does it (ADR 0039). Each invocation continues the trace of the
 * header it is given (`invoke(exportName, event, { traceHeader })`), or starts a new one when there
 * is none or it has no valid `Root`, under a new segment id S: the bundle sees
 * `Root=<trace>;Parent=<S>;Sampled=1` through Lambda's invoke store,
 * `globalThis.awslambda.InvokeStore` (the shape of `@aws/lambda-invoke-store`, on an
 * `AsyncLocalStorage`: `getXRayTraceId()`, `getRequestId()`, `getContext()`, `hasContext()`,
 * `get(key)`, `set(key, value)`, `run(context, fn)`), which the worker installs before the bundle
 * loads and runs each invocation inside. Never `process.env._X_AMZN_TRACE_ID`: the invocations
 * running at once in one worker would share it. When the invocation ends, the host hands
 * `onSegment` the function's own segment: `{ name, id: S, trace_id, parent_id (the given header's
 * Parent), start_time, end_time, origin: 'AWS::Lambda::Function', aws: { request_id }, fault }`,
 * `fault` (and the exception in `cause`) when it threw, timed out or its worker died; its times are
 * the function's, on the devstack clock.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SHIFTED_DATE_SOURCE, type SharedClockOffset } from './clock-offset.ts';
import { invocationTrace } from './trace-header.ts';
import type { SegmentDocument } from './trace-store.ts';

interface FunctionHostOptions {
  readonly name: string;
  readonly bundle: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  /** Receives each line the function logs. */
  readonly onLog?: (functionName: string, line: string) => void;
  /**
   * The offset of the time the function tells from the wall clock, shared with every worker of the
   * host (default: the one of `withClockOffset`, if the host is made inside it; else none, real time).
   */
  readonly clockOffset?: SharedClockOffset | undefined;
  /** Receives each invocation's own segment (`AWS::Lambda::Function`) once it has ended. */
  readonly onSegment?: (segment: SegmentDocument) => void;
}

interface InvokeOptions {
  /**
   * The trace header the invocation continues (`Root=...;Parent=...;Sampled=1`), as a Lambda
   * invocation gets it from its caller; a new trace when omitted or not valid.
   */
  readonly traceHeader?: string | undefined;
}

const ambientClockOffset = new AsyncLocalStorage<SharedClockOffset>();

/**
 * Runs `make` so that every `FunctionHost` it creates, with no `clockOffset` of its own, takes
 * `offset`: how the devstack hands its clock to hosts that code it does not own creates.
 *
 * @example
 * await withClockOffset(offset, () => functions.start());
 */
const withClockOffset = <T>(offset: SharedClockOffset, make: () => T): T =>
  ambientClockOffset.run(offset, make);

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

// Lambda's invoke store, as @aws/lambda-invoke-store has it for many invocations at once (its
// InvokeStoreMulti): the invocation's context on an AsyncLocalStorage, the request id and the trace
// header under protected keys that a bundle reads and cannot set. A bundled copy of the package
// finds it on globalThis.awslambda and uses it.
const INVOKE_STORE_SOURCE = `(function installInvokeStore(globalObject) {
  const { AsyncLocalStorage } = require('node:async_hooks');
  const PROTECTED_KEYS = {
    REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
    X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
    TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
  };
  const als = new AsyncLocalStorage();
  const isProtectedKey = (key) => Object.values(PROTECTED_KEYS).includes(key);
  const store = {
    PROTECTED_KEYS,
    isProtectedKey,
    getContext: () => als.getStore(),
    hasContext: () => als.getStore() !== undefined,
    get: (key) => als.getStore()?.[key],
    set(key, value) {
      if (isProtectedKey(key)) throw new Error('Cannot modify protected Lambda context field: ' + String(key));
      const context = als.getStore();
      if (!context) throw new Error('No context available');
      context[key] = value;
    },
    run: (context, fn) => als.run(context, fn),
    getRequestId: () => als.getStore()?.[PROTECTED_KEYS.REQUEST_ID] ?? '-',
    getXRayTraceId: () => als.getStore()?.[PROTECTED_KEYS.X_RAY_TRACE_ID],
    getTenantId: () => als.getStore()?.[PROTECTED_KEYS.TENANT_ID],
  };
  globalObject.awslambda = { ...globalObject.awslambda, InvokeStore: store };
  return store;
})`;

// The worker is plain CommonJS, evaluated from this string, so it runs the same under tsx, vitest or
// node: it shifts its Date when told to, installs the invoke store, imports the bundle, then answers
// invoke messages with the export's result, each run inside its own invoke-store context. A
// context's remaining time is the host's real-clock deadline against real time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const realNow = workerData.clockOffset
  ? (${SHIFTED_DATE_SOURCE})(globalThis, new BigInt64Array(workerData.clockOffset))
  : Date.now;
const invokeStore = (${INVOKE_STORE_SOURCE})(globalThis);
const describe = (error) => ({
  type: (error && error.name) || 'Error',
  message: String((error && error.message) || error),
  stack: error && error.stack,
});
import(pathToFileURL(workerData.bundle).href).then(
  (module) => {
    parentPort.on('message', async ({ id, exportName, event, deadline, requestId, traceHeader }) => {
      const context = {
        awsRequestId: requestId,
        functionName: workerData.name,
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + workerData.name,
        memoryLimitInMB: String(workerData.memoryMb),
        logGroupName: '/aws/lambda/' + workerData.name,
        logStreamName: 'devstack',
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - realNow()),
      };
      try {
        const fn = module[exportName];
        if (typeof fn !== 'function') throw new Error('The bundle has no export named ' + exportName);
        const result = await invokeStore.run(
          {
            [invokeStore.PROTECTED_KEYS.REQUEST_ID]: requestId,
            [invokeStore.PROTECTED_KEYS.X_RAY_TRACE_ID]: traceHeader,
          },
          () => fn(event, context),
        );
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

/** One worker thread: an execution environment, with the invocations running in it. */
interface Environment {
  readonly worker: Worker;
  readonly pending: Map<string, Pending>;
  /** An invocation timed out in it: it takes no new invocation and ends with its last one. */
  retired: boolean;
}

class FunctionHost {
  readonly name: string;
  /** The environment new invocations go to, once it has loaded the bundle. */
  private current: Environment | undefined;
  private starting: Promise<Environment> | undefined;
  /** Every worker still alive: the current one, one starting, the retired ones. */
  private readonly environments = new Set<Environment>();
  private readonly timeoutMs: number;
  private stopped = false;
  private readonly snapshot: string;
  private readonly bundle: string;
  private readonly clockOffset: SharedClockOffset | undefined;

  constructor(private readonly options: FunctionHostOptions) {
    this.name = options.name;
    // Taken now, so the workers it spawns later share it.
    this.clockOffset = options.clockOffset ?? ambientClockOffset.getStore();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.snapshot = mkdtempSync(join(tmpdir(), `tessera-${options.name}-`));
    cpSync(dirname(options.bundle), this.snapshot, { recursive: true });
    this.bundle = join(this.snapshot, basename(options.bundle));
  }

  /** Loads the bundle (the cold start). Invocations start the worker themselves if needed. */
  async start(): Promise<void> {
    await this.environment();
  }

  private environment(): Promise<Environment> {
    if (!this.starting) {
      const starting: Promise<Environment> = this.spawn().catch((error: unknown) => {
        if (this.starting === starting) this.starting = undefined;
        throw error;
      });
      this.starting = starting;
    }
    return this.starting;
  }

  private spawn(): Promise<Environment> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        env: { ...this.options.environment },
        workerData: {
          bundle: this.bundle,
          name: this.name,
          memoryMb: this.options.memoryMb ?? 512,
          clockOffset: this.clockOffset?.buffer,
        },
        stdout: true,
        stderr: true,
      });
      const environment: Environment = { worker, pending: new Map(), retired: false };
      this.environments.add(environment);
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
        if (message.ready) {
          this.current = environment;
          return resolve(environment);
        }
        if (message.initError) {
          const e = message.initError as { type: string; message: string; stack?: string };
          return reject(new FunctionError(this.name, e.type, `Init failed: ${e.message}`, e.stack));
        }
        this.settle(environment, message);
      });
      worker.on('error', (error) => {
        reject(error);
        this.failAll(environment, error);
      });
      worker.on('exit', () => {
        const exited = new FunctionError(this.name, 'Runtime.ExitError', 'The function process exited');
        this.environments.delete(environment);
        this.retire(environment);
        reject(exited);
        this.failAll(environment, exited);
      });
    });
  }

  private settle(environment: Environment, message: Record<string, unknown>) {
    const id = String(message.id);
    const entry = environment.pending.get(id);
    // A timed-out invocation may still answer, later: it was rejected already.
    if (!entry) return;
    environment.pending.delete(id);
    clearTimeout(entry.timer);
    if (message.ok) {
      entry.resolve(message.result);
    } else {
      const e = message.error as { type: string; message: string; stack?: string };
      entry.reject(new FunctionError(this.name, e.type, e.message, e.stack));
    }
    this.release(environment);
  }

  /** Fails the invocations running in one worker, which has crashed or exited. */
  private failAll(environment: Environment, error: Error) {
    for (const [id, entry] of environment.pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
      environment.pending.delete(id);
    }
  }

  /** Takes an environment out of service: the next invocation starts a fresh one. */
  private retire(environment: Environment) {
    environment.retired = true;
    if (this.current === environment) {
      this.current = undefined;
      this.starting = undefined;
    }
  }

  /** Ends a retired worker once nothing runs in it any more. */
  private release(environment: Environment) {
    if (environment.retired && environment.pending.size === 0 && this.environments.has(environment)) {
      void environment.worker.terminate();
    }
  }

  /** The time the function tells (the devstack's, when the host has a clock offset), in ms. */
  private now(): number {
    return Date.now() + (this.clockOffset?.ms ?? 0);
  }

  /**
   * Invokes an export of the bundle with an event, as Lambda would, and resolves with its result.
   * The invocation continues the trace of `options.traceHeader`, or starts one.
   *
   * @example
   * await host.invoke('handler', event, { traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' });
   */
  async invoke(exportName: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    if (this.stopped) throw new Error(`${this.name} is stopped`);
    const startTime = this.now();
    const trace = invocationTrace(options.traceHeader, startTime);
    const id = randomUUID();
    const invocation = this.run(exportName, event, id, trace.header);
    invocation.then(
      () => this.record(trace, id, startTime, undefined),
      (error: unknown) => this.record(trace, id, startTime, error),
    );
    return invocation;
  }

  /** Hands the invocation's own segment to `onSegment`. */
  private record(
    trace: ReturnType<typeof invocationTrace>,
    requestId: string,
    startTime: number,
    error: unknown,
  ) {
    const onSegment = this.options.onSegment;
    if (!onSegment) return;
    const failure = error as { errorType?: unknown; name?: unknown; message?: unknown } | undefined;
    try {
      onSegment({
        name: this.name,
        id: trace.segmentId,
        trace_id: trace.traceId,
        ...(trace.parentId ? { parent_id: trace.parentId } : {}),
        start_time: startTime / 1000,
        end_time: this.now() / 1000,
        origin: 'AWS::Lambda::Function',
        aws: { request_id: requestId },
        ...(error === undefined
          ? {}
          : {
              fault: true,
              cause: {
                exceptions: [
                  {
                    id: trace.segmentId,
                    type: String(failure?.errorType ?? failure?.name ?? 'Error'),
                    message: String(failure?.message ?? error),
                  },
                ],
              },
            }),
      });
    } catch {
      // A collector that fails never fails the invocation.
    }
  }

  private async run(exportName: string, event: unknown, id: string, traceHeader: string): Promise<unknown> {
    let environment = await this.environment();
    // Retired while this invocation waited for it to load: it goes to the next one.
    while (environment.retired) {
      if (this.stopped) throw new Error(`${this.name} is stopped`);
      environment = await this.environment();
    }
    const { worker, pending } = environment;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        // Lambda throws away the environment of an invocation that timed out; the others running
        // in this worker finish in it, and it ends with the last of them.
        this.retire(environment);
        reject(new FunctionTimeoutError(this.name, this.timeoutMs));
        this.release(environment);
      }, this.timeoutMs);
      pending.set(id, { resolve, reject, timer });
      // The deadline on the real clock (this thread's Date is never shifted).
      worker.postMessage({
        id,
        exportName,
        event,
        deadline: Date.now() + this.timeoutMs,
        requestId: id,
        traceHeader,
      });
    });
  }

  /** Ends every worker, the current one and the retired ones, and removes the bundle's copy. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current = undefined;
    this.starting = undefined;
    await Promise.all([...this.environments].map(({ worker }) => worker.terminate()));
    rmSync(this.snapshot, { recursive: true, force: true });
  }
}

export type { FunctionHostOptions, InvokeOptions };
export { FunctionError, FunctionHost, FunctionTimeoutError, withClockOffset };
