/**
 * `npm run redrive` (scripts/redrive.ts) against the devstack's own queues and SQS endpoint, built
 * here in process (no DynamoDB), with messages dead-lettered the way the queues do it: `--dry-run`
 * lists them and moves nothing; a redrive, named by the dead-letter queue or by its source, moves them
 * all back and says how many; a queue with nothing to redrive, an unknown queue, an endpoint that is
 * not there or never answers fail at once with a clear message. A scripted endpoint in front of the
 * devstack's plays a move task as AWS runs it (RUNNING for a while, then done or failed), and the
 * command line is run once as `npm run redrive` runs it, for its exit codes and its search for a
 * running devstack (`<data>/endpoints.json`). A dead-letter queue no queue feeds (a schedules' one, an
 * invocations' one) goes back to its functions through the devstack's Lambda endpoint: each message
 * to the function it names, deleted once that succeeded, kept when the function fails again.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../packages/devstack/src/clock.ts';
import { LambdaEndpoint } from '../../packages/devstack/src/lambda-endpoint.ts';
import { freePort } from '../../packages/devstack/src/ports.ts';
import { LocalQueues } from '../../packages/devstack/src/queues.ts';
import { SqsEndpoint } from '../../packages/devstack/src/sqs-endpoint.ts';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import { main, parseArguments } from '../../scripts/redrive.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-redrive-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let clock: MovableClock;
let queues: LocalQueues;
let endpoint: SqsEndpoint;

beforeEach(async () => {
  clock = new MovableClock();
  queues = new LocalQueues({
    specs: [
      {
        name: 'payments-charges',
        visibilityTimeoutSeconds: 30,
        deadLetter: { name: 'payments-charges-dlq', maxReceiveCount: 1 },
      },
      { name: 'plain' },
      { name: 'bookings-schedules-dlq' },
      { name: 'bookings-invocations-dlq' },
    ],
    clock,
  });
  await queues.start();
  endpoint = new SqsEndpoint({ queues });
  await endpoint.start();
});

afterEach(async () => {
  await endpoint.stop();
  await queues.stop();
});

const bookingCreated = (eventId: string) =>
  JSON.stringify({
    version: '0',
    id: `bus-${eventId}`,
    'detail-type': 'booking.created',
    source: 'tessera.bookings',
    detail: { eventId, bookingId: `b-${eventId}` },
  });

/** Sends the bodies to payments-charges and has each fail its one receive: into the dead-letter queue. */
const deadLetter = async (...bodies: string[]) => {
  const source = queues.require('payments-charges');
  const ids = bodies.map((body) => source.send(body).messageId);
  await source.receive({ maxMessages: 100 });
  await clock.advance(30_000);
  expect(await source.receive({ maxMessages: 100 })).toEqual([]);
  return ids;
};

const depth = (name: string) => queues.require(name).depths().visible;

