/**
 * The devstack's SQS endpoint, driven by the real `@aws-sdk/client-sqs` (which also checks the MD5
 * of every body it sends and receives) over real HTTP, on a standing clock: send, receive with
 * attributes, change visibility, delete, batches, queue attributes with the redrive policy, listing,
 * the redrive of a dead-letter queue, long polling, and SQS's own errors.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
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
import { LocalQueues } from '../../src/queues.ts';
import { SqsEndpoint } from '../../src/sqs-endpoint.ts';

let clock: MovableClock;
let queues: LocalQueues;
let endpoint: SqsEndpoint;
let sqs: SQSClient;
let queueUrl: string;

beforeEach(async () => {
  clock = new MovableClock();
  queues = new LocalQueues({
    specs: [
      {
        name: 'payments-bookings',
        visibilityTimeoutSeconds: 30,
        deadLetter: { name: 'payments-bookings-dlq', maxReceiveCount: 2 },
      },
    ],
    clock,
  });
  await queues.start();
  endpoint = new SqsEndpoint({ queues });
  await endpoint.start();
  sqs = new SQSClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'payments-bookings' }))).QueueUrl ?? '';
});

afterEach(async () => {
  sqs.destroy();
  await endpoint.stop();
  await queues.stop();
});

const receive = (extra: Record<string, unknown> = {}) =>
  sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      ...extra,
    }),
  );

describe('Class: SqsEndpoint', () => {
  it('sends and receives with the real client, message attributes and their MD5 included', async () => {
    // Prepare
    const attributes = { kind: { DataType: 'String', StringValue: 'booking' } };

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"bookingId":"b1"}',
        MessageAttributes: attributes,
      }),
    );
    const { Messages } = await receive();

    // Assess
    expect(queueUrl).toBe(`${endpoint.url}/000000000000/payments-bookings`);
    expect(sent.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));
    expect(Messages).toEqual([
      {
        MessageId: sent.MessageId,
        ReceiptHandle: expect.any(String),
        MD5OfBody: sent.MD5OfMessageBody,
        Body: '{"bookingId":"b1"}',
        Attributes: expect.objectContaining({ ApproximateReceiveCount: '1', SenderId: '000000000000' }),
        MessageAttributes: attributes,
        MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      },
    ]);
  });

  it('hides a received message, shows it again on a visibility of 0, and deletes it', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'work' }));
    const [first] = (await receive()).Messages ?? [];

    const hidden = await receive();
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [again] = (await receive()).Messages ?? [];
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: again?.ReceiptHandle }));
    await clock.advance(30_000);

    expect(hidden.Messages).toEqual([]);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect((await receive()).Messages).toEqual([]);
  });

  it('sends and deletes in batches, reporting each entry', async () => {
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: '' },
          { Id: 'c', MessageBody: 'three' },
        ],
      }),
    );
    const { Messages = [] } = await receive();

    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );

    expect(sent.Successful?.map((s) => s.Id)).toEqual(['a', 'c']);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: 'b', SenderFault: true, Code: 'MissingParameter' }),
    ]);
    expect(Messages.map((m) => m.Body)).toEqual(['one', 'three']);
    expect(deleted.Successful?.map((s) => s.Id)).toEqual(['0', '1']);
  });

  it('answers the queue attributes, depths and redrive policy included, and lists the queues', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'b', DelaySeconds: 60 }));
    await receive({ MaxNumberOfMessages: 1 });

    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'payments-' }));

    expect(Attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings-dlq',
        maxReceiveCount: 2,
      }),
    });
    expect(QueueUrls?.sort()).toEqual([queueUrl, `${queueUrl}-dlq`]);
  });

  it('moves the dead-letter queue back to its source with StartMessageMoveTask', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));
    for (let i = 0; i < 2; i++) {
      await receive();
      await clock.advance(30_000);
    }
    const beforeMove = await receive();
    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:payments-bookings-dlq';

    const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    const [back] = (await receive()).Messages ?? [];

    expect(beforeMove.Messages).toEqual([]);
    expect(task.TaskHandle).toEqual(expect.any(String));
    expect(back).toMatchObject({
      Body: 'poison',
      Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }),
    });
  });

  it('long-polls until a message arrives', async () => {
    const waiting = receive({ WaitTimeSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'late' }));

    expect((await waiting).Messages?.map((m) => m.Body)).toEqual(['late']);
  });

  it('answers QueueDoesNotExist for a queue no manifest declares, as SQS does', async () => {
    const failure = await sqs
      .send(new SendMessageCommand({ QueueUrl: `${endpoint.url}/000000000000/nobody`, MessageBody: 'x' }))
      .catch((error: unknown) => error);
    const byName = await sqs
      .send(new GetQueueUrlCommand({ QueueName: 'nobody' }))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(QueueDoesNotExist);
    expect(byName).toBeInstanceOf(QueueDoesNotExist);
    expect((failure as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });

  it('answers a receipt handle of another queue with ReceiptHandleIsInvalid', async () => {
    const failure = await sqs
      .send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'bm90IGEgaGFuZGxl' }))
      .catch((error: unknown) => error);

    expect((failure as Error).name).toBe('ReceiptHandleIsInvalid');
  });
});
