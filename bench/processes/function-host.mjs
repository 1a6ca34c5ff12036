/**
 * A Lambda runtime for one bundle, run by bench/lib/function-host.ts in a fresh `node` process whose
 * environment is the function's: it imports the bundle, then invokes the export named in each IPC
 * message with its event and a Lambda context, one invocation at a time, and answers with the
 * result or the error. What the function logs goes to this process's stdout and stderr.
 *
 * Usage: node bench/processes/function-host.mjs <bundle.mjs>
 */
import { pathToFileURL } from 'node:url';

const [bundle] = process.argv.slice(2);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench';

const context = (requestId) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '512',
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 29_000,
});

let module;
try {
  module = await import(pathToFileURL(bundle).href);
} catch (error) {
  process.send({ ready: false, error: String(error?.stack ?? error) });
  process.exit(1);
}

let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue.then(async () => {
    try {
      const exported = module[message.exportName];
      if (typeof exported !== 'function') throw new Error(`${bundle} exports no ${message.exportName}`);
      const result = await exported(message.event, context(message.id));
      process.send({ id: message.id, result: result ?? null });
    } catch (error) {
      process.send({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
