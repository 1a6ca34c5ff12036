/**
 * The devstack's queues behind an SQS endpoint that speaks the AWS JSON 1.0 protocol, so the real
 * `@aws-sdk/client-sqs` works against them unchanged (an operator's script, a test, a function that
 * sends to a queue): SendMessage(Batch), ReceiveMessage (long polling included), DeleteMessage(Batch),
 * ChangeMessageVisibility, GetQueueUrl, GetQueueAttributes, ListQueues, PurgeQueue,
 * ListDeadLetterSourceQueues, and the redrive of a dead-letter queue: StartMessageMoveTask,
 * ListMessageMoveTasks and CancelMessageMoveTask. Queues are the ones the manifests declare; this
 * endpoint neither creates nor deletes any. Requests are not authenticated.
 *
 * A message move task runs to its end before StartMessageMoveTask answers (there is no rate to keep
 * to locally), so ListMessageMoveTasks shows it COMPLETED at once, with the messages moved and how
 * many there were to move, and CancelMessageMoveTask finds nothing RUNNING to cancel. Without a
 * `DestinationArn`, each message goes back to the queue it was dead-lettered from, as in SQS. The
 * endpoint keeps each queue's 10 latest tasks, in memory, until it stops.
 *
 * A message takes the one system attribute SQS has, `AWSTraceHeader` (`MessageSystemAttributes`, a
 * `String` holding an X-Ray trace header; anything else is `InvalidParameterValue`): it is kept with
 * the message, through a dead-letter queue and a redrive, answered by ReceiveMessage when asked for
 * (`All` or `AWSTraceHeader`, in `MessageSystemAttributeNames` or `AttributeNames`) and handed to a
 * function in its SQS record's `attributes`.
 *
 * Queue URLs are `<endpoint>/000000000000/<name>`; errors are JSON with `__type` and the
 * `x-amzn-query-error` header, as SQS answers them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-body.ts';
import { type HttpServer, startHttpServer } from './http-server.ts';
import {
  type LocalQueue,
  type MessageAttributes,
  md5OfMessageAttributes,
  QueueError,
  type ReceivedMessage,
} from './local-queue.ts';
import type { LocalQueues } from './queues.ts';
import { parseTraceHeader } from './trace-header.ts';

const ACCOUNT = '000000000000';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** SQS's query error codes, for the `x-amzn-query-error` header. */
const QUERY_ERRORS: Readonly<Record<string, string>> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  InvalidMessageContents: 'InvalidMessageContents',
  ReceiptHandleIsInvalid: 'ReceiptHandleIsInvalid',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};

/** A message move task, as ListMessageMoveTasks lists it. */
interface MoveTask {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn: string | undefined;
  readonly maxNumberOfMessagesPerSecond: number | undefined;
  readonly status: 'COMPLETED';
  readonly moved: number;
  readonly toMove: number;
  readonly startedAt: number;
}

/** How many tasks ListMessageMoveTasks can list for a queue: its latest 10. */
const MOVE_TASKS_KEPT = 10;

type Input = Readonly<Record<string, unknown>>;

class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SqsError';
  }
}

const integer = (input: Input, name: string, fallback?: number): number | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new SqsError('InvalidParameterValue', `${name} must be a whole number`);
  return value;
};

const text = (input: Input, name: string): string => {
  const value = input[name];
  if (typeof value !== 'string' || value === '')
    throw new SqsError('MissingParameter', `${name} is required`);
  return value;
};

/** The attributes a receive asked for: `All`, `.*`, names, or prefixes ending in `.*`. */
const wanted = (requested: unknown, name: string): boolean =>
  Array.isArray(requested) &&
  requested.some(
    (r) =>
      r === 'All' ||
      r === '.*' ||
      r === name ||
      (typeof r === 'string' && r.endsWith('.*') && name.startsWith(r.slice(0, -2))),
  );

class SqsEndpoint {
  readonly name = 'SQS endpoint';
  private server: HttpServer | undefined;
  /** Each source queue's latest message move tasks, newest first, by its ARN. */
  private readonly moveTasks = new Map<string, MoveTask[]>();
  url = '';

  constructor(
    private readonly options: {
      readonly queues: LocalQueues;
      readonly host?: string;
      /** 0 (the default) picks a free port. */
      readonly port?: number;
    },
  ) {}

  async start(): Promise<string> {
    this.server = await startHttpServer({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
      handler: (request, response) => this.handle(request, response),
      busyPort: { what: 'the SQS endpoint', variable: 'TESSERA_SQS_PORT' },
    });
    this.url = this.server.url;
    return this.url;
  }

  /** `<endpoint>/000000000000/<name>`. */
  queueUrl(name: string): string {
    return `${this.url}/${ACCOUNT}/${name}`;
  }

