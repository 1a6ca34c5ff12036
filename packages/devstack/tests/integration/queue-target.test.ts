/**
 * A subscription with a queue target, end to end on a real devstack: a made-up service (a manifest
 * and a small bundle built here, as payments will have) subscribes through a queue; events put on
 * the bus with the real EventBridge client reach the function in SQS batches; what it reports in
 * `batchItemFailures` comes back once the visibility timeout is over (the devstack clock is moved,
 * not waited for); a message that always fails lands in the dead-letter queue after 3 receives, is
 * shown so at `GET /_devstack/queues` and to the real SQS client, survives a restart, and goes back
 * on redrive (StartMessageMoveTask through the SQS endpoint).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { MovableClock } from '../../src/clock.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { type Devstack, startDevstack } from '../../src/index.ts';
import type { QueueSummary } from '../../src/queues.ts';
import { fakeManifest } from '../support/manifests.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-queue-target-'));
const distDir = join(root, 'dist');
const dataDir = join(root, 'data');
const recordFile = join(root, 'received.jsonl');
const clock = new MovableClock({ ticking: true });

// A function timeout of 5 s: the queue's visibility timeout is 6 times that, 30 s.
const manifest = fakeManifest(
  {
    name: 'payments',
    description: 'Made up: takes bookings through a queue.',
    functions: {
      payments: {
        description: 'Charges bookings.',
        export: 'handler',
        memorySize: 256,
        timeout: 5,
        environment: { RECORD_FILE: { value: recordFile } },
      },
    },
    subscriptions: [
      {
        name: 'bookings',
        description: 'Each new booking, through a queue with a dead-letter queue.',
        pattern: { source: ['tessera.bookings'], 'detail-type': ['booking.created'] },
        target: { function: 'payments', queue: { maxReceiveCount: 3 } },
      },
    ],
  },
  root,
);

/** The function: records every message it gets; `fail` always fails, `flaky` on its first receive. */
const HANDLER = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const { detail } = JSON.parse(record.body);
    appendFileSync(process.env.RECORD_FILE, JSON.stringify({ batch: event.Records.length, record }) + '\\n');
    const count = Number(record.attributes.ApproximateReceiveCount);
    if (detail.outcome === 'fail' || (detail.outcome === 'flaky' && count < 2))
      batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures };
};
`;

let devstack: Devstack;
let eventBridge: EventBridgeClient;

const start = () =>
  startDevstack({
    manifests: [manifest],
    distDir,
    dataDir,
    build: false,
    httpPort: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: 'it-queue-target-',
    clock,
    logLevel: 'WARN',
  });

beforeAll(async () => {
  const source = join(root, 'handler.mjs');
  writeFileSync(source, HANDLER);
  await build({
    entryPoints: { index: source },
    outdir: join(distDir, 'payments'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  devstack = await start();
  eventBridge = new EventBridgeClient({
    endpoint: devstack.eventBusEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  eventBridge?.destroy();
  await devstack?.stop();
  rmSync(root, { recursive: true, force: true });
});

interface Received {
  readonly batch: number;
  readonly record: SQSRecord;
}

const received = (): Received[] => {
  try {
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Received);
  } catch {
    return [];
  }
};

const outcomeOf = (r: Received) =>
  (JSON.parse(r.record.body) as { detail: { outcome: string } }).detail.outcome;

const receivedUntil = async (check: (all: Received[]) => boolean) => {
  const all = await pollUntil(received, check, { timeoutMs: 15_000, intervalMs: 25 });
  if (!check(all)) throw new Error(`not received in time: ${JSON.stringify(all.map((r) => outcomeOf(r)))}`);
  return all;
};

const queues = async (): Promise<QueueSummary[]> =>
  ((await (await fetch(`${devstack.httpUrl}/_devstack/queues`)).json()) as { items: QueueSummary[] }).items;

const booking = (outcome: string) => ({
  Source: 'tessera.bookings',
  DetailType: 'booking.created',
  EventBusName: 'tessera',
  Detail: JSON.stringify({ eventId: crypto.randomUUID(), outcome }),
});

describe('Devstack: a subscription with a queue target', () => {
  it('delivers events through the queue in SQS batches, retries failures after the visibility timeout, and dead-letters the hopeless', {
    timeout: 60_000,
  }, async () => {
    // Prepare: one event that succeeds, one that fails once, one that always fails.
    await eventBridge.send(
      new PutEventsCommand({ Entries: [booking('ok'), booking('flaky'), booking('fail')] }),
    );

    // Act and Assess: the first receive of each.
    const first = await receivedUntil((all) => all.length >= 3);
    expect(first.map((r) => [outcomeOf(r), r.record.attributes.ApproximateReceiveCount])).toEqual(
      expect.arrayContaining([
        ['ok', '1'],
        ['flaky', '1'],
        ['fail', '1'],
      ]),
    );
    expect(first[0]?.record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings',
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
    });
    expect(JSON.parse(first[0]?.record.body ?? '{}')).toMatchObject({
      version: '0',
      source: 'tessera.bookings',
      'detail-type': 'booking.created',
    });
    const inFlight = await queues();
    expect(inFlight.find((q) => q.name === 'payments-bookings')).toMatchObject({
      visible: 0,
      inFlight: 2,
      visibilityTimeoutSeconds: 30,
      deadLetterQueue: { name: 'payments-bookings-dlq', maxReceiveCount: 3, depth: 0 },
    });

    // The visibility timeout passes: flaky succeeds on its second receive, fail fails again.
    await clock.advance(30_000);
    await receivedUntil((all) => all.length >= 5);
    await clock.advance(30_000);
    await receivedUntil((all) => all.length >= 6);
    await clock.advance(30_000);
    const after = await pollUntil(
      queues,
      (all) => all.find((q) => q.name === 'payments-bookings-dlq')?.visible === 1,
      {
        timeoutMs: 10_000,
        intervalMs: 25,
      },
    );

    expect(
      received()
        .filter((r) => outcomeOf(r) !== 'ok')
        .map((r) => [outcomeOf(r), r.record.attributes.ApproximateReceiveCount])
        .sort(),
    ).toEqual([
      ['fail', '1'],
      ['fail', '2'],
      ['fail', '3'],
      ['flaky', '1'],
      ['flaky', '2'],
    ]);
    expect(after.find((q) => q.name === 'payments-bookings')).toMatchObject({
      visible: 0,
      inFlight: 0,
      delayed: 0,
    });
  });

  it('keeps the dead-letter queue across a restart, and redrives it back to the function', {
    timeout: 60_000,
  }, async () => {
    await devstack.stop();
    devstack = await start();
    const before = received().length;

    const kept = await queues();
    const sqs = new SQSClient({
      endpoint: devstack.sqsEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'payments-bookings-dlq' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    // The redrive npm run redrive makes: a message move task out of the dead-letter queue.
    const { Attributes: deadLetter } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetter?.QueueArn }));
    const { Results: [task] = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: deadLetter?.QueueArn }),
    );
    sqs.destroy();

    expect(kept.find((q) => q.name === 'payments-bookings-dlq')?.visible).toBe(1);
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '1' });
    expect(task).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1 });
    const again = await receivedUntil((all) => all.length > before);
    expect(
      again.slice(before).map((r) => [outcomeOf(r), r.record.attributes.ApproximateReceiveCount]),
    ).toEqual([['fail', '1']]);
  });
});
