/**
 * `npm run redrive -- <queue> [--dry-run]`: moves a dead-letter queue's messages back to the queue
 * they came from, on the devstack or in AWS, with SQS's own message move task
 * (`StartMessageMoveTask`), and prints what it moved.
 *
 * `<queue>` is a queue's name where the tool points: a dead-letter queue (some queue's
 * `RedrivePolicy` names it), which is then redriven, or a queue with a dead-letter queue of its own
 * (a `RedrivePolicy`), whose dead-letter queue is then redriven. The task is started without a
 * `DestinationArn`, so SQS sends each message back to the queue it was dead-lettered from; the
 * output names those queues (`ListDeadLetterSourceQueues`). In AWS the queues are named
 * `tessera-<env>-<service>-<subscription>` (and `...-dlq`); on the devstack `<service>-<subscription>`.
 *
 * Where, the first that applies:
 * 1. `--endpoint <url>`: an SQS endpoint such as the devstack's (fake static credentials, us-east-1);
 * 2. `--aws`: AWS, with the default credential chain (AWS_PROFILE, ...) and region (AWS_REGION, or the
 *    profile's);
 * 3. `TESSERA_SQS_ENDPOINT`: as `--endpoint`;
 * 4. a running devstack: `npm start` writes `<TESSERA_DATA_DIR>/endpoints.json` (`.tessera` unless
 *    set) once ready and removes it when it stops; a file whose `pid` is no running process (left by
 *    a devstack killed outright) is ignored;
 * 5. AWS, as `--aws`.
 * The first line printed says which it is.
 *
 * `--dry-run` moves nothing: it prints how many messages the dead-letter queue holds and, for up to
 * 10 of them, the message id, when it was sent and, for an EventBridge event, its `detail-type` and
 * `detail.eventId`. It peeks with ReceiveMessage and a visibility timeout of 0, so the messages stay
 * where they are, visible; what a peek costs is one receive: each peeked message's
 * `ApproximateReceiveCount` in the dead-letter queue goes up by one (harmless, unless the dead-letter
 * queue has a dead-letter queue of its own, where peeks count towards its `maxReceiveCount`).
 *
 * Otherwise it starts the move task and follows it (ListMessageMoveTasks, every second) until it is
 * COMPLETED (exit 0), FAILED or CANCELLED (exit 1), or `--timeout` seconds have passed (600 unless
 * told; exit 1, the task carrying on in SQS). Messages in flight in the dead-letter queue (being
 * peeked at, say) are not moved.
 *
 * **A dead-letter queue no queue feeds** (no queue's `RedrivePolicy` names it, so SQS has nowhere to
 * move its messages back to): a schedules' queue (`<service>-schedules-dlq`, what EventBridge
 * Scheduler could not invoke) or a function's on-failure destination (`<service>-invocations-dlq`,
 * what a function threw on every attempt of an asynchronous invocation). Each message goes back to
 * its function instead, with Lambda `Invoke` (synchronous, so the answer is known): an invocation
 * record's `requestPayload` to its `requestContext.functionArn`; a schedule's input (the body) to its
 * `TARGET_ARN` attribute, or, without one, to the service's schedule target (`schedule: true` in its
 * manifest: `tessera-<env>-<function>:live` in AWS, `<function>` on the devstack). A message is
 * deleted once its invocation succeeded; one whose function fails again stays (visible again at the
 * end of the run) and the run exits 1. `--dry-run` lists them with their function and moves nothing.
 * Lambda is the devstack's Lambda endpoint where SQS is the devstack's (`--lambda-endpoint`, then
 * `TESSERA_LAMBDA_ENDPOINT`, then the running devstack's `lambda` in `endpoints.json`), AWS otherwise.
 *
 * Every call has a timeout (10 s) and the endpoint's retries are few, so an endpoint that does not
 * answer fails the run with a clear message, never a hang. Exit codes: 0 done, 1 failed, 2 usage.
 *
 * Usage: npm run redrive -- <queue> [--dry-run] [--endpoint <url> | --aws] [--lambda-endpoint <url>]
 *        [--timeout <seconds>]
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type Message,
  type QueueAttributeName,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { loadManifests } from '../packages/tooling/src/manifests.ts';

const usage = `Usage: npm run redrive -- <queue> [--dry-run] [--endpoint <url> | --aws] [--timeout <seconds>]

  <queue>             a dead-letter queue, or a queue with one (its RedrivePolicy), by name
  --dry-run           print what the dead-letter queue holds (up to 10 messages); move nothing
  --endpoint <url>    an SQS endpoint, such as the devstack's (default: TESSERA_SQS_ENDPOINT, then a
                      running devstack's, found in <TESSERA_DATA_DIR>/endpoints.json, then AWS)
  --aws               AWS, with the default credentials and AWS_REGION, even with a devstack running
  --lambda-endpoint <url>
                      for a dead-letter queue no queue feeds (a schedules' or invocations' one): the
                      Lambda endpoint its messages are invoked through (default: TESSERA_LAMBDA_ENDPOINT,
                      then the running devstack's, then AWS when SQS is AWS)
  --timeout <seconds> how long to follow the move task (default 600)`;

interface Options {
  readonly queue: string;
  readonly dryRun: boolean;
  readonly endpoint: string | undefined;
  readonly aws: boolean;
  readonly lambdaEndpoint?: string | undefined;
  readonly timeoutSeconds: number;
}

type Parsed =
  | { readonly kind: 'run'; readonly options: Options }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage'; readonly message: string };

/** What the run reads and where it writes; the process's own unless a test says otherwise. */
interface Io {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

interface Settings {
  /** The longest any one call may take (10 s unless told). */
  readonly callTimeoutMs?: number;
  /** The pause between two looks at the move task (1 s unless told). */
  readonly pollIntervalMs?: number;
}

/** A failure to report as it is, and exit 1. */
class RedriveError extends Error {}

const isHttpUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/**
 * The command line, or what is wrong with it.
 *
 * @example
 * parseArguments(['payments-charges', '--dry-run']); // { kind: 'run', options: { queue: 'payments-charges', dryRun: true, ... } }
 */
const parseArguments = (argv: readonly string[]): Parsed => {
  let queue: string | undefined;
  let dryRun = false;
  let endpoint: string | undefined;
  let aws = false;
  let lambdaEndpoint: string | undefined;
  let timeoutSeconds = 600;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument === '--help' || argument === '-h') return { kind: 'help' };
    if (argument === '--dry-run') dryRun = true;
    else if (argument === '--aws') aws = true;
    else if (argument === '--endpoint') {
      endpoint = argv[++index];
      if (endpoint === undefined || !isHttpUrl(endpoint))
        return { kind: 'usage', message: '--endpoint takes an http(s) URL' };
    } else if (argument === '--lambda-endpoint') {
      lambdaEndpoint = argv[++index];
      if (lambdaEndpoint === undefined || !isHttpUrl(lambdaEndpoint))
        return { kind: 'usage', message: '--lambda-endpoint takes an http(s) URL' };
    } else if (argument === '--timeout') {
      timeoutSeconds = Number(argv[++index]);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
        return { kind: 'usage', message: '--timeout takes a whole number of seconds, at least 1' };
    } else if (argument.startsWith('-')) return { kind: 'usage', message: `unknown option ${argument}` };
    else if (queue === undefined) queue = argument;
    else return { kind: 'usage', message: `one queue at a time (${queue}, then ${argument})` };
  }
  if (queue === undefined) return { kind: 'usage', message: 'name the queue' };
  if (!/^[\w-]{1,80}$/.test(queue))
    return { kind: 'usage', message: `${queue} is no queue name (letters, digits, - and _, up to 80)` };
  if (endpoint !== undefined && aws)
    return { kind: 'usage', message: 'either --endpoint or --aws, not both' };
  return {
    kind: 'run',
    options: { queue, dryRun, endpoint, aws, ...(lambdaEndpoint ? { lambdaEndpoint } : {}), timeoutSeconds },
  };
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process is there, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The SQS endpoint of the devstack running on the data folder, from `<dataDir>/endpoints.json`, or
 * undefined when there is none (no file, an unreadable one, or one left by a process gone).
 */
