/**
 * A local queue with SQS's semantics (a standard queue), where AWS has an SQS queue:
 *
 * - `send` takes a body and message attributes (and a delay, and the system attribute
 *   `AWSTraceHeader`, the X-Ray trace the message carries); `receive` hands out up to N visible
 *   messages, each hidden for the visibility timeout, with a fresh receipt handle and its
 *   `ApproximateReceiveCount`; `delete` takes the latest receipt handle (an older one succeeds and
 *   deletes nothing, as in SQS); `changeVisibility` hides a message in flight longer, or shows it
 *   again at once;
 * - with a dead-letter queue, a message received `maxReceiveCount` times moves there on its next
 *   receive instead of being handed out (SQS moves it then too), remembering the queue it came
 *   from; `redrive` moves messages back, to a queue named or each to the queue it came from
 *   (`StartMessageMoveTask`); a moved message keeps its `AWSTraceHeader`;
 * - messages older than the retention period are dropped (a moved message keeps its first send
 *   time, as SQS keeps it for a standard queue).
 *
 * Durable: every change is appended to a journal (JSON lines, `<dataDir>/queues/<name>.jsonl`),
 * written before the call returns; opening replays it (a torn last line from a crash is ignored) and
 * compacts it to one line per message, so a restart neither loses a message nor repeats one beyond
 * SQS's own at-least-once: a message in flight at a stop stays hidden until its visibility timeout,
 * then comes back, as when a consumer dies in AWS. Time comes from the devstack clock.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from './clock.ts';

/** A message attribute as SQS's API spells it (binary values base64-encoded). */
interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: MessageAttributes;
  readonly md5OfMessageAttributes: string | undefined;
  readonly sentAt: number;
  /** The system attribute `AWSTraceHeader`: the X-Ray trace header it was sent with. */
  readonly traceHeader?: string | undefined;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: number | undefined;
  receiptHandle: string | undefined;
  /** In a dead-letter queue: the ARN of the queue it was dead-lettered from, where a redrive sends it back. */
  readonly deadLetterSourceArn?: string | undefined;
}

/** A message as `receive` hands it out. */
interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes: string | undefined;
  readonly messageAttributes: MessageAttributes;
  readonly attributes: {
    readonly ApproximateReceiveCount: string;
    readonly SentTimestamp: string;
    readonly ApproximateFirstReceiveTimestamp: string;
    readonly SenderId: string;
    /** Only when it was sent with one. */
    readonly AWSTraceHeader?: string;
  };
}

interface QueueDepths {
  /** Ready to be received (SQS: ApproximateNumberOfMessages). */
  readonly visible: number;
  /** Received and not yet deleted or visible again (ApproximateNumberOfMessagesNotVisible). */
  readonly inFlight: number;
  /** Sent with a delay not yet over (ApproximateNumberOfMessagesDelayed). */
  readonly delayed: number;
}

interface LocalQueueOptions {
  readonly name: string;
  /** The journal; in memory only when omitted. */
  readonly file?: string | undefined;
  readonly clock?: Clock;
  /** 30 s unless told, as SQS. */
  readonly visibilityTimeoutSeconds?: number;
  /** 4 days unless told, as SQS. */
  readonly messageRetentionSeconds?: number;
  /** Where a message goes once received `maxReceiveCount` times. */
  readonly deadLetter?: { readonly queue: LocalQueue; readonly maxReceiveCount: number } | undefined;
}

interface ReceiveOptions {
  /** 1 unless told. */
  readonly maxMessages?: number;
  /** The queue's own unless told. */
  readonly visibilityTimeoutSeconds?: number;
  /** Long polling: wait up to this long for a message when none is visible (0 unless told). */
  readonly waitTimeSeconds?: number;
}

/** A refusal, named as SQS names it (`InvalidParameterValue`, `ReceiptHandleIsInvalid`, ...). */
class QueueError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'QueueError';
  }
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_VISIBILITY_SECONDS = 43_200;
// The characters SQS accepts in a body and in string attribute values.
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/**
 * The MD5 SQS reports for message attributes (`MD5OfMessageAttributes`): over the attributes sorted
 * by name, each as its name, data type, transport type (1 string, 2 binary) and value, every part
 * but the transport byte preceded by its length (4 bytes, big-endian).
 *
 * @example
 * md5OfMessageAttributes({ kind: { DataType: 'String', StringValue: 'payment' } }); // 32 hex digits
 */
const md5OfMessageAttributes = (attributes: MessageAttributes): string | undefined => {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const withLength = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    const value = attributes[name] as MessageAttributeValue;
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(value.DataType, 'utf8'));
    const binary = value.DataType.startsWith('Binary');
    parts.push(Buffer.from([binary ? 2 : 1]));
    withLength(
      binary ? Buffer.from(value.BinaryValue ?? '', 'base64') : Buffer.from(value.StringValue ?? '', 'utf8'),
    );
  }
  return md5(Buffer.concat(parts));
};