/** Runs the tool in this process; answers its exit code and what it printed. */
const run = async (
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
  settings: { callTimeoutMs?: number; pollIntervalMs?: number } = {},
) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { env, cwd: root, out: (line) => out.push(line), err: (line) => err.push(line) },
    { pollIntervalMs: 20, ...settings },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('Script: redrive, against the devstack', () => {
  it('--dry-run prints how many messages the dead-letter queue holds, and who they are, and moves nothing', async () => {
    // Prepare
    const ids = await deadLetter(bookingCreated('e-1'), bookingCreated('e-2'), 'plain text');

    // Act
    const result = await run(['payments-charges-dlq', '--dry-run', '--endpoint', endpoint.url]);

    // Assess
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines[0]).toBe(`SQS: the SQS endpoint at ${endpoint.url}`);
    expect(lines[1]).toBe('payments-charges-dlq is the dead-letter queue of payments-charges: 3 messages.');
    expect(lines).toContain(
      `  ${ids[0]}  sent ${new Date(clock.now() - 30_000).toISOString()}  booking.created  eventId e-1`,
    );
    expect(lines.find((line) => line.includes(ids[1] ?? '?'))).toContain('booking.created  eventId e-2');
    expect(lines.find((line) => line.includes(ids[2] ?? '?'))).toContain(
      'not an EventBridge event (10 bytes)',
    );
    expect(lines.at(-1)).toBe(
      'Dry run: nothing moved. Without --dry-run they would go back to payments-charges.',
    );
    expect([depth('payments-charges-dlq'), depth('payments-charges')]).toEqual([3, 0]);
  });

  it('--dry-run shows at most 10 of them', async () => {
    await deadLetter(...Array.from({ length: 12 }, (_, i) => bookingCreated(`e-${i}`)));

    const result = await run(['payments-charges', '--dry-run', '--endpoint', endpoint.url]);

    expect(result.code).toBe(0);
    expect(result.out).toContain('12 messages.');
    expect(result.out).toContain('10 of them:');
    expect(result.out.split('\n').filter((line) => line.includes('booking.created'))).toHaveLength(10);
    expect(depth('payments-charges-dlq')).toBe(12);
  });

  it('moves every message of the dead-letter queue back to its source, and says how many', async () => {
    // Prepare
    const ids = await deadLetter(bookingCreated('e-1'), bookingCreated('e-2'));

    // Act
    const result = await run(['payments-charges-dlq'], { TESSERA_SQS_ENDPOINT: endpoint.url });

    // Assess
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual([
      `SQS: the SQS endpoint at ${endpoint.url} (TESSERA_SQS_ENDPOINT)`,
      'payments-charges-dlq is the dead-letter queue of payments-charges: 2 messages.',
      'Started moving them back to payments-charges.',
      'Moved 2 messages from payments-charges-dlq to payments-charges.',
    ]);
    expect(depth('payments-charges-dlq')).toBe(0);
    const back = await queues.require('payments-charges').receive({ maxMessages: 10 });
    expect(back.map((m) => [m.messageId, m.attributes.ApproximateReceiveCount])).toEqual([
      [ids[0], '1'],
      [ids[1], '1'],
    ]);
  });

  it('finds the dead-letter queue from the source queue it is named by', async () => {
    await deadLetter(bookingCreated('e-1'));

    const result = await run(['payments-charges', '--endpoint', endpoint.url]);

    expect(result.code).toBe(0);
    expect(result.out).toContain('Moved 1 message from payments-charges-dlq to payments-charges.');
    expect([depth('payments-charges-dlq'), depth('payments-charges')]).toEqual([0, 1]);
  });

  it('says there is nothing to move when the dead-letter queue is empty', async () => {
    const result = await run(['payments-charges', '--endpoint', endpoint.url]);

    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'payments-charges-dlq is the dead-letter queue of payments-charges: 0 messages.',
    );
    expect(result.out).toContain('Nothing to move.');
  });

  it('fails with a clear message for a queue with nothing to redrive, and for one that does not exist', async () => {
    const plain = await run(['plain', '--endpoint', endpoint.url]);
    const unknown = await run(['nobody', '--dry-run', '--endpoint', endpoint.url]);

    expect(plain.code).toBe(1);
    expect(plain.err).toBe(
      `redrive: plain at the SQS endpoint at ${endpoint.url} is no dead-letter queue (no queue's RedrivePolicy names it) and has none (no RedrivePolicy): nothing to redrive`,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(
      `redrive: there is no queue named nobody at the SQS endpoint at ${endpoint.url}`,
    );
  });

  it('fails at once when nothing listens at the endpoint', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();

    const result = await run(['payments-charges', '--endpoint', nowhere]);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^redrive: GetQueueUrl payments-charges: no answer \(ECONNREFUSED\)\. Is the devstack running \(npm start\), and is this its SQS endpoint\?$/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up on an endpoint that takes the connection and never answers, once the call times out', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const result = await run(
        ['payments-charges', '--endpoint', `http://127.0.0.1:${port}`],
        {},
        { callTimeoutMs: 300 },
      );

      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^redrive: GetQueueUrl payments-charges: no answer (within 0\.3 s|in time)/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('finds a running devstack in <data>/endpoints.json', async () => {
    await deadLetter(bookingCreated('e-1'));
    const dataDir = join(root, 'data-running');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'endpoints.json'), JSON.stringify({ pid: process.pid, sqs: endpoint.url }));

    const result = await run(['payments-charges-dlq', '--dry-run'], { TESSERA_DATA_DIR: 'data-running' });

    expect(result.code).toBe(0);
    expect(result.out.split('\n')[0]).toBe(
      `SQS: the SQS endpoint at ${endpoint.url} (the running devstack, from ${join('data-running', 'endpoints.json')})`,
    );
    expect(result.out).toContain('1 message.');
  });
});