const endpointsFileOf = (io: Io): string =>
  join(resolve(io.cwd, io.env.TESSERA_DATA_DIR || '.tessera'), 'endpoints.json');

const runningDevstack = (
  io: Io,
): { readonly url: string; readonly file: string; readonly lambda?: string } | undefined => {
  const file = endpointsFileOf(io);
  let published: { pid?: unknown; sqs?: unknown; lambda?: unknown };
  try {
    published = JSON.parse(readFileSync(file, 'utf8')) as typeof published;
  } catch {
    return undefined;
  }
  if (typeof published.sqs !== 'string' || !isHttpUrl(published.sqs)) return undefined;
  if (typeof published.pid === 'number' && !alive(published.pid)) return undefined;
  return {
    url: published.sqs,
    file,
    ...(typeof published.lambda === 'string' && isHttpUrl(published.lambda)
      ? { lambda: published.lambda }
      : {}),
  };
};

interface Target {
  readonly client: SQSClient;
  /** For the first line and the errors: `the SQS endpoint at ...`; AWS's is told once its region is known. */
  readonly where: string;
  readonly local: boolean;
  /** When AWS was chosen for want of a running devstack: the endpoints file that was looked for. */
  readonly noDevstackAt?: string;
}

const targetOf = (options: Options, io: Io, callTimeoutMs: number): Target => {
  const requestHandler = { connectionTimeout: Math.min(3000, callTimeoutMs), requestTimeout: callTimeoutMs };
  const local = (url: string, from: string): Target => ({
    client: new SQSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // A local endpoint either answers or is not there: no retries to wait through.
      maxAttempts: 1,
      requestHandler,
    }),
    where: `the SQS endpoint at ${url}${from}`,
    local: true,
  });
  if (options.endpoint) return local(options.endpoint, '');
  if (!options.aws) {
    const fromEnv = io.env.TESSERA_SQS_ENDPOINT;
    if (fromEnv) {
      if (!isHttpUrl(fromEnv)) throw new RedriveError(`TESSERA_SQS_ENDPOINT is no http(s) URL: ${fromEnv}`);
      return local(fromEnv, ' (TESSERA_SQS_ENDPOINT)');
    }
    const devstack = runningDevstack(io);
    if (devstack) {
      const shown = relative(io.cwd, devstack.file);
      const file = shown.startsWith('..') || isAbsolute(shown) ? devstack.file : shown;
      return local(devstack.url, ` (the running devstack, from ${file})`);
    }
  }
  return {
    client: new SQSClient({ maxAttempts: 3, requestHandler }),
    where: 'AWS',
    local: false,
    ...(options.aws ? {} : { noDevstackAt: endpointsFileOf(io) }),
  };
};