const checkAttributes = (attributes: MessageAttributes): number => {
  const names = Object.keys(attributes);
  if (names.length > 10)
    throw new QueueError('InvalidParameterValue', 'A message takes at most 10 attributes');
  let bytes = 0;
  for (const name of names) {
    const value = attributes[name] as MessageAttributeValue;
    if (
      !/^[\w.-]{1,256}$/.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      /^(aws|amazon)\./i.test(name)
    )
      throw new QueueError('InvalidParameterValue', `The message attribute name ${name} is not allowed`);
    if (!/^(String|Number|Binary)(\..+)?$/.test(value.DataType ?? ''))
      throw new QueueError('InvalidParameterValue', `The message attribute ${name} has no valid DataType`);
    const binary = value.DataType.startsWith('Binary');
    const data = binary ? value.BinaryValue : value.StringValue;
    if (data === undefined || data === '')
      throw new QueueError('InvalidParameterValue', `The message attribute ${name} has no value`);
    if (!binary && INVALID_CHARACTER.test(data))
      throw new QueueError(
        'InvalidParameterValue',
        `The message attribute ${name} holds a character SQS refuses`,
      );
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType) +
      (binary ? Buffer.from(data, 'base64').length : Buffer.byteLength(data));
  }
  return bytes;
};

/** One change of the journal. */
type JournalEntry =
  | { readonly op: 'put'; readonly message: StoredMessage }
  | {
      readonly op: 'receive';
      readonly id: string;
      readonly receiptHandle: string;
      readonly visibleAt: number;
      readonly receiveCount: number;
      readonly firstReceivedAt: number;
    }
  | { readonly op: 'visibility'; readonly id: string; readonly visibleAt: number }
  | { readonly op: 'delete'; readonly id: string };

class LocalQueue {
  readonly name: string;
  readonly arn: string;
  private readonly clock: Clock;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly waiters = new Set<() => void>();
  private fd: number | undefined;
  private appended = 0;
  private closed = false;

  constructor(private readonly options: LocalQueueOptions) {
    if (!/^[\w-]{1,80}$/.test(options.name))
      throw new QueueError('InvalidParameterValue', `Bad queue name ${options.name}`);
    this.name = options.name;
    this.arn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${options.name}`;
    this.clock = options.clock ?? systemClock;
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true });
      this.replay(options.file);
      this.compact();
    }
  }

  get visibilityTimeoutSeconds(): number {
    return this.options.visibilityTimeoutSeconds ?? 30;
  }

  get messageRetentionSeconds(): number {
    return this.options.messageRetentionSeconds ?? 345_600;
  }

  get deadLetter(): { readonly queue: LocalQueue; readonly maxReceiveCount: number } | undefined {
    return this.options.deadLetter;
  }

  private replay(file: string) {
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch (error) {
        // Only the last line can be torn (a crash in the middle of a write); anything else is damage.
        if (index >= lines.length - 2) break;
        throw new Error(`The queue journal ${file} is damaged at line ${index + 1}: ${String(error)}`);
      }
      this.apply(entry);
    }
    const now = this.clock.now();
    for (const message of this.messages.values())
      if (this.expired(message, now)) this.messages.delete(message.messageId);
  }

  private apply(entry: JournalEntry) {
    if (entry.op === 'put') {
      this.messages.set(entry.message.messageId, { ...entry.message });
      return;
    }
    const message = this.messages.get(entry.id);
    if (!message) return;
    if (entry.op === 'delete') this.messages.delete(entry.id);
    else if (entry.op === 'visibility') message.visibleAt = entry.visibleAt;
    else {
      message.receiptHandle = entry.receiptHandle;
      message.visibleAt = entry.visibleAt;
      message.receiveCount = entry.receiveCount;
      message.firstReceivedAt = entry.firstReceivedAt;
    }
  }

  /** Rewrites the journal as one line per message, then appends to it. */
  private compact() {
    const file = this.options.file;
    if (!file) return;
    if (this.fd !== undefined) closeSync(this.fd);
    const temporary = `${file}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    for (const message of this.messages.values())
      writeSync(fd, `${JSON.stringify({ op: 'put', message })}\n`);
    closeSync(fd);
    renameSync(temporary, file);
    this.fd = openSync(file, 'a', 0o600);
    this.appended = 0;
  }

  private record(entry: JournalEntry) {
    this.apply(entry);
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.appended++;
    if (this.appended > 1000 && this.appended > 4 * this.messages.size) this.compact();
  }

  private expired(message: StoredMessage, now: number) {
    return message.sentAt + this.messageRetentionSeconds * 1000 <= now;
  }

