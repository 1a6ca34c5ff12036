/**
 * What the bench's child processes (cold-child.mjs, observability-child.mjs) share: the module
 * load hook that lists every file loaded (with BENCH_TRACE_LOADS=1, on an untimed run) and the
 * Lambda context an invocation gets, and the report each writes to file descriptor 3. Plain JavaScript, so the children run under a bare `node`.
 */
import { writeSync } from 'node:fs';
import { registerHooks } from 'node:module';

/** Every file URL loaded from now on, when BENCH_TRACE_LOADS=1 (an empty set otherwise). */
const traceLoads = () => {
  const loaded = new Set();
  if (process.env.BENCH_TRACE_LOADS === '1') {
    registerHooks({
      load(url, context, nextLoad) {
        loaded.add(url);
        return nextLoad(url, context);
      },
    });
  }
  return loaded;
};

/** The context Lambda hands an invocation, from the function's environment. */
const lambdaContext = () => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '512',
  awsRequestId: 'c0ffee00-0000-4000-8000-000000000000',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 29_000,
});

/** Writes the child's report to file descriptor 3, for the bench: `fields`, and the files it loaded. */
const writeReport = (fields, loaded) => {
  writeSync(3, JSON.stringify({ ...fields, loaded: [...loaded].filter((url) => url.startsWith('file:')) }));
};

export { lambdaContext, traceLoads, writeReport };