const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

const reasonOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code && NETWORK_ERRORS.has(code)) return `no answer (${code})`;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
};

/** The queue's name, from its URL (`.../<account>/<name>`) or ARN (`arn:...:<name>`). */
const nameOf = (urlOrArn: string) => urlOrArn.split(/[/:]/).filter(Boolean).at(-1) ?? urlOrArn;

interface Queue {
  readonly name: string;
  readonly url: string;
}

/** The calls the tool makes, each with its timeout, each failure a RedriveError naming the call. */
class Sqs {
  /** Where the calls go, as the messages say it. */
  where: string;

  constructor(
    private readonly target: Target,
    private readonly callTimeoutMs: number,
  ) {
    this.where = target.where;
  }

  /** One call with its timeout; a failure is a RedriveError naming it (`endpoint` names the local one in the hint). */
  async call<T>(
    what: string,
    send: (abortSignal: AbortSignal) => Promise<T>,
    endpoint = 'SQS endpoint',
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new RedriveError(`${what}: no answer within ${this.callTimeoutMs / 1000} s`));
      }, this.callTimeoutMs);
    });
    try {
      return await Promise.race([send(controller.signal), timeout]);
    } catch (error) {
      if (error instanceof RedriveError) throw error;
      const reason = reasonOf(error);
      const hint = reason.startsWith('no answer')
        ? this.target.local
          ? ` Is the devstack running (npm start), and is this its ${endpoint}?`
          : ' Check your network and AWS_REGION.'
        : '';
      throw new RedriveError(`${what}: ${reason.replace(/\.$/, '')}.${hint}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private get client() {
    return this.target.client;
  }

  async region(): Promise<string> {
    return this.call('finding the AWS region', async () => {
      try {
        return await this.client.config.region();
      } catch {
        throw new RedriveError(
          `no AWS region: set AWS_REGION (or a region in your profile), or use --endpoint${
            this.target.noDevstackAt
              ? `; no running devstack was found at ${this.target.noDevstackAt} (set TESSERA_DATA_DIR to the folder npm start uses)`
              : ''
          }`,
        );
      }
    });
  }

  async queue(name: string): Promise<Queue> {
    const url = await this.call(`GetQueueUrl ${name}`, async (abortSignal) => {
      try {
        return (await this.client.send(new GetQueueUrlCommand({ QueueName: name }), { abortSignal }))
          .QueueUrl;
      } catch (error) {
        if (error instanceof QueueDoesNotExist || (error as Error).name === 'QueueDoesNotExist')
          throw new RedriveError(`there is no queue named ${name} at ${this.where}`);
        throw error;
      }
    });
    if (!url) throw new RedriveError(`GetQueueUrl ${name}: answered no URL`);
    return { name, url };
  }

  async attributes(queue: Queue, names: QueueAttributeName[]): Promise<Readonly<Record<string, string>>> {
    const { Attributes } = await this.call(`GetQueueAttributes ${queue.name}`, (abortSignal) =>
      this.client.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: names }), {
        abortSignal,
      }),
    );
    return Attributes ?? {};
  }

  /** The names of the queues whose dead-letter queue this is. */
  async deadLetterSources(queue: Queue): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call(`ListDeadLetterSourceQueues ${queue.name}`, (abortSignal) =>
        this.client.send(
          new ListDeadLetterSourceQueuesCommand({ QueueUrl: queue.url, MaxResults: 1000, NextToken }),
          { abortSignal },
        ),
      );
      names.push(...(page.queueUrls ?? []).map(nameOf));
      NextToken = page.NextToken;
    } while (NextToken);
    return names;
  }

  /** Up to 10 messages, hidden for `visibilitySeconds` (0: seen, not taken; each receive count goes up by one). */
  async peek(queue: Queue, visibilitySeconds = 0): Promise<Message[]> {
    const { Messages } = await this.call(`ReceiveMessage ${queue.name}`, (abortSignal) =>
      this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: visibilitySeconds,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['SentTimestamp'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal },
      ),
    );
    return Messages ?? [];
  }

  async delete(queue: Queue, receiptHandle: string): Promise<void> {
    await this.call(`DeleteMessage ${queue.name}`, (abortSignal) =>
      this.client.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: receiptHandle }), {
        abortSignal,
      }),
    );
  }

  /** Shows a message taken by `peek` again at once. */
  async release(queue: Queue, receiptHandle: string): Promise<void> {
    await this.call(`ChangeMessageVisibility ${queue.name}`, (abortSignal) =>
      this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: 0,
        }),
        { abortSignal },
      ),
    );
  }

  async startMove(sourceArn: string): Promise<string> {
    const { TaskHandle } = await this.call(`StartMessageMoveTask ${nameOf(sourceArn)}`, (abortSignal) =>
      this.client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn }), { abortSignal }),
    );
    return TaskHandle ?? '';
  }

  async moveTasks(sourceArn: string): Promise<ListMessageMoveTasksResultEntry[]> {
    const { Results } = await this.call(`ListMessageMoveTasks ${nameOf(sourceArn)}`, (abortSignal) =>
      this.client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }), {
        abortSignal,
      }),
    );
    return Results ?? [];
  }
}

interface DeadLetterQueue extends Queue {
  readonly arn: string;
  /** The queues it serves, where a redrive sends its messages back. */
  readonly sources: readonly string[];
  /** A schedules' or invocations' dead-letter queue, which no queue feeds: its messages go back to their function. */
  readonly reinvoke?: {
    readonly kind: 'schedules' | 'invocations';
    readonly service: string;
    readonly environment?: string;
  };
}

/** `[tessera-<env>-]<service>-schedules-dlq` and `...-invocations-dlq`: fed by Scheduler and Lambda, not by a queue. */
const REINVOKED = /^(?:tessera-([a-z0-9]+)-)?([a-z][a-z0-9-]*?)-(schedules|invocations)-dlq$/;

/** The dead-letter queue `name` is, or the one it has; a RedriveError when neither. */
const deadLetterQueueOf = async (sqs: Sqs, name: string): Promise<DeadLetterQueue> => {
  const named = await sqs.queue(name);
  const served = await sqs.deadLetterSources(named);
  const { QueueArn = '', RedrivePolicy } = await sqs.attributes(named, ['QueueArn', 'RedrivePolicy']);
  if (served.length > 0) return { ...named, arn: QueueArn, sources: served };
  let target: unknown;
  try {
    target = RedrivePolicy
      ? (JSON.parse(RedrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn
      : undefined;
  } catch {
    target = undefined;
  }
  const reinvoked = REINVOKED.exec(name);
  if ((typeof target !== 'string' || target === '') && reinvoked) {
    const [, environment, service = '', kind] = reinvoked;
    return {
      ...named,
      arn: QueueArn,
      sources: [],
      reinvoke: {
        kind: kind === 'schedules' ? 'schedules' : 'invocations',
        service,
        ...(environment ? { environment } : {}),
      },
    };
  }
  if (typeof target !== 'string' || target === '')
    throw new RedriveError(
      `${name} at ${sqs.where} is no dead-letter queue (no queue's RedrivePolicy names it) and has none (no RedrivePolicy): nothing to redrive`,
    );
  const dlq = await sqs.queue(nameOf(target));
  const sources = await sqs.deadLetterSources(dlq);
  return { ...dlq, arn: target, sources: sources.length > 0 ? sources : [name] };
};

/** One line for a peeked message: its id, when it was sent, and what event it is, if one. */
const describeMessage = (message: Message): string => {
  const sent = Number(message.Attributes?.SentTimestamp);
  const parts = [
    message.MessageId ?? '?',
    Number.isFinite(sent) ? `sent ${new Date(sent).toISOString()}` : '',
  ];
  let event: { 'detail-type'?: unknown; detail?: { eventId?: unknown } } | undefined;
  try {
    event = JSON.parse(message.Body ?? '') as typeof event;
  } catch {
    event = undefined;
  }
  if (event && typeof event === 'object' && typeof event['detail-type'] === 'string') {
    parts.push(event['detail-type']);
    const eventId = event.detail?.eventId;
    parts.push(typeof eventId === 'string' ? `eventId ${eventId}` : '(no detail.eventId)');
  } else {
    parts.push(`not an EventBridge event (${Buffer.byteLength(message.Body ?? '')} bytes)`);
  }
  return `  ${parts.filter(Boolean).join('  ')}`;
};

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;

const dryRun = async (sqs: Sqs, dlq: DeadLetterQueue, visible: number, io: Io): Promise<number> => {
  const seen = new Map<string, Message>();
  const wanted = Math.min(10, visible);
  // A receive may answer fewer than there are (SQS samples its servers), or the same ones again.
  for (let attempt = 0; attempt < 5 && seen.size < wanted; attempt++) {
    for (const message of await sqs.peek(dlq)) {
      if (seen.size < wanted && message.MessageId && !seen.has(message.MessageId))
        seen.set(message.MessageId, message);
    }
  }
  if (seen.size > 0) {
    io.out(`${seen.size === visible ? 'They are' : `${seen.size} of them`}:`);
    for (const message of seen.values()) io.out(describeMessage(message));
  }
  io.out(
    `Dry run: nothing moved.${visible > 0 ? ` Without --dry-run they would go back to ${dlq.sources.join(', ')}.` : ''}`,
  );
  return 0;
};

/** Tells the new task apart from the ones listed before it started: by its handle, or as the newest one new. */
const sameTask = (
  a: ListMessageMoveTasksResultEntry | undefined,
  b: ListMessageMoveTasksResultEntry | undefined,
) =>
  a !== undefined &&
  b !== undefined &&
  a.StartedTimestamp === b.StartedTimestamp &&
  a.Status === b.Status &&
  a.ApproximateNumberOfMessagesMoved === b.ApproximateNumberOfMessagesMoved &&
  a.ApproximateNumberOfMessagesToMove === b.ApproximateNumberOfMessagesToMove;

const move = async (
  sqs: Sqs,
  dlq: DeadLetterQueue,
  options: Options,
  io: Io,
  pollIntervalMs: number,
): Promise<number> => {
  const before = (await sqs.moveTasks(dlq.arn))[0];
  const destination = dlq.sources.join(', ');
  const handle = await sqs.startMove(dlq.arn);
  io.out(`Started moving them back to ${destination}.`);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let task: ListMessageMoveTasksResultEntry | undefined;
  let reported: number | undefined;
  for (;;) {
    const tasks = await sqs.moveTasks(dlq.arn);
    const newest = tasks[0];
    task =
      tasks.find((t) => handle !== '' && t.TaskHandle === handle) ??
      (sameTask(newest, before) ? undefined : newest);
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    if (task && task.Status !== 'RUNNING') break;
    if (task && moved !== reported) {
      io.out(`  ... ${moved} of ${task.ApproximateNumberOfMessagesToMove ?? '?'} moved`);
      reported = moved;
    }
    if (Date.now() + pollIntervalMs > deadline) {
      io.err(
        `redrive: the move task is still ${task ? `running (${moved} moved so far)` : 'not listed'} after ${options.timeoutSeconds} s; it carries on in SQS. Follow it with ListMessageMoveTasks (aws sqs list-message-move-tasks --source-arn ${dlq.arn})${handle ? `, or cancel it with aws sqs cancel-message-move-task --task-handle ${handle}` : ''}.`,
      );
      return 1;
    }
    await new Promise((wake) => setTimeout(wake, pollIntervalMs));
  }
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const to = task.DestinationArn ? nameOf(task.DestinationArn) : destination;
  if (task.Status === 'COMPLETED') {
    io.out(`Moved ${plural(moved, 'message')} from ${dlq.name} to ${to}.`);
    return 0;
  }
  io.err(
    `redrive: the move task from ${dlq.name} to ${to} is ${task.Status}${task.FailureReason ? ` (${task.FailureReason})` : ''}, after moving ${plural(moved, 'message')}.`,
  );
  return 1;
};

/** Lambda, where the messages of a dead-letter queue no queue feeds go back to their function. */
interface LambdaTarget {
  readonly client: LambdaClient;
  readonly where: string;
  readonly local: boolean;
}

const lambdaTargetOf = (options: Options, io: Io, sqs: Target, callTimeoutMs: number): LambdaTarget => {
  const requestHandler = { connectionTimeout: Math.min(3000, callTimeoutMs), requestTimeout: callTimeoutMs };
  const local = (url: string, from: string): LambdaTarget => ({
    client: new LambdaClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
      requestHandler,
    }),
    where: `the Lambda endpoint at ${url}${from}`,
    local: true,
  });
  if (options.lambdaEndpoint) return local(options.lambdaEndpoint, '');
  if (!sqs.local)
    return { client: new LambdaClient({ maxAttempts: 3, requestHandler }), where: 'AWS', local: false };
  const fromEnv = io.env.TESSERA_LAMBDA_ENDPOINT;
  if (fromEnv) {
    if (!isHttpUrl(fromEnv)) throw new RedriveError(`TESSERA_LAMBDA_ENDPOINT is no http(s) URL: ${fromEnv}`);
    return local(fromEnv, ' (TESSERA_LAMBDA_ENDPOINT)');
  }
  const devstack = runningDevstack(io);
  if (devstack?.lambda) return local(devstack.lambda, ' (the running devstack)');
  throw new RedriveError(
    `SQS is ${sqs.where}, and no Lambda endpoint goes with it: give --lambda-endpoint (the devstack's is in <TESSERA_DATA_DIR>/endpoints.json, "lambda")`,
  );
};

