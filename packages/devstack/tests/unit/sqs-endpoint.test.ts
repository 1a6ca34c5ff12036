/**
 * The devstack's SQS endpoint, driven by the real `@aws-sdk/client-sqs` (which also checks the MD5
 * of every body it sends and receives) over real HTTP, on a standing clock: send, receive with
 * attributes (of every data type) and their MD5, change visibility, delete, batches, queue attributes
 * with the redrive policy, listing, the redrive of a dead-letter queue as a message move task
 * (started, listed, not cancellable once done) and the queues it serves, long polling, and SQS's
 * own errors.
 */
import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  UnsupportedOperation,
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

  it('keeps message attributes of every data type as sent, and answers the ones asked for by name or prefix', async () => {
    // Prepare
    const attributes = {
      kind: { DataType: 'String', StringValue: 'booking' },
      amount: { DataType: 'Number', StringValue: '4200' },
      attempt: { DataType: 'Number.int', StringValue: '3' },
      'trace.id': { DataType: 'String.uuid', StringValue: '2b6c3f0e-8f3a-4a57-9d3c-5c1f0c7b9a10' },
      signature: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 250, 255]) },
    };

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'typed', MessageAttributes: attributes }),
    );
    const [all] = (await receive({ VisibilityTimeout: 0 })).Messages ?? [];
    const [some] =
      (await receive({ VisibilityTimeout: 0, MessageAttributeNames: ['kind', 'trace.*'] })).Messages ?? [];

    // Assess
    expect(all?.MessageAttributes).toEqual(attributes);
    expect(all?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(sent.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({
        ...attributes,
        signature: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 250, 255]).toString('base64') },
      }),
    );
    expect(Object.keys(some?.MessageAttributes ?? {}).sort()).toEqual(['kind', 'trace.id']);
    expect(some?.Attributes?.ApproximateReceiveCount).toBe('2');
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
    const { Results } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }),
    );
    const [back] = (await receive()).Messages ?? [];

    expect(beforeMove.Messages).toEqual([]);
    expect(task.TaskHandle).toEqual(expect.any(String));
    // Done before StartMessageMoveTask answered: COMPLETED, and so without its handle, as SQS lists it.
    expect(Results).toEqual([
      {
        Status: 'COMPLETED',
        SourceArn: dlqArn,
        ApproximateNumberOfMessagesMoved: 1,
        ApproximateNumberOfMessagesToMove: 1,
        StartedTimestamp: clock.now(),
      },
    ]);
    expect(back).toMatchObject({
      Body: 'poison',
      Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }),
    });
  });

  it('names the queues a dead-letter queue serves, and lists its move tasks newest first', async () => {
    const dlqUrl = `${queueUrl}-dlq`;
    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:payments-bookings-dlq';
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'sent to the DLQ directly' }));

    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
    const ofSource = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: queueUrl }));
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 10 }));
    await clock.advance(1000);
    await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlqArn,
        DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings',
      }),
    );
    const latest = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    const both = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    const [moved] = (await receive()).Messages ?? [];

    expect(sources.queueUrls).toEqual([queueUrl]);
    expect(ofSource.queueUrls).toEqual([]);
    expect(latest.Results).toHaveLength(1);
    expect(both.Results).toEqual([
      expect.objectContaining({
        DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings',
        ApproximateNumberOfMessagesMoved: 0,
        StartedTimestamp: clock.now(),
      }),
      expect.objectContaining({
        MaxNumberOfMessagesPerSecond: 10,
        ApproximateNumberOfMessagesMoved: 1,
        StartedTimestamp: clock.now() - 1000,
      }),
    ]);
    // A message sent to the dead-letter queue directly goes to the queue it serves.
    expect(moved?.Body).toBe('sent to the DLQ directly');
  });

  it('refuses a move from a queue that is no dead-letter queue or from no queue, and a cancel of a finished task', async () => {
    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:payments-bookings-dlq';
    const failure = (sent: Promise<unknown>) =>
      sent.then(
        () => undefined,
        (error: unknown) => error,
      );
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));

    const notADlq = await failure(
      sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: 'arn:aws:sqs:us-east-1:000000000000:payments-bookings',
        }),
      ),
    );
    const noQueue = await failure(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:nobody' })),
    );
    const finished = await failure(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })));
    const unknown = await failure(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bm8gc3VjaCB0YXNr' })),
    );

    expect(notADlq).toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('must be configured as a Dead Letter Queue'),
    });
    expect(noQueue).toBeInstanceOf(ResourceNotFoundException);
    expect((noQueue as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(404);
    expect(finished).toBeInstanceOf(UnsupportedOperation);
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
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
