/**
 * Child process of the start benchmark's baseline: DynamoDB Local alone, started the way the
 * devstack starts it (a data folder from BENCH_DATA_DIR, a free port), ready when it answers.
 */
import { startDynamoDbLocal } from '../../packages/devstack/src/dynamodb-local.ts';
import { freePort } from '../../packages/devstack/src/ports.ts';
import { stopOnSignalOrCrash } from '../../packages/devstack/src/shutdown.ts';

const started = performance.now();
const dynamodb = await startDynamoDbLocal({ port: await freePort(), dataDir: process.env.BENCH_DATA_DIR });
const ready = performance.now();
console.log(
  `@@bench ${JSON.stringify({ endpoint: dynamodb.endpoint, readyMs: ready - started, sinceProcessStartMs: ready })}`,
);

stopOnSignalOrCrash({
  events: process,
  stop: () => dynamodb.stop(),
  exit: (code) => process.exit(code),
  log: (line) => console.error(line),
});