/**
 * An SQS endpoint in front of the devstack's that plays ListMessageMoveTasks as AWS answers it while
 * a task runs: `script` answers each call in turn (given the task handle StartMessageMoveTask
 * answered), `undefined` passing the call on; every other call is passed on.
 */
const scripted = async (
  script: (call: number, taskHandle: string) => Record<string, unknown> | undefined,
): Promise<{ url: string; server: Server }> => {
  let calls = 0;
  let taskHandle = '';
  const target = new URL(endpoint.url);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const operation = String(req.headers['x-amz-target'] ?? '');
    const answer =
      operation === 'AmazonSQS.ListMessageMoveTasks' && taskHandle ? script(++calls, taskHandle) : undefined;
    if (answer) {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer));
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (reply) => {
        const body: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => body.push(chunk));
        reply.on('end', () => {
          const text = Buffer.concat(body).toString('utf8');
          if (operation === 'AmazonSQS.StartMessageMoveTask' && reply.statusCode === 200)
            taskHandle = (JSON.parse(text) as { TaskHandle: string }).TaskHandle;
          res.writeHead(reply.statusCode ?? 500, reply.headers);
          res.end(text);
        });
      },
    );
    upstream.end(Buffer.concat(chunks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, server };
};

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:payments-charges-dlq';
const running = (taskHandle: string, moved: number) => ({
  Results: [
    {
      TaskHandle: taskHandle,
      Status: 'RUNNING',
      SourceArn: DLQ_ARN,
      ApproximateNumberOfMessagesMoved: moved,
      ApproximateNumberOfMessagesToMove: 3,
      StartedTimestamp: clock.now(),
    },
  ],
});

