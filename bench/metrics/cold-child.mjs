/**
 * One cold start, run by bench/metrics/cold.ts in a fresh `node` process: import a bundle, invoke
 * one export once with the event in BENCH_EVENT, write the timings to file descriptor 3, exit.
 *
 * Times are `performance.now()`, milliseconds since this process started. With BENCH_TRACE_LOADS=1
 * (an untimed run) it also lists every file the import and the request loaded, through a module
 * load hook, so the size report can say how much code one request really loads.
 *
 * Usage: node bench/metrics/cold-child.mjs <bundle.mjs> <export>
 */
import { pathToFileURL } from 'node:url';
import { lambdaContext, traceLoads, writeReport } from './child-lambda.mjs';

const loaded = traceLoads();

const [bundle, exportName] = process.argv.slice(2);
const event = JSON.parse(process.env.BENCH_EVENT ?? '{}');
const context = lambdaContext();

const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
const imported = performance.now();
let result;
let error;
try {
  result = await module[exportName](event, context);
} catch (caught) {
  error = String(caught?.stack ?? caught);
}
const done = performance.now();

/** What the answer says: an HTTP status, `ok` or `failed` for a stream batch, `authorized` or `refused`. */
const statusOf = (answer) => {
  if (!answer || typeof answer !== 'object') return 'none';
  if ('statusCode' in answer) return answer.statusCode;
  if (Array.isArray(answer.batchItemFailures)) return answer.batchItemFailures.length === 0 ? 'ok' : 'failed';
  if ('isAuthorized' in answer) return answer.context?.userId ? 'authorized' : 'refused';
  return 'none';
};
const status = statusOf(result);
writeReport({ started, imported, done, status, error }, loaded);
process.exit(0);
