/**
 * Child process of the start benchmark's baseline: DynamoDB Local alone, the devstack's jar with the
 * devstack's flags (`bench/lib/dynamodb-local.ts`: a data folder from BENCH_DATA_DIR, a free port),
 * ready when it answers.
 */
import { startDynamoDbLocal } from '../lib/dynamodb-local.ts';
import { freePort, stopOnSignalOrCrash } from '../lib/net.ts';

const started = performance.now();
const dynamodb = await startDynamoDbLocal({ port: await freePort(), dataDir: process.env.BENCH_DATA_DIR });
const ready = performance.now();
console.log(
  `@@bench ${JSON.stringify({ endpoint: dynamodb.endpoint, readyMs: ready - started, sinceProcessStartMs: ready })}`,
);

stopOnSignalOrCrash(() => dynamodb.stop());
