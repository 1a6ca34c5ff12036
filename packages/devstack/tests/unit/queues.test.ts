/**
 * The devstack's queues as a whole, on a data folder and a standing clock, driven through the SQS
 * endpoint by the real `@aws-sdk/client-sqs`: `list()` (what `GET /_devstack/queues` shows) counts
 * each queue's visible and in-flight messages and its dead-letter queue's; and a restart on the same
 * folder, after a clean stop or after a crash between a receive and its delete, keeps every message
 * with its attributes and receive count, gives back the one in flight once its visibility timeout is
 * over, and dead-letters it once it has been received `maxReceiveCount` times across the restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../src/clock.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { LocalQueues } from '../../src/queues.ts';
import { SqsEndpoint } from '../../src/sqs-endpoint.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-queues-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SPECS = [
  {
    name: 'payments-charges',
    visibilityTimeoutSeconds: 60,
    deadLetter: { name: 'payments-charges-dlq', maxReceiveCount: 3 },
  },
];

interface Running {
  readonly queues: LocalQueues;
  readonly endpoint: SqsEndpoint;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** A clean stop, as Ctrl-C does it. */
  stop(): Promise<void>;
}

const running: Running[] = [];
afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

/** The queues on `directory` and their SQS endpoint, as the devstack starts them. */
const start = async (directory: string, clock: MovableClock): Promise<Running> => {
  const queues = new LocalQueues({ specs: SPECS, directory, clock });
  await queues.start();
  const endpoint = new SqsEndpoint({ queues });
  await endpoint.start();
  const sqs = new SQSClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const { QueueUrl = '' } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'payments-charges' }));
  let stopped = false;
  const run: Running = {
    queues,
    endpoint,
    sqs,
    queueUrl: QueueUrl,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      sqs.destroy();
      await endpoint.stop();
      await queues.stop();
    },
  };
  running.push(run);
  return run;
};

const receiveAll = async (run: Running): Promise<Message[]> =>
  (
    await run.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: run.queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    )
  ).Messages ?? [];

const countsOf = (messages: readonly Message[]) =>
  messages.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]);

describe('Class: LocalQueues', () => {
  it("lists each queue's visible and in-flight messages, and its dead-letter queue's depth", async () => {
    // Prepare
    const clock = new MovableClock();
    const run = await start(join(root, 'list'), clock);
    const charges = run.queues.require('payments-charges');
    charges.send('a');
    charges.send('b');
    charges.send('c');
    await charges.receive();
    run.queues.require('payments-charges-dlq').send('dead');

    // Act
    const listed = run.queues.list();

    // Assess
    expect(listed).toEqual([
      {
        name: 'payments-charges-dlq',
        arn: 'arn:aws:sqs:us-east-1:000000000000:payments-charges-dlq',
        visible: 1,
        inFlight: 0,
        delayed: 0,
        visibilityTimeoutSeconds: 30,
        messageRetentionSeconds: 14 * 24 * 3600,
        deadLetterQueue: null,
      },
      {
        name: 'payments-charges',
        arn: 'arn:aws:sqs:us-east-1:000000000000:payments-charges',
        visible: 2,
        inFlight: 1,
        delayed: 0,
        visibilityTimeoutSeconds: 60,
        messageRetentionSeconds: 345_600,
        deadLetterQueue: { name: 'payments-charges-dlq', maxReceiveCount: 3, depth: 1 },
      },
    ]);
  });

  it('keeps messages, their attributes and receive counts across a clean restart', async () => {
    // Prepare: one message received once and not deleted, one never received.
    const clock = new MovableClock();
    const directory = join(root, 'clean');
    const first = await start(directory, clock);
    await first.sqs.send(
      new SendMessageCommand({
        QueueUrl: first.queueUrl,
        MessageBody: 'received once',
        MessageAttributes: { bookingId: { DataType: 'String', StringValue: 'b1' } },
      }),
    );
    await receiveAll(first);
    await first.sqs.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'never received' }));
    await first.stop();

    // Act
    const second = await start(directory, clock);
    const { Attributes } = await second.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: second.queueUrl, AttributeNames: ['All'] }),
    );
    const beforeTimeout = await receiveAll(second);
    await clock.advance(60_000);
    const afterTimeout = await receiveAll(second);

    // Assess
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    expect(countsOf(beforeTimeout)).toEqual([['never received', '1']]);
    expect(countsOf(afterTimeout)).toEqual([
      ['received once', '2'],
      ['never received', '2'],
    ]);
    expect(afterTimeout[0]?.MessageAttributes).toEqual({
      bookingId: { DataType: 'String', StringValue: 'b1' },
    });
  });

  it('redelivers a message received and not deleted before a crash, and dead-letters it at the count across crashes', async () => {
    // Prepare and Act: three runs, each receiving the message and dying before its delete (no stop).
    const clock = new MovableClock();
    const directory = join(root, 'crash');
    const counts: (string | undefined)[] = [];
    const crashed: Running[] = [];
    let messageId: string | undefined;
    for (let run = 0; run < 3; run++) {
      const devstack = await start(directory, clock);
      if (run === 0) {
        const sent = await devstack.sqs.send(
          new SendMessageCommand({ QueueUrl: devstack.queueUrl, MessageBody: 'charge b1' }),
        );
        messageId = sent.MessageId;
      }
      const [message] = await receiveAll(devstack);
      counts.push(message?.Attributes?.ApproximateReceiveCount);
      expect(message?.MessageId).toBe(messageId);
      // The crash: the endpoint goes, the queues are never closed (nothing written at a stop).
      crashed.push(devstack);
      devstack.sqs.destroy();
      await devstack.endpoint.stop();
      await clock.advance(60_000);
    }
    const last = await start(directory, clock);
    const fourth = await receiveAll(last);
    const dlq = last.queues.require('payments-charges-dlq');
    const [dead] = await dlq.receive();

    // Assess
    expect(counts).toEqual(['1', '2', '3']);
    expect(fourth).toEqual([]);
    expect(last.queues.list().find((q) => q.name === 'payments-charges')).toMatchObject({
      visible: 0,
      inFlight: 0,
      deadLetterQueue: { depth: 1 },
    });
    expect(dead).toMatchObject({ messageId, body: 'charge b1' });
    for (const run of crashed) await run.queues.stop();
  });
});