  private assertOpen() {
    if (this.closed) throw new QueueError('QueueDoesNotExist', `The queue ${this.name} is closed`);
  }

  private wake() {
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Sends a message; answers its id and the MD5s SQS answers.
   *
   * @example
   * const { messageId } = queue.send(JSON.stringify(event), { messageAttributes: { kind: { DataType: 'String', StringValue: 'x' } } });
   */
  send(
    body: string,
    options: {
      readonly messageAttributes?: MessageAttributes;
      readonly delaySeconds?: number;
      /** The system attribute `AWSTraceHeader`. */
      readonly traceHeader?: string | undefined;
    } = {},
  ): { messageId: string; md5OfMessageBody: string; md5OfMessageAttributes: string | undefined } {
    this.assertOpen();
    if (typeof body !== 'string' || body.length === 0)
      throw new QueueError('MissingParameter', 'The message body must not be empty');
    if (INVALID_CHARACTER.test(body))
      throw new QueueError('InvalidMessageContents', 'The message body holds a character SQS refuses');
    const messageAttributes = options.messageAttributes ?? {};
    const bytes = Buffer.byteLength(body) + checkAttributes(messageAttributes);
    if (bytes > MAX_MESSAGE_BYTES)
      throw new QueueError(
        'InvalidParameterValue',
        `The message is ${bytes} bytes, more than ${MAX_MESSAGE_BYTES}`,
      );
    const delay = options.delaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > 900)
      throw new QueueError('InvalidParameterValue', 'DelaySeconds is a whole number from 0 to 900');
    const now = this.clock.now();
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5(body),
      messageAttributes,
      md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
      sentAt: now,
      ...(options.traceHeader ? { traceHeader: options.traceHeader } : {}),
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      firstReceivedAt: undefined,
      receiptHandle: undefined,
    };
    this.record({ op: 'put', message });
    this.wake();
    return {
      messageId: message.messageId,
      md5OfMessageBody: message.md5OfBody,
      md5OfMessageAttributes: message.md5OfMessageAttributes,
    };
  }

  /**
   * Takes a message moved from another queue, keeping its id, body, attributes and send time; a
   * dead-lettered one remembers where it came from (`deadLetterSourceArn`), a redriven one forgets.
   */
  private accept(message: StoredMessage, deadLetterSourceArn?: string) {
    this.assertOpen();
    const now = this.clock.now();
    this.record({
      op: 'put',
      message: {
        ...message,
        visibleAt: now,
        receiveCount: 0,
        firstReceivedAt: undefined,
        receiptHandle: undefined,
        deadLetterSourceArn,
      },
    });
    this.wake();
  }

  /** Hands out the visible messages now, up to `max`. */
  private take(max: number, visibilitySeconds: number): ReceivedMessage[] {
    const now = this.clock.now();
    const out: ReceivedMessage[] = [];
    for (const message of [...this.messages.values()]) {
      if (out.length >= max) break;
      if (this.expired(message, now)) {
        this.record({ op: 'delete', id: message.messageId });
        continue;
      }
      if (message.visibleAt > now) continue;
      const deadLetter = this.options.deadLetter;
      if (deadLetter && message.receiveCount >= deadLetter.maxReceiveCount) {
        // Into the dead-letter queue first, then out of this one: a crash between keeps both copies.
        deadLetter.queue.accept(message, this.arn);
        this.record({ op: 'delete', id: message.messageId });
        continue;
      }
      const receiptHandle = Buffer.from(
        `${this.name} ${message.messageId} ${randomBytes(12).toString('hex')}`,
      ).toString('base64url');
      this.record({
        op: 'receive',
        id: message.messageId,
        receiptHandle,
        visibleAt: now + visibilitySeconds * 1000,
        receiveCount: message.receiveCount + 1,
        firstReceivedAt: message.firstReceivedAt ?? now,
      });
      out.push({
        messageId: message.messageId,
        receiptHandle,
        body: message.body,
        md5OfBody: message.md5OfBody,
        md5OfMessageAttributes: message.md5OfMessageAttributes,
        messageAttributes: message.messageAttributes,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? now),
          SenderId: ACCOUNT,
          ...(message.traceHeader ? { AWSTraceHeader: message.traceHeader } : {}),
        },
      });
    }
    return out;
  }

  /**
   * Receives up to `maxMessages` visible messages, each hidden for the visibility timeout. With
   * `waitTimeSeconds`, waits (on the devstack clock) for one to become visible, unless `signal` aborts.
   *
   * @example
   * const [message] = await queue.receive({ maxMessages: 10, waitTimeSeconds: 1 });
   */
  async receive(options: ReceiveOptions = {}, signal?: AbortSignal): Promise<ReceivedMessage[]> {
    this.assertOpen();
    const max = options.maxMessages ?? 1;
    if (!Number.isInteger(max) || max < 1)
      throw new QueueError('InvalidParameterValue', 'MaxNumberOfMessages is a whole number of at least 1');
    const visibility = options.visibilityTimeoutSeconds ?? this.visibilityTimeoutSeconds;
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > MAX_VISIBILITY_SECONDS)
      throw new QueueError(
        'InvalidParameterValue',
        `VisibilityTimeout is a whole number from 0 to ${MAX_VISIBILITY_SECONDS}`,
      );
    const wait = options.waitTimeSeconds ?? 0;
    const deadline = this.clock.now() + wait * 1000;
    for (;;) {
      const messages = this.take(max, visibility);
      if (messages.length > 0 || this.closed || signal?.aborted || this.clock.now() >= deadline)
        return messages;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          this.clock.clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        // Until the deadline, or until the next hidden message shows again, whichever comes first.
        const timer = this.clock.setTimeout(
          done,
          Math.min(deadline, this.nextVisibleAt()) - this.clock.now(),
        );
        this.waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** When the next hidden message (in flight or delayed) shows again; infinity when none is hidden. */
  private nextVisibleAt(): number {
    const now = this.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.messages.values())
      if (message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
    return next;
  }

  private inFlight(receiptHandle: string): StoredMessage | undefined {
    let decoded: string[];
    try {
      decoded = Buffer.from(receiptHandle, 'base64url').toString('utf8').split(' ');
    } catch {
      decoded = [];
    }
    if (decoded.length !== 3 || decoded[0] !== this.name)
      throw new QueueError('ReceiptHandleIsInvalid', 'The receipt handle is not valid for this queue');
    const message = this.messages.get(decoded[1] ?? '');
    return message?.receiptHandle === receiptHandle ? message : undefined;
  }

  /** Deletes the message a receipt handle names; an older handle of a received-again message deletes nothing. */
  delete(receiptHandle: string): void {
    this.assertOpen();
    const message = this.inFlight(receiptHandle);
    if (message) this.record({ op: 'delete', id: message.messageId });
  }

  /** Sets how much longer a message in flight stays hidden (0 shows it again at once). */
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void {
    this.assertOpen();
    if (
      !Number.isInteger(visibilityTimeoutSeconds) ||
      visibilityTimeoutSeconds < 0 ||
      visibilityTimeoutSeconds > MAX_VISIBILITY_SECONDS
    )
      throw new QueueError(
        'InvalidParameterValue',
        `VisibilityTimeout is a whole number from 0 to ${MAX_VISIBILITY_SECONDS}`,
      );
    const message = this.inFlight(receiptHandle);
    const now = this.clock.now();
    if (!message || message.visibleAt <= now)
      throw new QueueError('MessageNotInflight', 'The message is not in flight with this receipt handle');
    this.record({
      op: 'visibility',
      id: message.messageId,
      visibleAt: now + visibilityTimeoutSeconds * 1000,
    });
    this.wake();
  }

  /**
   * Moves every message that is not in flight to `destination` (a redrive); answers how many moved.
   * `destination` may instead pick each message's queue from the ARN of the queue it was
   * dead-lettered from (undefined for a message sent to this queue directly), as a
   * `StartMessageMoveTask` without a `DestinationArn` does; a message it places nowhere stays.
   *
   * @example
   * dlq.redrive(queue); // 2
   * dlq.redrive((from) => queues.all().find((q) => q.arn === from));
   */
  redrive(
    destination: LocalQueue | ((deadLetterSourceArn: string | undefined) => LocalQueue | undefined),
    maxMessages = Number.POSITIVE_INFINITY,
  ): number {
    this.assertOpen();
    const now = this.clock.now();
    let moved = 0;
    for (const message of [...this.messages.values()]) {
      if (moved >= maxMessages) break;
      if (message.visibleAt > now || this.expired(message, now)) continue;
      const target =
        destination instanceof LocalQueue ? destination : destination(message.deadLetterSourceArn);
      if (!target) continue;
      // Into the destination first, then out of this queue: a crash between keeps both copies.
      target.accept(message);
      this.record({ op: 'delete', id: message.messageId });
      moved++;
    }
    return moved;
  }

  /** Deletes every message (PurgeQueue). */
  purge(): void {
    this.assertOpen();
    for (const id of [...this.messages.keys()]) this.record({ op: 'delete', id });
  }

  depths(): QueueDepths {
    const now = this.clock.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (this.expired(message, now)) continue;
      if (message.visibleAt <= now) visible++;
      else if (message.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  /** Ends long polls and closes the journal; the queue takes no more calls. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export type {
  LocalQueueOptions,
  MessageAttributes,
  MessageAttributeValue,
  QueueDepths,
  ReceivedMessage,
  ReceiveOptions,
};
export { LocalQueue, md5OfMessageAttributes, QueueError };
