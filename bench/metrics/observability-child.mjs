/**
 * One process of the observability benchmark (bench/metrics/observability.ts): imports a bundle and
 * invokes its `handler` with the event in BENCH_EVENT, as Lambda would, then writes its timings to
 * file descriptor 3 and lets the process end by itself, so a datagram still on its way to the X-Ray
 * daemon goes out first (as it would before Lambda froze the environment).
 *
 * Modes:
 * - `cold`: one invocation, in the trace of `_X_AMZN_TRACE_ID` from the environment. With
 *   BENCH_TRACE_LOADS=1 (an untimed run) it also lists every file the import and the invocation
 *   loaded, through a module load hook, as bench/metrics/cold-child.mjs does.
 * - `warm`: BENCH_WARMUP invocations, then BENCH_BATCHES batches of BENCH_BATCH, timed batch by
 *   batch; every invocation in a trace of its own, as Lambda gives each one: `_X_AMZN_TRACE_ID` is
 *   set before each, its root `1-<time>-<BENCH_TRACE_PREFIX><counter>`, so the bench can count the
 *   subsegments this process sent.
 *
 * Times are `performance.now()`, milliseconds since this process started; batches in µs per call.
 *
 * Usage: node bench/metrics/observability-child.mjs <bundle.mjs> cold|warm
 */
import { pathToFileURL } from 'node:url';
import { lambdaContext, traceLoads, writeReport } from './child-lambda.mjs';

const loaded = traceLoads();

const [bundle, mode = 'cold'] = process.argv.slice(2);
const event = JSON.parse(process.env.BENCH_EVENT ?? '{}');
const context = lambdaContext();

const prefix = process.env.BENCH_TRACE_PREFIX ?? '000000000000';
const epoch = Math.floor(Date.now() / 1000)
  .toString(16)
  .padStart(8, '0');
let invocations = 0;
/** A new sampled trace for the next invocation, as Lambda's runtime sets it. */
const nextTrace = () => {
  const root = `1-${epoch}-${prefix}${invocations.toString(16).padStart(12, '0')}`;
  process.env._X_AMZN_TRACE_ID = `Root=${root};Parent=${invocations.toString(16).padStart(16, '0')};Sampled=1`;
};

const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const invoke = async () => {
  invocations++;
  return module.handler(event, context);
};
let status = 'none';
let error;
const batchUs = [];
try {
  if (mode === 'warm') nextTrace();
  const first = await invoke();
  status = first?.statusCode ?? 'none';
  const done = performance.now();
  if (mode === 'warm') {
    const warmup = Number(process.env.BENCH_WARMUP ?? 1000);
    const batches = Number(process.env.BENCH_BATCHES ?? 20);
    const batch = Number(process.env.BENCH_BATCH ?? 250);
    for (let i = 0; i < warmup; i++) {
      nextTrace();
      await invoke();
    }
    for (let b = 0; b < batches; b++) {
      const from = performance.now();
      for (let i = 0; i < batch; i++) {
        nextTrace();
        await invoke();
      }
      batchUs.push(((performance.now() - from) * 1000) / batch);
    }
  }
  report(done);
} catch (caught) {
  error = String(caught?.stack ?? caught);
  report(performance.now());
}

function report(done) {
  writeReport({ started, imported, done, status, error, invocations, batchUs }, loaded);
}