/** Where a message of a dead-letter queue no queue feeds goes back to, and with what event. */
interface Redelivery {
  readonly functionName: string;
  readonly event: unknown;
}

/**
 * An invocation record's payload to its function; a schedule's input to its TARGET_ARN, or else to
 * the service's schedule target from its manifest.
 */
const redeliveryOf = (message: Message, dlq: DeadLetterQueue): Redelivery => {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    throw new RedriveError(`message ${message.MessageId} is not JSON: no function takes it`);
  }
  const record = body as { requestContext?: { functionArn?: unknown }; requestPayload?: unknown };
  if (typeof record?.requestContext?.functionArn === 'string' && 'requestPayload' in (record ?? {}))
    return { functionName: record.requestContext.functionArn, event: record.requestPayload };
  const targetArn = message.MessageAttributes?.TARGET_ARN?.StringValue;
  if (targetArn) return { functionName: targetArn, event: body };
  const service = dlq.reinvoke?.service ?? '';
  const manifest = loadManifests().find((m) => m.name === service);
  const target = manifest && Object.entries(manifest.functions).find(([, fn]) => fn.schedule)?.[0];
  if (dlq.reinvoke?.kind !== 'schedules' || !target)
    throw new RedriveError(
      `message ${message.MessageId} names no function (no TARGET_ARN, no invocation record), and ${service} has no schedule target`,
    );
  const environment = dlq.reinvoke.environment;
  return { functionName: environment ? `tessera-${environment}-${target}:live` : target, event: body };
};