describe('Script: redrive, following a move task as AWS runs it', () => {
  it('reports progress while the task runs, and the count once it completes', async () => {
    await deadLetter(bookingCreated('e-1'), bookingCreated('e-2'), bookingCreated('e-3'));
    const sqs = await scripted((call, handle) => (call <= 3 ? running(handle, call - 1) : undefined));

    const result = await run(['payments-charges-dlq', '--endpoint', sqs.url]);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out.split('\n').slice(2)).toEqual([
      'Started moving them back to payments-charges.',
      '  ... 0 of 3 moved',
      '  ... 1 of 3 moved',
      '  ... 2 of 3 moved',
      'Moved 3 messages from payments-charges-dlq to payments-charges.',
    ]);
  });

  it('fails when the task fails, with the reason SQS gives', async () => {
    await deadLetter(bookingCreated('e-1'), bookingCreated('e-2'), bookingCreated('e-3'));
    const sqs = await scripted(() => ({
      Results: [
        {
          Status: 'FAILED',
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 1,
          ApproximateNumberOfMessagesToMove: 3,
          FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
          StartedTimestamp: clock.now() + 1,
        },
      ],
    }));

    const result = await run(['payments-charges-dlq', '--endpoint', sqs.url]);

    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'redrive: the move task from payments-charges-dlq to payments-charges is FAILED (AWS.SimpleQueueService.NonExistentQueue), after moving 1 message.',
    );
  });

  it('stops following a task still running at --timeout, saying it carries on and how to follow it', async () => {
    await deadLetter(bookingCreated('e-1'));
    const sqs = await scripted((_, handle) => running(handle, 0));
    const started = Date.now();

    const result = await run(
      ['payments-charges-dlq', '--endpoint', sqs.url, '--timeout', '1'],
      {},
      { pollIntervalMs: 100 },
    );

    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'the move task is still running (0 moved so far) after 1 s; it carries on in SQS.',
    );
    expect(result.err).toContain(`aws sqs list-message-move-tasks --source-arn ${DLQ_ARN}`);
    expect(result.err).toContain('aws sqs cancel-message-move-task --task-handle ');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('Script: redrive, its command line', () => {
  it('reads the queue and its options, and refuses what it does not understand', () => {
    expect(
      parseArguments(['payments-charges-dlq', '--dry-run', '--endpoint', 'http://127.0.0.1:9324']),
    ).toEqual({
      kind: 'run',
      options: {
        queue: 'payments-charges-dlq',
        dryRun: true,
        endpoint: 'http://127.0.0.1:9324',
        aws: false,
        timeoutSeconds: 600,
      },
    });
    expect(parseArguments(['q', '--aws', '--timeout', '30'])).toMatchObject({
      options: { aws: true, timeoutSeconds: 30 },
    });
    expect(parseArguments(['--help'])).toEqual({ kind: 'help' });
    for (const [argv, message] of [
      [[], 'name the queue'],
      [['a', 'b'], 'one queue at a time'],
      [['q', '--force'], 'unknown option --force'],
      [['q', '--endpoint'], '--endpoint takes an http(s) URL'],
      [['q', '--endpoint', 'localhost:9324'], '--endpoint takes an http(s) URL'],
      [['q', '--timeout', '0'], '--timeout takes a whole number'],
      [['q', '--aws', '--endpoint', 'http://x'], 'either --endpoint or --aws'],
      [['arn:aws:sqs:us-east-1:1:q'], 'is no queue name'],
    ] as const) {
      expect(parseArguments(argv)).toEqual({ kind: 'usage', message: expect.stringContaining(message) });
    }
  });

  /** `npm run redrive -- ...` as npm runs it: tsx on the script, in the repository. */
  const cli = (argv: readonly string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'redrive.ts'), ...argv], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: root, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.once('exit', (code) => resolve({ code, out, err }));
    });

  it('exits 0 when done, 2 on a usage error, 1 when the endpoint is not there', {
    timeout: 30_000,
  }, async () => {
    await deadLetter(bookingCreated('e-1'));
    const nowhere = `http://127.0.0.1:${await freePort()}`;

    const [dryRun, usage, unreachable] = await Promise.all([
      cli(['payments-charges-dlq', '--dry-run', '--endpoint', endpoint.url], {}),
      cli([], {}),
      cli(['payments-charges-dlq'], { TESSERA_SQS_ENDPOINT: nowhere }),
    ]);

    expect(dryRun).toMatchObject({ code: 0, err: '' });
    expect(dryRun.out).toContain('Dry run: nothing moved.');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('redrive: name the queue\nUsage: npm run redrive -- <queue>');
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain('no answer (ECONNREFUSED)');
    expect(depth('payments-charges-dlq')).toBe(1);
  });

  it('passes over an endpoints.json a killed devstack left, and goes to AWS', {
    timeout: 30_000,
  }, async () => {
    // A pid of no process: a child that has already exited.
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    const dataDir = join(root, 'data-stale');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'endpoints.json'), JSON.stringify({ pid: gone.pid, sqs: endpoint.url }));

    // No region anywhere: AWS is refused before any call goes out.
    const result = await cli(['payments-charges-dlq'], {
      TESSERA_DATA_DIR: dataDir,
      AWS_CONFIG_FILE: join(root, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(root, 'no-credentials'),
    });

    expect(result.code).toBe(1);
    expect(result.err).toContain('redrive: no AWS region: set AWS_REGION');
    expect(result.err).toContain(`no running devstack was found at ${join(dataDir, 'endpoints.json')}`);
    expect(result.out).toBe('');
  });
});