  private queue(input: Input): LocalQueue {
    const url = text(input, 'QueueUrl');
    const name = url.split('/').filter(Boolean).at(-1) ?? '';
    const queue = this.options.queues.get(name);
    if (!queue) throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${url}`);
    return queue;
  }

  private byArn(arn: unknown): LocalQueue {
    const queue = this.options.queues.all().find((q) => q.arn === arn);
    if (!queue) throw new SqsError('ResourceNotFoundException', `No queue has the ARN ${String(arn)}`, 404);
    return queue;
  }

  /**
   * Runs a message move task to its end: from a dead-letter queue to `DestinationArn`, or each
   * message back to the queue it was dead-lettered from (a message sent to the dead-letter queue
   * directly goes to the first queue whose dead-letter queue it is).
   */
  private startMoveTask(input: Input): { TaskHandle: string } {
    const source = this.byArn(text(input, 'SourceArn'));
    const sources = this.options.queues.deadLetterSourcesOf(source);
    const fallback = sources[0];
    if (!fallback)
      throw new SqsError(
        'InvalidParameterValue',
        `Source queue must be configured as a Dead Letter Queue: ${source.name} is the dead-letter queue of no queue`,
      );
    const destination = input.DestinationArn !== undefined ? this.byArn(input.DestinationArn) : undefined;
    if (destination === source)
      throw new SqsError('InvalidParameterValue', 'The source and destination queues must differ');
    const rate = integer(input, 'MaxNumberOfMessagesPerSecond');
    if (rate !== undefined && (rate < 1 || rate > 500))
      throw new SqsError('InvalidParameterValue', 'MaxNumberOfMessagesPerSecond is from 1 to 500');
    const startedAt = this.options.queues.clock.now();
    const toMove = source.depths().visible;
    const moved = source.redrive(
      destination ??
        ((from) => this.options.queues.all().find((q) => q.arn === from && q !== source) ?? fallback),
    );
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString(
        'base64url',
      ),
      sourceArn: source.arn,
      destinationArn: destination?.arn,
      maxNumberOfMessagesPerSecond: rate,
      status: 'COMPLETED',
      moved,
      toMove,
      startedAt,
    };
    this.moveTasks.set(
      source.arn,
      [task, ...(this.moveTasks.get(source.arn) ?? [])].slice(0, MOVE_TASKS_KEPT),
    );
    return { TaskHandle: task.taskHandle };
  }

  /** A task as ListMessageMoveTasks answers it: its handle only while RUNNING, as in SQS. */
  private static moveTaskEntry(task: MoveTask) {
    return {
      Status: task.status,
      SourceArn: task.sourceArn,
      ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
      ...(task.maxNumberOfMessagesPerSecond !== undefined
        ? { MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond }
        : {}),
      ApproximateNumberOfMessagesMoved: task.moved,
      ApproximateNumberOfMessagesToMove: task.toMove,
      StartedTimestamp: task.startedAt,
    };
  }

  private deadLetterSourceQueues(input: Input) {
    const urls = this.options.queues
      .deadLetterSourcesOf(this.queue(input))
      .map((queue) => this.queueUrl(queue.name));
    const max = integer(input, 'MaxResults');
    if (max === undefined) return { queueUrls: urls };
    if (max < 1 || max > 1000) throw new SqsError('InvalidParameterValue', 'MaxResults is from 1 to 1000');
    const token = input.NextToken;
    const start = typeof token === 'string' && /^\d+$/.test(token) ? Number(token) : 0;
    const next = start + max;
    return {
      queueUrls: urls.slice(start, next),
      ...(next < urls.length ? { NextToken: String(next) } : {}),
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const target = String(request.headers['x-amz-target'] ?? '');
    const abort = new AbortController();
    // A client that gives up on a long poll must not leave messages received for nobody.
    response.once('close', () => abort.abort());
    try {
      if (request.method !== 'POST' || !target.startsWith('AmazonSQS.')) {
        throw new SqsError(
          'UnsupportedOperation',
          'This endpoint speaks the AWS JSON 1.0 protocol of SQS only',
        );
      }
      let input: Input;
      try {
        const body = (await readBody(request, 1024 * 1024)).toString('utf8');
        input = (body === '' ? {} : JSON.parse(body)) as Input;
      } catch {
        throw new SqsError('SerializationException', 'The request is not JSON');
      }
      const output = await this.operation(target.slice('AmazonSQS.'.length), input, abort.signal);
      if (response.destroyed) return;
      response.writeHead(200, { 'content-type': CONTENT_TYPE });
      response.end(JSON.stringify(output));
    } catch (error) {
      const failure =
        error instanceof SqsError
          ? error
          : error instanceof QueueError
            ? new SqsError(error.code, error.message)
            : new SqsError('InternalError', String(error), 500);
      if (response.headersSent || response.destroyed) return;
      response.writeHead(failure.status, {
        'content-type': CONTENT_TYPE,
        'x-amzn-query-error': `${QUERY_ERRORS[failure.code] ?? failure.code};${failure.status < 500 ? 'Sender' : 'Receiver'}`,
      });
      response.end(JSON.stringify({ __type: `com.amazonaws.sqs#${failure.code}`, message: failure.message }));
    }
  }

  /**
   * The `AWSTraceHeader` of a send's `MessageSystemAttributes`, checked as SQS checks it: the only
   * system attribute there is, a `String` that is an X-Ray trace header.
   */
  private static traceHeaderOf(input: Input): string | undefined {
    const system = input.MessageSystemAttributes;
    if (system === undefined || system === null) return undefined;
    if (typeof system !== 'object' || Array.isArray(system))
      throw new SqsError('InvalidParameterValue', 'MessageSystemAttributes must be a map');
    let header: string | undefined;
    for (const [name, value] of Object.entries(system as Record<string, unknown>)) {
      if (name !== 'AWSTraceHeader')
        throw new SqsError(
          'InvalidParameterValue',
          `Message system attribute name '${name}' is invalid: AWSTraceHeader is the only one`,
        );
      const { DataType, StringValue } = (value ?? {}) as { DataType?: unknown; StringValue?: unknown };
      if (DataType !== 'String' || typeof StringValue !== 'string' || !parseTraceHeader(StringValue))
        throw new SqsError(
          'InvalidParameterValue',
          'The message system attribute AWSTraceHeader must be a String holding an X-Ray trace header',
        );
      header = StringValue;
    }
    return header;
  }

  private send(queue: LocalQueue, input: Input) {
    const delaySeconds = integer(input, 'DelaySeconds');
    const traceHeader = SqsEndpoint.traceHeaderOf(input);
    const sent = queue.send(text(input, 'MessageBody'), {
      messageAttributes: (input.MessageAttributes ?? {}) as MessageAttributes,
      ...(delaySeconds !== undefined ? { delaySeconds } : {}),
      ...(traceHeader ? { traceHeader } : {}),
    });
    // SQS answers the MD5 of the system attributes as it answers that of the message attributes.
    const md5OfMessageSystemAttributes = traceHeader
      ? md5OfMessageAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } })
      : undefined;
    return { ...sent, md5OfMessageSystemAttributes };
  }

  /** What SendMessage and each SendMessageBatch entry answer of a message sent. */
  private static sentEntry(sent: ReturnType<SqsEndpoint['send']>) {
    return {
      MessageId: sent.messageId,
      MD5OfMessageBody: sent.md5OfMessageBody,
      ...(sent.md5OfMessageAttributes ? { MD5OfMessageAttributes: sent.md5OfMessageAttributes } : {}),
      ...(sent.md5OfMessageSystemAttributes
        ? { MD5OfMessageSystemAttributes: sent.md5OfMessageSystemAttributes }
        : {}),
    };
  }

  private entries(input: Input): Input[] {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0)
      throw new SqsError('EmptyBatchRequest', 'There should be at least one entry in the request');
    if (entries.length > 10)
      throw new SqsError('TooManyEntriesInBatchRequest', 'A batch takes at most 10 entries');
    return entries as Input[];
  }

  private received(message: ReceivedMessage, input: Input) {
    const systemNames = [
      ...((input.AttributeNames as unknown[]) ?? []),
      ...((input.MessageSystemAttributeNames as unknown[]) ?? []),
    ];
    const attributes = Object.fromEntries(
      Object.entries(message.attributes).filter(([name]) => wanted(systemNames, name)),
    );
    const messageAttributes = Object.fromEntries(
      Object.entries(message.messageAttributes).filter(([name]) => wanted(input.MessageAttributeNames, name)),
    );
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(Object.keys(messageAttributes).length > 0
        ? { MessageAttributes: messageAttributes, MD5OfMessageAttributes: message.md5OfMessageAttributes }
        : {}),
    };
  }

  private attributes(queue: LocalQueue, requested: unknown) {
    const depths = queue.depths();
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(depths.visible),
      ApproximateNumberOfMessagesNotVisible: String(depths.inFlight),
      ApproximateNumberOfMessagesDelayed: String(depths.delayed),
      VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(queue.messageRetentionSeconds),
      DelaySeconds: '0',
      MaximumMessageSize: String(256 * 1024),
      ReceiveMessageWaitTimeSeconds: '0',
      ...(queue.deadLetter
        ? {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: queue.deadLetter.queue.arn,
              maxReceiveCount: queue.deadLetter.maxReceiveCount,
            }),
          }
        : {}),
    };
    return Object.fromEntries(Object.entries(all).filter(([name]) => wanted(requested, name)));
  }

  private async operation(name: string, input: Input, signal: AbortSignal): Promise<unknown> {
    switch (name) {
      case 'SendMessage':
        return SqsEndpoint.sentEntry(this.send(this.queue(input), input));
      case 'SendMessageBatch': {
        const queue = this.queue(input);
        const successful: unknown[] = [];
        const failed: unknown[] = [];
        for (const entry of this.entries(input)) {
          try {
            successful.push({ Id: entry.Id, ...SqsEndpoint.sentEntry(this.send(queue, entry)) });
          } catch (error) {
            if (!(error instanceof QueueError || error instanceof SqsError)) throw error;
            failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
          }
        }
        return { Successful: successful, Failed: failed };
      }
      case 'ReceiveMessage': {
        const queue = this.queue(input);
        const maxMessages = integer(input, 'MaxNumberOfMessages', 1) ?? 1;
        if (maxMessages < 1 || maxMessages > 10)
          throw new SqsError('InvalidParameterValue', 'MaxNumberOfMessages is from 1 to 10');
        const waitTimeSeconds = integer(input, 'WaitTimeSeconds', 0) ?? 0;
        if (waitTimeSeconds < 0 || waitTimeSeconds > 20)
          throw new SqsError('InvalidParameterValue', 'WaitTimeSeconds is from 0 to 20');
        const visibilityTimeoutSeconds = integer(input, 'VisibilityTimeout');
        const messages = await queue.receive(
          {
            maxMessages,
            waitTimeSeconds,
            ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}),
          },
          signal,
        );
        return { Messages: messages.map((message) => this.received(message, input)) };
      }
      case 'DeleteMessage':
        this.queue(input).delete(text(input, 'ReceiptHandle'));
        return {};
      case 'DeleteMessageBatch': {
        const queue = this.queue(input);
        const successful: unknown[] = [];
        const failed: unknown[] = [];
        for (const entry of this.entries(input)) {
          try {
            queue.delete(text(entry, 'ReceiptHandle'));
            successful.push({ Id: entry.Id });
          } catch (error) {
            if (!(error instanceof QueueError || error instanceof SqsError)) throw error;
            failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
          }
        }
        return { Successful: successful, Failed: failed };
      }
      case 'ChangeMessageVisibility':
        this.queue(input).changeVisibility(
          text(input, 'ReceiptHandle'),
          integer(input, 'VisibilityTimeout') ?? -1,
        );
        return {};
      case 'GetQueueUrl': {
        const name = text(input, 'QueueName');
        if (!this.options.queues.get(name))
          throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
        return { QueueUrl: this.queueUrl(name) };
      }
      case 'GetQueueAttributes':
        return { Attributes: this.attributes(this.queue(input), input.AttributeNames ?? ['All']) };
      case 'ListQueues': {
        const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
        const names = this.options.queues
          .all()
          .map((q) => q.name)
          .filter((n) => n.startsWith(prefix));
        return { QueueUrls: names.slice(0, integer(input, 'MaxResults', 1000)).map((n) => this.queueUrl(n)) };
      }
      case 'PurgeQueue':
        this.queue(input).purge();
        return {};
      case 'ListDeadLetterSourceQueues':
        return this.deadLetterSourceQueues(input);
      case 'StartMessageMoveTask':
        return this.startMoveTask(input);
      case 'ListMessageMoveTasks': {
        const source = this.byArn(text(input, 'SourceArn'));
        const max = integer(input, 'MaxResults', 1) ?? 1;
        if (max < 1 || max > MOVE_TASKS_KEPT)
          throw new SqsError('InvalidParameterValue', `MaxResults is from 1 to ${MOVE_TASKS_KEPT}`);
        return {
          Results: (this.moveTasks.get(source.arn) ?? []).slice(0, max).map(SqsEndpoint.moveTaskEntry),
        };
      }
      case 'CancelMessageMoveTask': {
        const handle = text(input, 'TaskHandle');
        const task = [...this.moveTasks.values()].flat().find((t) => t.taskHandle === handle);
        if (!task)
          throw new SqsError('ResourceNotFoundException', 'No message move task has this handle', 404);
        throw new SqsError(
          'UnsupportedOperation',
          `The message move task is ${task.status}: only a RUNNING task can be cancelled`,
        );
      }
      default:
        throw new SqsError('UnsupportedOperation', `The devstack's SQS endpoint does not answer ${name}`);
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}

export { SqsEndpoint };