/** The function's name as the output shows it: `bookings`, not its ARN. */
const shortName = (functionName: string) =>
  /:function:([^:]+)(:[^:]+)?$/.exec(functionName)?.slice(1).join('') ?? functionName;

/**
 * Hands each message of a dead-letter queue no queue feeds back to its function (Lambda Invoke),
 * deleting it once that succeeded; `--dry-run` lists where each would go.
 */
const reinvoke = async (
  sqs: Sqs,
  lambda: LambdaTarget,
  dlq: DeadLetterQueue,
  visible: number,
  options: Options,
  io: Io,
): Promise<number> => {
  if (options.dryRun) {
    const seen = new Map<string, Message>();
    for (let attempt = 0; attempt < 5 && seen.size < Math.min(10, visible); attempt++) {
      for (const message of await sqs.peek(dlq)) {
        if (message.MessageId && !seen.has(message.MessageId) && seen.size < 10)
          seen.set(message.MessageId, message);
      }
    }
    if (seen.size > 0) io.out(`${seen.size === visible ? 'They are' : `${seen.size} of them`}:`);
    for (const message of seen.values()) {
      let to: string;
      try {
        to = `-> ${shortName(redeliveryOf(message, dlq).functionName)}`;
      } catch (error) {
        to = `(${error instanceof RedriveError ? error.message : reasonOf(error)})`;
      }
      const sent = Number(message.Attributes?.SentTimestamp);
      io.out(
        `  ${[message.MessageId ?? '?', Number.isFinite(sent) ? `sent ${new Date(sent).toISOString()}` : '', to].filter(Boolean).join('  ')}`,
      );
    }
    io.out(
      `Dry run: nothing re-delivered.${visible > 0 ? ' Without --dry-run each goes back to its function.' : ''}`,
    );
    return 0;
  }
  if (visible === 0) {
    io.out('Nothing to re-deliver.');
    return 0;
  }
  const failed: Message[] = [];
  let delivered = 0;
  // Hidden while the run lasts, so a receive never hands one out twice; the failed ones are shown again at the end.
  const hideSeconds = Math.max(60, options.timeoutSeconds);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  try {
    while (delivered + failed.length < visible && Date.now() < deadline) {
      const batch = await sqs.peek(dlq, hideSeconds);
      if (batch.length === 0) break;
      for (const message of batch) {
        let redelivery: Redelivery;
        try {
          redelivery = redeliveryOf(message, dlq);
        } catch (error) {
          io.err(
            `  ${message.MessageId}: ${error instanceof RedriveError ? error.message : reasonOf(error)}; kept`,
          );
          failed.push(message);
          continue;
        }
        const name = shortName(redelivery.functionName);
        const answer = await sqs.call(
          `Invoke ${name}`,
          (abortSignal) =>
            lambda.client.send(
              new InvokeCommand({
                FunctionName: redelivery.functionName,
                InvocationType: 'RequestResponse',
                Payload: new TextEncoder().encode(JSON.stringify(redelivery.event)),
              }),
              { abortSignal },
            ),
          'Lambda endpoint',
        );
        if (answer.FunctionError) {
          const payload = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
          let reason = answer.FunctionError;
          try {
            const failure = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
            reason = `${failure.errorType ?? 'Error'}: ${failure.errorMessage ?? ''}`;
          } catch {
            // Not JSON: the FunctionError alone says it.
          }
          io.err(`  ${message.MessageId} -> ${name}: failed again (${reason}); kept`);
          failed.push(message);
          continue;
        }
        if (message.ReceiptHandle) await sqs.delete(dlq, message.ReceiptHandle);
        delivered++;
        io.out(`  ${message.MessageId} -> ${name}: done`);
      }
    }
  } finally {
    for (const message of failed) if (message.ReceiptHandle) await sqs.release(dlq, message.ReceiptHandle);
  }
  io.out(`Re-delivered ${plural(delivered, 'message')} from ${dlq.name} to their functions.`);
  if (failed.length === 0) return 0;
  io.err(`redrive: ${plural(failed.length, 'message')} could not be re-delivered and stay in ${dlq.name}.`);
  return 1;
};

