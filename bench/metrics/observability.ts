import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { dropUnusedRequireShims, esbuildOptions } from '../../packages/tooling/src/build.ts';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import { httpEvent } from '../fixtures/events.ts';
import { measureBundle } from '../lib/bundles.ts';
import { describeEnvironment } from '../lib/environment.ts';
import { lambdaEnvironment } from '../lib/functions.ts';
import {
  checkObservedWork,
  type DaemonDocument,
  type Expectation,
  parseDaemonDatagram,
  summarizeEmf,
} from '../lib/observability-checks.ts';
import { endedEnvironment } from '../lib/part.ts';
import type {
  ObservabilityFunction,
  ObservabilityResults,
  ObservabilityVariant,
  ObservabilityVariantName,
  SizeResults,
} from '../lib/results.ts';
import { shuffled, summarize } from '../lib/stats.ts';
import { runTimedChild } from '../lib/timed-child.ts';

interface ObservabilityOptions {
  /** Cold runs of each entry. */
  readonly runs: number;
  /** Warm processes of each entry. */
  readonly warmRounds: number;
  readonly warmup: number;
  readonly batches: number;
  readonly batch: number;
  readonly budgetBytes: number;
  /** The functions' sizes: the size part's of this run, or measured now (`from: 'observability'`). */
  readonly functions: {
    readonly from: 'size' | 'observability';
    readonly sizes: () => Promise<SizeResults>;
  };
  readonly log: (line: string) => void;
}

interface Entry {
  readonly name: ObservabilityVariantName;
  readonly source: string;
  readonly does: string;
  readonly expect: Expectation;
}

const ENTRIES: readonly Entry[] = [
  {
    name: 'baseline',
    source: 'bare.ts',
    does: 'answers, nothing else',
    expect: { emfLines: 0, metrics: [], subsegments: 0 },
  },
  {
    name: 'tessera',
    source: 'tessera.ts',
    does: "`createMetrics().emit({ Requests, Latency }, { dimensions: { operation, statusClass } })` and `count('BookingsCreated')` inside `traced('createBooking', { correlationId, operation }, ...)`",
    expect: {
      emfLines: 2,
      metrics: ['BookingsCreated', 'Latency', 'Requests'],
      subsegments: 1,
      subsegment: 'createBooking',
    },
  },
  {
    name: 'powertools',
    source: 'powertools.ts',
    does: '`Metrics` (`addDimensions`, `addMetric`, `publishStoredMetrics`: the same two lines) and `Tracer` (a `createBooking` subsegment with the same annotations)',
    expect: {
      emfLines: 2,
      metrics: ['BookingsCreated', 'Latency', 'Requests'],
      subsegments: 1,
      subsegment: 'createBooking',
    },
  },
];

const CHILD = join(repoRoot, 'bench', 'metrics', 'observability-child.mjs');
const POWERTOOLS = ['@aws-lambda-powertools/metrics', '@aws-lambda-powertools/tracer'] as const;
const COLD_TIMEOUT_MS = 30_000;
const WARM_TIMEOUT_MS = 120_000;
const CORRELATION_ID = 'bench-observability';

const BOOKING_EVENT = httpEvent({
  method: 'POST',
  route: '/v1/bookings',
  body: JSON.stringify({
    roomId: '0b6f2f0e-2c1d-4f6e-9a8b-7c6d5e4f3a21',
    startsAt: '2027-01-04T09:00:00Z',
    endsAt: '2027-01-04T10:00:00Z',
  }),
  caller: { userId: '6f1c2d3e-4b5a-4c6d-8e7f-901234567890', role: 'user' },
  headers: { 'x-correlation-id': CORRELATION_ID },
});

/** Builds each entry, with the build's options, into a folder of its own. */
const buildEntries = async (root: string): Promise<Map<ObservabilityVariantName, string>> => {
  const built = await Promise.all(
    ENTRIES.map(async (entry) => {
      const directory = join(root, entry.name);
      await build({
        ...esbuildOptions,
        entryPoints: { index: join(repoRoot, 'bench', 'observability', entry.source) },
        outdir: directory,
        write: true,
      });
      dropUnusedRequireShims(directory);
      return [entry.name, directory] as const;
    }),
  );
  return new Map(built);
};

/**
 * A UDP socket playing the X-Ray daemon: keeps the documents it receives by the first 12 hex digits
 * of their trace id's random part, which is unique to a run (or to a warm process).
 */
