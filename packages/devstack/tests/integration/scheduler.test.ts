/**
 * The devstack's scheduler end to end, driven by the real `@aws-sdk/client-scheduler`: a made-up
 * service (a manifest with a `schedule: true` function and the `scheduler` sources, and a small
 * bundle built here) gets its group, role, target, dead-letter queue and the scheduler's endpoint;
 * Create, Get, Update and Delete answer as Scheduler does, `ConflictException` and
 * `ResourceNotFoundException` by name; a schedule fires when the devstack clock reaches it, with its
 * input as the event, and is gone after (`GET /_devstack/schedules`); a function that throws is
 * retried, then its invocation record lands in the service's invocations dead-letter queue; a target
 * Lambda refuses lands in the schedules' dead-letter queue, with Scheduler's attributes; across a
 * restart a pending schedule fires once, and one that came due while stopped fires on the start.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { MovableClock } from '../../src/clock.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { type Devstack, startDevstack } from '../../src/index.ts';
import type { PendingSchedule } from '../../src/scheduler.ts';
import { fakeManifest } from '../support/manifests.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-scheduler-'));
const distDir = join(root, 'dist');
const dataDir = join(root, 'data');
const recordFile = join(root, 'fired.jsonl');
const clock = new MovableClock({ ticking: true });

const manifest = fakeManifest(
  {
    name: 'reminders',
    description: 'Made up: reminds by schedule.',
    functions: {
      reminders: {
        description: 'The target of the schedules.',
        export: 'handler',
        memorySize: 256,
        timeout: 5,
        schedule: true,
        environment: {
          RECORD_FILE: { value: recordFile },
          SCHEDULE_GROUP: { scheduler: 'group' },
          SCHEDULER_ROLE_ARN: { scheduler: 'roleArn' },
          SCHEDULE_TARGET_ARN: { scheduler: 'targetArn' },
          SCHEDULE_DEAD_LETTER_ARN: { scheduler: 'deadLetterArn' },
        },
      },
    },
  },
  root,
);

/** Records every event; `env` answers its environment; `fail` throws. */
const HANDLER = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  if (event.kind === 'env') return process.env;
  appendFileSync(process.env.RECORD_FILE, JSON.stringify(event) + '\\n');
  if (event.outcome === 'fail') throw new Error('reminder failed');
  return { ok: true };
};
`;

let devstack: Devstack;
let scheduler: SchedulerClient;
let environment: Record<string, string>;

const start = async () => {
  devstack = await startDevstack({
    manifests: [manifest],
    distDir,
    dataDir,
    build: false,
    httpPort: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: 'it-scheduler-',
    clock,
    logLevel: 'WARN',
  });
  scheduler?.destroy();
  scheduler = new SchedulerClient({
    endpoint: devstack.schedulerEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
};

beforeAll(async () => {
  const source = join(root, 'handler.mjs');
  writeFileSync(source, HANDLER);
  await build({
    entryPoints: { index: source },
    outdir: join(distDir, 'reminders'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  await start();
  environment = (await devstack.invoke('reminders', { kind: 'env' })) as Record<string, string>;
});

afterAll(async () => {
  scheduler?.destroy();
  await devstack?.stop();
  rmSync(root, { recursive: true, force: true });
});

const fired = (): Record<string, unknown>[] => {
  try {
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch {
    return [];
  }
};

const firedFor = (id: string) => fired().filter((event) => event.id === id);

const firedUntil = async (id: string, count: number) =>
  pollUntil(
    () => firedFor(id),
    (events) => events.length >= count,
    { timeoutMs: 10_000, intervalMs: 25 },
  );

const pending = async (): Promise<PendingSchedule[]> =>
  ((await (await fetch(`${devstack.httpUrl}/_devstack/schedules`)).json()) as { items: PendingSchedule[] })
    .items;

/** `at(...)` for `seconds` from the devstack clock's now, in UTC, to the second. */
const atIn = (seconds: number) =>
  `at(${new Date(Math.ceil(clock.now() / 1000) * 1000 + seconds * 1000).toISOString().slice(0, 19)})`;

const schedule = (
  name: string,
  seconds: number,
  input: Record<string, unknown>,
  target = environment.SCHEDULE_TARGET_ARN,
) =>
  ({
    Name: name,
    GroupName: environment.SCHEDULE_GROUP,
    ScheduleExpression: atIn(seconds),
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: target,
      RoleArn: environment.SCHEDULER_ROLE_ARN,
      Input: JSON.stringify(input),
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: environment.SCHEDULE_DEAD_LETTER_ARN },
    },
  }) satisfies CreateScheduleCommandInput;

const queueDepth = (name: string) => devstack.queues.require(name).depths().visible;

describe('Devstack: the scheduler', () => {
  it("gives the schedule target its group, the scheduler's role, its own ARN, its dead-letter queue and the scheduler's endpoint", () => {
    expect(environment).toMatchObject({
      SCHEDULE_GROUP: 'tessera-devstack-reminders',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/tessera-devstack-reminders-scheduler',
      SCHEDULE_TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:reminders',
      SCHEDULE_DEAD_LETTER_ARN: 'arn:aws:sqs:us-east-1:000000000000:reminders-schedules-dlq',
      SCHEDULER_ENDPOINT: devstack.schedulerEndpoint,
    });
    expect(devstack.queues.get('reminders-schedules-dlq')).toBeDefined();
    expect(devstack.queues.get('reminders-invocations-dlq')).toBeDefined();
  });

  it('creates, gets, updates and deletes a schedule with the real SDK client, and answers its errors by name', async () => {
    // Prepare
    const input = schedule('crud', 3600, { id: 'crud' });

    // Act
    const created = await scheduler.send(new CreateScheduleCommand(input));
    const conflict = await scheduler.send(new CreateScheduleCommand(input)).catch((e: unknown) => e);
    const got = await scheduler.send(new GetScheduleCommand({ Name: 'crud', GroupName: input.GroupName }));
    const updated = await scheduler.send(
      new UpdateScheduleCommand({ ...input, ScheduleExpression: atIn(7200) }),
    );
    const after = await scheduler.send(new GetScheduleCommand({ Name: 'crud', GroupName: input.GroupName }));
    await scheduler.send(new DeleteScheduleCommand({ Name: 'crud', GroupName: input.GroupName }));
    const gone = await scheduler
      .send(new GetScheduleCommand({ Name: 'crud', GroupName: input.GroupName }))
      .catch((e: unknown) => e);
    const deletedTwice = await scheduler
      .send(new DeleteScheduleCommand({ Name: 'crud', GroupName: input.GroupName }))
      .catch((e: unknown) => e);
    const updateOfNone = await scheduler.send(new UpdateScheduleCommand(input)).catch((e: unknown) => e);
    const invalid = await scheduler
      .send(new CreateScheduleCommand({ ...input, Name: 'bad', ScheduleExpression: 'at(tomorrow)' }))
      .catch((e: unknown) => e);

    // Assess
    const arn = 'arn:aws:scheduler:us-east-1:000000000000:schedule/tessera-devstack-reminders/crud';
    expect(created.ScheduleArn).toBe(arn);
    expect(updated.ScheduleArn).toBe(arn);
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict).toMatchObject({ name: 'ConflictException', message: 'Schedule crud already exists.' });
    expect(got).toMatchObject({
      Arn: arn,
      Name: 'crud',
      GroupName: 'tessera-devstack-reminders',
      ScheduleExpression: input.ScheduleExpression,
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: input.Target,
    });
    expect(got.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs((got.CreationDate?.getTime() ?? 0) - clock.now())).toBeLessThan(5000);
    expect(after.ScheduleExpression).toMatch(/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/);
    expect(after.ScheduleExpression).not.toBe(input.ScheduleExpression);
    for (const error of [gone, deletedTwice, updateOfNone]) {
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    }
    expect(invalid).toBeInstanceOf(ValidationException);
    expect((invalid as Error).message).toContain('Invalid Schedule Expression at(tomorrow)');
  });

  it('fires a schedule when the devstack clock reaches it, with its input as the event, and deletes it after', async () => {
    // Prepare
    await scheduler.send(new CreateScheduleCommand(schedule('soon', 600, { id: 'soon', kind: 'reminder' })));
    const listed = (await pending()).find((s) => s.name === 'soon');

    // Act
    await clock.advance(300_000);
    const halfway = firedFor('soon');
    await clock.advance(301_000);
    const events = await firedUntil('soon', 1);

    // Assess
    expect(listed).toMatchObject({
      group: 'tessera-devstack-reminders',
      targetFunction: 'reminders',
      input: { id: 'soon', kind: 'reminder' },
      attempts: 0,
    });
    expect(halfway).toEqual([]);
    expect(events).toEqual([{ id: 'soon', kind: 'reminder' }]);
    expect((await pending()).find((s) => s.name === 'soon')).toBeUndefined();
  });

  it("retries a target that throws as Lambda does, then puts its invocation record in the service's invocations dead-letter queue", async () => {
    await scheduler.send(
      new CreateScheduleCommand(schedule('throws', 60, { id: 'throws', outcome: 'fail' })),
    );

    await clock.advance(61_000);
    await firedUntil('throws', 1);
    await clock.advance(1000);
    await firedUntil('throws', 2);
    await clock.advance(2000);
    await firedUntil('throws', 3);
    const depth = await pollUntil(
      () => queueDepth('reminders-invocations-dlq'),
      (n) => n === 1,
    );

    expect(firedFor('throws')).toHaveLength(3);
    expect(depth).toBe(1);
    const [record] = await devstack.queues
      .require('reminders-invocations-dlq')
      .receive({ maxMessages: 1, visibilityTimeoutSeconds: 0 });
    expect(JSON.parse(record?.body ?? '')).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { id: 'throws', outcome: 'fail' },
    });
    await devstack.queues.require('reminders-invocations-dlq').purge();
  });

  it("sends a schedule whose target Lambda refuses to the schedules' dead-letter queue after its retries, with why", async () => {
    const missing = 'arn:aws:lambda:us-east-1:000000000000:function:nobody';
    await scheduler.send(new CreateScheduleCommand(schedule('refused', 60, { id: 'refused' }, missing)));

    await clock.advance(61_000);
    await clock.advance(1000);
    await clock.advance(2000);
    const depth = await pollUntil(
      () => queueDepth('reminders-schedules-dlq'),
      (n) => n === 1,
    );

    expect(depth).toBe(1);
    const [letter] = await devstack.queues
      .require('reminders-schedules-dlq')
      .receive({ maxMessages: 1, visibilityTimeoutSeconds: 0 });
    expect(JSON.parse(letter?.body ?? '')).toEqual({ id: 'refused' });
    expect(letter?.messageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'ResourceNotFoundException' },
      TARGET_ARN: { StringValue: missing },
      SCHEDULE_ARN: {
        StringValue: 'arn:aws:scheduler:us-east-1:000000000000:schedule/tessera-devstack-reminders/refused',
      },
    });
    expect(await pending()).toEqual([]);
    await devstack.queues.require('reminders-schedules-dlq').purge();
  });

  it('keeps a pending schedule across a restart, which then fires once', {
    timeout: 60_000,
  }, async () => {
    await scheduler.send(new CreateScheduleCommand(schedule('kept', 600, { id: 'kept' })));

    await devstack.stop();
    await start();
    const listed = (await pending()).map((s) => s.name);
    await clock.advance(601_000);
    await firedUntil('kept', 1);
    await devstack.stop();
    await start();
    await clock.advance(600_000);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(listed).toEqual(['kept']);
    expect(firedFor('kept')).toHaveLength(1);
  });

  it('fires a schedule that came due while the devstack was stopped on the next start', {
    timeout: 60_000,
  }, async () => {
    await scheduler.send(new CreateScheduleCommand(schedule('missed', 600, { id: 'missed' })));
    await devstack.stop();

    await clock.advance(3600_000);
    expect(firedFor('missed')).toEqual([]);
    await start();
    const events = await firedUntil('missed', 1);

    expect(events).toEqual([{ id: 'missed' }]);
    expect(await pending()).toEqual([]);
  });
});