/**
 * The whole run: answers the exit code (0 done, 1 failed, 2 usage) and never throws.
 *
 * @example
 * process.exit(await main(['payments-charges', '--dry-run']));
 */
const main = async (
  argv: readonly string[],
  io: Io = {
    env: process.env,
    cwd: process.cwd(),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  },
  settings: Settings = {},
): Promise<number> => {
  const parsed = parseArguments(argv);
  if (parsed.kind === 'help') {
    io.out(usage);
    return 0;
  }
  if (parsed.kind === 'usage') {
    io.err(`redrive: ${parsed.message}\n${usage}`);
    return 2;
  }
  const { options } = parsed;
  const callTimeoutMs = settings.callTimeoutMs ?? 10_000;
  let target: Target | undefined;
  let lambda: LambdaTarget | undefined;
  try {
    target = targetOf(options, io, callTimeoutMs);
    const sqs = new Sqs(target, callTimeoutMs);
    if (!target.local) sqs.where = `AWS, region ${await sqs.region()}`;
    io.out(`SQS: ${sqs.where}`);
    const dlq = await deadLetterQueueOf(sqs, options.queue);
    const depths = await sqs.attributes(dlq, [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
    ]);
    const visible = Number(depths.ApproximateNumberOfMessages ?? 0);
    const inFlight = Number(depths.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (dlq.reinvoke) {
      lambda = lambdaTargetOf(options, io, target, callTimeoutMs);
      io.out(`Lambda: ${lambda.local ? lambda.where : sqs.where}`);
      io.out(
        `${dlq.name} holds what ${dlq.reinvoke.kind === 'schedules' ? "a schedule's target could not be invoked with" : 'a function threw on every attempt'}, which no queue redrives: ${plural(visible, 'message')}${inFlight > 0 ? `, and ${inFlight} in flight (left alone)` : ''}. Each goes back to its function (Lambda Invoke).`,
      );
      return await reinvoke(sqs, lambda, dlq, visible, options, io);
    }
    io.out(
      `${dlq.name} is the dead-letter queue of ${dlq.sources.join(', ')}: ${plural(visible, 'message')}${inFlight > 0 ? `, and ${inFlight} in flight (not moved)` : ''}.`,
    );
    if (options.dryRun) return await dryRun(sqs, dlq, visible, io);
    if (visible === 0) {
      io.out('Nothing to move.');
      return 0;
    }
    return await move(sqs, dlq, options, io, settings.pollIntervalMs ?? 1000);
  } catch (error) {
    io.err(`redrive: ${error instanceof RedriveError ? error.message : reasonOf(error)}`);
    return 1;
  } finally {
    target?.client.destroy();
    lambda?.client.destroy();
  }
};

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) process.exit(await main(process.argv.slice(2)));

export { main, parseArguments };