const startDaemon = async () => {
  const received = new Map<string, DaemonDocument[]>();
  let stray = 0;
  const socket: Socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (message) => {
    const document = parseDaemonDatagram(message.toString('utf8'));
    const key = document?.trace_id?.split('-')[2]?.slice(0, 12);
    if (!document || !key) {
      stray++;
      return;
    }
    const documents = received.get(key) ?? [];
    documents.push(document);
    received.set(key, documents);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    /** Waits until `count` documents of `key` came (or `quietMs` passed without one), then hands them over. */
    take: async (key: string, count: number, quietMs: number): Promise<DaemonDocument[]> => {
      let seen = received.get(key)?.length ?? 0;
      let since = performance.now();
      while (seen < count || count === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const now = received.get(key)?.length ?? 0;
        if (now !== seen) {
          seen = now;
          since = performance.now();
        } else if (performance.now() - since > quietMs) break;
      }
      // A moment more, so an entry that sent more than it should is seen doing so.
      if (count > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const documents = received.get(key) ?? [];
      received.delete(key);
      return documents;
    },
    stray: () => stray,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
};

type Daemon = Awaited<ReturnType<typeof startDaemon>>;

interface ChildReport {
  readonly started: number;
  readonly imported: number;
  readonly done: number;
  readonly status: number | string;
  readonly error?: string;
  readonly invocations: number;
  readonly batchUs: readonly number[];
  readonly loaded: readonly string[];
}

interface Run {
  readonly wallMs: number;
  readonly report: ChildReport | null;
  readonly problems: readonly string[];
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Runs one entry once in a fresh process and checks what it did. */
const runEntry = async (
  entry: Entry,
  directory: string,
  daemon: Daemon,
  home: string,
  mode: 'cold' | 'warm',
  extra: Readonly<Record<string, string>> = {},
  warm?: Pick<ObservabilityOptions, 'warmup' | 'batches' | 'batch'>,
): Promise<Run> => {
  const prefix = hex(6);
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${prefix}${hex(6)}`;
  const env: Record<string, string> = {
    ...lambdaEnvironment({
      functionName: `observability-${entry.name}`,
      memoryMb: 512,
      home,
      endpoint: 'http://127.0.0.1:9',
    }),
    LAMBDA_TASK_ROOT: directory,
    LAMBDA_RUNTIME_DIR: directory,
    _HANDLER: 'index.handler',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: daemon.address,
    _X_AMZN_TRACE_ID: `Root=${root};Parent=${hex(8)};Sampled=1`,
    ENVIRONMENT: 'bench',
    BENCH_EVENT: JSON.stringify(BOOKING_EVENT),
    BENCH_TRACE_PREFIX: prefix,
    ...(warm
      ? {
          BENCH_WARMUP: String(warm.warmup),
          BENCH_BATCHES: String(warm.batches),
          BENCH_BATCH: String(warm.batch),
        }
      : {}),
    ...extra,
  };
  const {
    wallMs,
    code,
    report: output,
    stdout,
    errors,
  } = await runTimedChild([CHILD, join(directory, 'index.mjs'), mode], {
    env,
    timeoutMs: mode === 'warm' ? WARM_TIMEOUT_MS : COLD_TIMEOUT_MS,
    keepStdout: true,
  });
  let report: ChildReport | null = null;
  try {
    report = JSON.parse(output) as ChildReport;
  } catch {
    return { wallMs, report: null, problems: [`exit ${code}: ${errors.trim() || 'no report'}`] };
  }
  const invocations = report.invocations;
  const expected = entry.expect.subsegments * invocations;
  const subsegments = await daemon.take(prefix, expected, expected ? 1000 : 50);
  const problems = [
    ...(code === 0 ? [] : [`exit ${code}`]),
    ...(report.error ? [report.error.split('\n')[0] ?? report.error] : []),
    ...(report.status === 201 ? [] : [`answered ${report.status}, expected 201`]),
    ...checkObservedWork(entry.expect, {
      invocations,
      emf: summarizeEmf(stdout),
      subsegments,
      correlationId: CORRELATION_ID,
    }),
  ];
  return { wallMs, report, problems };
};

const loadedBytes = (report: ChildReport | null, directory: string): number | null => {
  if (!report) return null;
  const root = `file://${directory}/`;
  return report.loaded
    .filter((url) => url.startsWith(root))
    .reduce((sum, url) => sum + statSync(decodeURIComponent(url.slice('file://'.length))).size, 0);
};

const packageVersion = (name: string): string => {
  try {
    const file = join(repoRoot, 'node_modules', ...name.split('/'), 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
};

/** The functions' rows of a size measurement: what each one's first request loads. */
const functionRows = (size: SizeResults): ObservabilityFunction[] =>
  size.bundles
    .filter((b) => b.kind === 'service')
    .map((b) => ({
      name: b.name,
      ...(b.firstRequest ? { request: b.firstRequest } : {}),
      firstRequestBytes: b.firstRequestBytes,
      rawBytes: b.rawBytes,
    }));

/**
 * Builds the three entries, measures them, and takes the functions' first-request sizes.
 *
 * @example
 * const observability = await measureObservability({ runs: 30, warmRounds: 5, warmup: 1000, batches: 20, batch: 250, budgetBytes: 250_000, functions, log: console.log });
 */
const measureObservability = async (options: ObservabilityOptions): Promise<ObservabilityResults> => {
  const environment = describeEnvironment();
  const startedAt = new Date().toISOString();
  let functions: ObservabilityFunction[] = [];
  let functionsError: string | undefined;
  try {
    functions = functionRows(await options.functions.sizes());
  } catch (error) {
    functionsError = error instanceof Error ? error.message.split('\n')[0] : String(error);
    options.log(`  the functions' sizes failed: ${functionsError}`);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'tessera-bench-observability-'));
  const home = join(scratch, 'home');
  mkdirSync(home);
  const daemon = await startDaemon();
  try {
    const directories = await buildEntries(join(scratch, 'bundles'));
    const directoryOf = (entry: Entry) => directories.get(entry.name) as string;
    const cold = new Map<ObservabilityVariantName, Run[]>(ENTRIES.map((e) => [e.name, []]));
    const warm = new Map<ObservabilityVariantName, Run[]>(ENTRIES.map((e) => [e.name, []]));
    const traced = new Map<ObservabilityVariantName, Run>();

    // One traced, untimed run each: the files it loads, and the page cache filled for all.
    for (const entry of ENTRIES) {
      const run = await runEntry(entry, directoryOf(entry), daemon, home, 'cold', { BENCH_TRACE_LOADS: '1' });
      traced.set(entry.name, run);
      if (run.problems.length) options.log(`  ${entry.name}: traced run failed: ${run.problems.join('; ')}`);
    }
    for (let round = 1; round <= options.runs; round++) {
      for (const entry of shuffled(ENTRIES)) {
        cold.get(entry.name)?.push(await runEntry(entry, directoryOf(entry), daemon, home, 'cold'));
      }
      if (round % 10 === 0) options.log(`  observability cold: round ${round}/${options.runs}`);
    }
    for (let round = 1; round <= options.warmRounds; round++) {
      for (const entry of shuffled(ENTRIES)) {
        warm
          .get(entry.name)
          ?.push(await runEntry(entry, directoryOf(entry), daemon, home, 'warm', {}, options));
      }
      options.log(`  observability warm: round ${round}/${options.warmRounds}`);
    }

    const variants: ObservabilityVariant[] = ENTRIES.map((entry) => {
      const directory = directoryOf(entry);
      const size = measureBundle(directory);
      const runs = cold.get(entry.name) ?? [];
      const good = runs.filter((r) => r.problems.length === 0);
      const reports = good.map((r) => r.report).filter((r): r is ChildReport => r !== null);
      const warmRuns = warm.get(entry.name) ?? [];
      const warmGood = warmRuns.filter((r) => r.problems.length === 0);
      const batches = warmGood.flatMap((r) => r.report?.batchUs ?? []);
      const tracedRun = traced.get(entry.name);
      const failed = [...runs, ...warmRuns, ...(tracedRun ? [tracedRun] : [])].find((r) => r.problems.length);
      return {
        name: entry.name,
        does: entry.does,
        rawBytes: size.rawBytes,
        coldStartBytes: size.coldStartBytes,
        gzipBytes: size.gzipBytes,
        zipBytes: size.zipBytes,
        files: size.files,
        firstRequestBytes: tracedRun?.problems.length
          ? null
          : loadedBytes(tracedRun?.report ?? null, directory),
        wallMs: summarize(good.map((r) => r.wallMs)),
        importMs: reports.length ? summarize(reports.map((r) => r.imported)) : null,
        responseMs: reports.length ? summarize(reports.map((r) => r.done)) : null,
        invocationMs: reports.length ? summarize(reports.map((r) => r.done - r.imported)) : null,
        warmUs: batches.length ? summarize(batches) : null,
        emfLinesPerInvocation: entry.expect.emfLines,
        subsegmentsPerInvocation: entry.expect.subsegments,
        failures: runs.length - good.length,
        warmFailures: warmRuns.length - warmGood.length,
        ...(failed ? { error: failed.problems.join('; ').slice(0, 500) } : {}),
      };
    });
    if (daemon.stray() > 0)
      options.log(`  the daemon got ${daemon.stray()} datagram(s) that were no subsegment`);
    return {
      environment: endedEnvironment(environment),
      startedAt,
      packages: Object.fromEntries(POWERTOOLS.map((name) => [name, packageVersion(name)])),
      runs: options.runs,
      warm: {
        rounds: options.warmRounds,
        warmup: options.warmup,
        batches: options.batches,
        batch: options.batch,
      },
      variants,
      budgetBytes: options.budgetBytes,
      functions,
      functionsFrom: options.functions.from,
      ...(functionsError ? { functionsError } : {}),
    };
  } finally {
    await daemon.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
};

export type { ObservabilityOptions };
export { measureObservability };