describe('Script: redrive, a dead-letter queue no queue feeds', () => {
  let lambda: LambdaEndpoint;
  let invoked: { functionName: string; event: unknown }[];

  beforeEach(async () => {
    invoked = [];
    lambda = new LambdaEndpoint({
      hasFunction: (name) => name === 'bookings',
      invoke: async (functionName, event) => {
        invoked.push({ functionName, event });
        if ((event as { outcome?: string }).outcome === 'fail') throw new Error('still failing');
        return null;
      },
    });
    await lambda.start();
  });

  afterEach(async () => {
    await lambda.stop();
  });

  const TARGET_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:bookings';
  const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
  /** A dead-letter event as the devstack's scheduler sends it. */
  const scheduleLetter = (input: Record<string, unknown>, withTarget = true) =>
    queues.require('bookings-schedules-dlq').send(JSON.stringify(input), {
      messageAttributes: {
        ERROR_CODE: attribute('ResourceNotFoundException'),
        SCHEDULE_ARN: attribute(
          'arn:aws:scheduler:us-east-1:000000000000:schedule/tessera-devstack-bookings/r-1',
        ),
        ...(withTarget ? { TARGET_ARN: attribute(TARGET_ARN) } : {}),
      },
    }).messageId;

  it('--dry-run lists each message with the function it would go back to, and re-delivers nothing', async () => {
    const id = scheduleLetter({ kind: 'reminder', bookingId: 'b-1' });

    const result = await run([
      'bookings-schedules-dlq',
      '--dry-run',
      '--endpoint',
      endpoint.url,
      '--lambda-endpoint',
      lambda.url,
    ]);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual([
      `SQS: the SQS endpoint at ${endpoint.url}`,
      `Lambda: the Lambda endpoint at ${lambda.url}`,
      "bookings-schedules-dlq holds what a schedule's target could not be invoked with, which no queue redrives: 1 message. Each goes back to its function (Lambda Invoke).",
      'They are:',
      `  ${id}  sent ${new Date(clock.now()).toISOString()}  -> bookings`,
      'Dry run: nothing re-delivered. Without --dry-run each goes back to its function.',
    ]);
    expect(invoked).toEqual([]);
    expect(depth('bookings-schedules-dlq')).toBe(1);
  });

  it("re-invokes a schedule's target with its input, named by TARGET_ARN or by the service's manifest, and deletes each once done", async () => {
    // Prepare
    scheduleLetter({ kind: 'reminder', bookingId: 'b-1' });
    scheduleLetter({ kind: 'hold', bookingId: 'b-2' }, false);

    // Act
    const result = await run(['bookings-schedules-dlq', '--endpoint', endpoint.url], {
      TESSERA_LAMBDA_ENDPOINT: lambda.url,
    });

    // Assess
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Lambda: the Lambda endpoint at ${lambda.url} (TESSERA_LAMBDA_ENDPOINT)`);
    expect(result.out).toContain('Re-delivered 2 messages from bookings-schedules-dlq to their functions.');
    expect(invoked).toEqual(
      expect.arrayContaining([
        { functionName: 'bookings', event: { kind: 'reminder', bookingId: 'b-1' } },
        { functionName: 'bookings', event: { kind: 'hold', bookingId: 'b-2' } },
      ]),
    );
    expect(invoked).toHaveLength(2);
    expect(queues.require('bookings-schedules-dlq').depths()).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
    });
  });

  it("re-invokes an invocation record's function with its payload, and keeps, visible, what fails again (exit 1)", async () => {
    // Prepare
    const record = (payload: Record<string, unknown>) =>
      JSON.stringify({
        version: '1.0',
        requestContext: {
          functionArn: `${TARGET_ARN}:live`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: payload,
      });
    queues.require('bookings-invocations-dlq').send(record({ kind: 'reminder', bookingId: 'b-1' }));
    const failing = queues.require('bookings-invocations-dlq').send(record({ outcome: 'fail' })).messageId;

    // Act
    const result = await run([
      'bookings-invocations-dlq',
      '--endpoint',
      endpoint.url,
      '--lambda-endpoint',
      lambda.url,
    ]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.out).toContain('Re-delivered 1 message from bookings-invocations-dlq to their functions.');
    expect(result.err).toContain(`${failing} -> bookings:live: failed again (Error: still failing); kept`);
    expect(result.err).toContain(
      'redrive: 1 message could not be re-delivered and stay in bookings-invocations-dlq.',
    );
    expect(invoked.map((i) => i.event)).toEqual(
      expect.arrayContaining([{ kind: 'reminder', bookingId: 'b-1' }, { outcome: 'fail' }]),
    );
    expect(queues.require('bookings-invocations-dlq').depths()).toMatchObject({ visible: 1, inFlight: 0 });
  });

  it('finds the Lambda endpoint of a running devstack beside its SQS endpoint, and fails clearly without one', async () => {
    scheduleLetter({ kind: 'reminder', bookingId: 'b-1' });
    const dataDir = join(root, 'data-lambda');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, 'endpoints.json'),
      JSON.stringify({ pid: process.pid, sqs: endpoint.url, lambda: lambda.url }),
    );

    const found = await run(['bookings-schedules-dlq'], { TESSERA_DATA_DIR: 'data-lambda' });
    scheduleLetter({ kind: 'reminder', bookingId: 'b-3' });
    const none = await run(['bookings-schedules-dlq', '--endpoint', endpoint.url]);

    expect(found.code).toBe(0);
    expect(found.out).toContain(`Lambda: the Lambda endpoint at ${lambda.url} (the running devstack)`);
    expect(invoked).toHaveLength(1);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no Lambda endpoint goes with it: give --lambda-endpoint');
    expect(depth('bookings-schedules-dlq')).toBe(1);
  });
});
