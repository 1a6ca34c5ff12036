/**
 * A local queue as a Lambda event source (an SQS event source mapping's source): long-polls the
 * queue, hands the function SQS records in the shape Lambda delivers them, then deletes every
 * message of the batch that succeeded. A message the function reported in `batchItemFailures`, or
 * every message of a batch whose invocation failed, is left alone: it shows again once its
 * visibility timeout is over, and after `maxReceiveCount` receives the queue moves it to its
 * dead-letter queue.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { BatchOutcome, EventSource } from './event-source-mapping.ts';
import type { LocalQueue, ReceivedMessage } from './local-queue.ts';

/** The SQS record Lambda hands a function for a received message. */
const toSqsRecord = (message: ReceivedMessage, queue: LocalQueue): SQSRecord => ({
  messageId: message.messageId,
  receiptHandle: message.receiptHandle,
  body: message.body,
  attributes: { ...message.attributes },
  messageAttributes: Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType,
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.md5OfBody,
  ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
  eventSource: 'aws:sqs',
  eventSourceARN: queue.arn,
  awsRegion: 'us-east-1',
});

class QueueSource implements EventSource<ReceivedMessage> {
  readonly name: string;

  constructor(
    private readonly queue: LocalQueue,
    /** How long one receive waits for a message (1 s unless told). */
    private readonly waitTimeSeconds = 1,
  ) {
    this.name = `queue ${queue.name}`;
  }

  poll(max: number, signal: AbortSignal): Promise<readonly ReceivedMessage[]> {
    return this.queue.receive({ maxMessages: max, waitTimeSeconds: this.waitTimeSeconds }, signal);
  }

  identifierOf(message: ReceivedMessage): string {
    return message.messageId;
  }

  eventOf(messages: readonly ReceivedMessage[]): SQSEvent {
    return { Records: messages.map((message) => toSqsRecord(message, this.queue)) };
  }

  async settle(messages: readonly ReceivedMessage[], outcome: BatchOutcome): Promise<void> {
    if (outcome.kind === 'error') return;
    for (const message of messages) {
      if (!outcome.failed.has(message.messageId)) this.queue.delete(message.receiptHandle);
    }
  }
}

export { QueueSource, toSqsRecord };
