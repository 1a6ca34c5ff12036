/**
 * SQS's one system attribute, `AWSTraceHeader`, through the real `@aws-sdk/client-sqs` against the
 * devstack's SQS endpoint: kept with a message sent alone or in a batch, answered by ReceiveMessage
 * only when asked for (`All` or by name, as a system attribute name or an attribute name), handed
 * to a function in its SQS record's `attributes`, kept through the dead-letter queue, the redrive
 * and a restart; a system attribute of another name, or a value that is no trace header, refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../src/clock.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { md5OfMessageAttributes } from '../../src/local-queue.ts';
import { toSqsRecord } from '../../src/queue-source.ts';
import { LocalQueues } from '../../src/queues.ts';
import { SqsEndpoint } from '../../src/sqs-endpoint.ts';

const HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const OTHER = 'Root=1-6931d0f0-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1';

let folder: string;
let clock: MovableClock;
let queues: LocalQueues;
let endpoint: SqsEndpoint;
let sqs: SQSClient;
let queueUrl: string;

const open = async () => {
  queues = new LocalQueues({
    specs: [
      {
        name: 'payments-bookings',
        visibilityTimeoutSeconds: 30,
        deadLetter: { name: 'payments-bookings-dlq', maxReceiveCount: 5 },
      },
    ],
    directory: join(folder, 'queues'),
    clock,
  });
  await queues.start();
  endpoint = new SqsEndpoint({ queues });
  await endpoint.start();
  sqs = new SQSClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'payments-bookings' }))).QueueUrl ?? '';
};

const close = async () => {
  sqs.destroy();
  await endpoint.stop();
  await queues.stop();
};

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tessera-sqs-trace-'));
  clock = new MovableClock();
  await open();
});

afterEach(async () => {
  await close();
  rmSync(folder, { recursive: true, force: true });
});

const traced = (header: string) => ({ AWSTraceHeader: { DataType: 'String', StringValue: header } });

const receive = (extra: Record<string, unknown> = {}) =>
  sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      ...extra,
    }),
  );

describe('Class: SqsEndpoint (AWSTraceHeader)', () => {
  it('keeps the trace header a message is sent with, and answers it when asked for', async () => {
    // Prepare
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'traced',
        MessageSystemAttributes: traced(HEADER),
      }),
    );

    // Act
    const all = (await receive({ MessageSystemAttributeNames: ['All'] })).Messages?.[0];
    const named = (await receive({ MessageSystemAttributeNames: ['AWSTraceHeader'] })).Messages?.[0];
    const legacy = (await receive({ AttributeNames: ['All'] })).Messages?.[0];
    const other = (await receive({ MessageSystemAttributeNames: ['SentTimestamp'] })).Messages?.[0];
    const none = (await receive()).Messages?.[0];

    // Assess
    expect(sent.MD5OfMessageSystemAttributes).toBe(md5OfMessageAttributes(traced(HEADER)));
    expect(all?.Attributes?.AWSTraceHeader).toBe(HEADER);
    expect(named?.Attributes).toEqual({ AWSTraceHeader: HEADER });
    expect(legacy?.Attributes?.AWSTraceHeader).toBe(HEADER);
    expect(other?.Attributes).toEqual({ SentTimestamp: expect.any(String) });
    expect(none?.Attributes).toBeUndefined();
  });

  it('answers no trace header for a message sent without one', async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'plain' }));

    const message = (await receive({ MessageSystemAttributeNames: ['All'] })).Messages?.[0];

    expect(sent.MD5OfMessageSystemAttributes).toBeUndefined();
    expect(message?.Attributes).not.toHaveProperty('AWSTraceHeader');
  });

  it('keeps each entry of a batch with its own trace header', async () => {
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'a', MessageSystemAttributes: traced(HEADER) },
          { Id: 'b', MessageBody: 'b', MessageSystemAttributes: traced(OTHER) },
          { Id: 'c', MessageBody: 'c' },
        ],
      }),
    );

    const messages = (await receive({ MessageSystemAttributeNames: ['AWSTraceHeader'] })).Messages ?? [];

    expect(batch.Failed).toEqual([]);
    expect(batch.Successful?.find((e) => e.Id === 'a')?.MD5OfMessageSystemAttributes).toBe(
      md5OfMessageAttributes(traced(HEADER)),
    );
    expect(Object.fromEntries(messages.map((m) => [m.Body, m.Attributes?.AWSTraceHeader]))).toEqual({
      a: HEADER,
      b: OTHER,
      c: undefined,
    });
  });

  it('refuses a system attribute of another name, and one that is no trace header', async () => {
    const sending = (MessageSystemAttributes: Record<string, { DataType: string; StringValue: string }>) =>
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', MessageSystemAttributes }));

    await expect(sending({ Other: { DataType: 'String', StringValue: HEADER } })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(sending(traced('not a trace header'))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(
      sending({ AWSTraceHeader: { DataType: 'Number', StringValue: HEADER } }),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    expect((await receive()).Messages ?? []).toEqual([]);
  });

  it("hands the trace header to a function in its SQS record's attributes", async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'x',
        MessageSystemAttributes: traced(HEADER),
      }),
    );
    const queue = queues.require('payments-bookings');

    const [message] = await queue.receive();
    if (!message) throw new Error('no message');
    const record = toSqsRecord(message, queue);

    expect(record.attributes.AWSTraceHeader).toBe(HEADER);
  });

  it('keeps the trace header through the dead-letter queue, the redrive and a restart', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'poison',
        MessageSystemAttributes: traced(HEADER),
      }),
    );
    for (let i = 0; i < 5; i++) await receive();
    // The receive after the last allowed one moves it to the dead-letter queue.
    expect((await receive()).Messages ?? []).toEqual([]);
    const dlqUrl = `${endpoint.url}/000000000000/payments-bookings-dlq`;
    const dead = (await receive({ QueueUrl: dlqUrl, MessageSystemAttributeNames: ['AWSTraceHeader'] }))
      .Messages?.[0];

    await close();
    await open();
    await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings-dlq',
      }),
    );
    const back = (await receive({ MessageSystemAttributeNames: ['All'] })).Messages?.[0];

    expect(dead?.Attributes?.AWSTraceHeader).toBe(HEADER);
    expect(back?.Body).toBe('poison');
    expect(back?.Attributes?.AWSTraceHeader).toBe(HEADER);
  });
});
