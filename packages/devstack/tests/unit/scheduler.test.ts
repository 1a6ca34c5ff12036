/**
 * The devstack's scheduler on a standing clock, with a fake function host and in-memory queues:
 * what CreateSchedule, UpdateSchedule, GetSchedule and DeleteSchedule answer and refuse; a schedule
 * firing at its time (in its timezone) with its input as the event, deleted after; an invocation
 * Lambda refuses retried within the retry policy, then dead-lettered with Scheduler's attributes; a
 * function that throws retried as Lambda retries an asynchronous invocation, then its record in the
 * on-failure destination; and what a restart keeps: a pending schedule fires once, one that came
 * due while stopped fires at the start, an invocation cut off by a stop is made again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../src/clock.ts';
import { LocalQueues } from '../../src/queues.ts';
import { dueOf, LocalScheduler, SchedulerError } from '../../src/scheduler.ts';

const GROUP = 'tessera-devstack-bookings';
const TARGET = 'arn:aws:lambda:us-east-1:000000000000:function:bookings';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:bookings-schedules-dlq';
const START = Date.parse('2027-01-15T09:00:00Z');

let directory: string;
let clock: MovableClock;
let queues: LocalQueues;
let calls: { functionName: string; event: unknown }[];
/** What the fake function does with an event: resolves, or throws. */
let behaviour: (event: unknown) => Promise<unknown>;
let functions: string[];
const running: LocalScheduler[] = [];

const makeScheduler = () => {
  const scheduler = new LocalScheduler({
    directory,
    clock,
    groups: [GROUP],
    invoke: async (functionName, event) => {
      calls.push({ functionName, event });
      return behaviour(event);
    },
    hasFunction: (name) => functions.includes(name),
    queue: (name) => queues.get(name),
    onFailureQueueOf: (name) => (name === 'bookings' ? 'bookings-invocations-dlq' : undefined),
    stopGraceMs: 50,
  });
  running.push(scheduler);
  return scheduler;
};

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tessera-scheduler-'));
  clock = new MovableClock({ start: START });
  queues = new LocalQueues({
    specs: [{ name: 'bookings-schedules-dlq' }, { name: 'bookings-invocations-dlq' }],
    clock,
  });
  await queues.start();
  calls = [];
  behaviour = async () => null;
  functions = ['bookings'];
});

afterEach(async () => {
  for (const scheduler of running.splice(0)) await scheduler.stop();
  await queues.stop();
  rmSync(directory, { recursive: true, force: true });
});

const definition = (overrides: Record<string, unknown> = {}, target: Record<string, unknown> = {}) => ({
  GroupName: GROUP,
  ScheduleExpression: 'at(2027-01-15T09:10:00)',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  ...overrides,
  Target: {
    Arn: TARGET,
    RoleArn: 'arn:aws:iam::000000000000:role/tessera-devstack-bookings-scheduler',
    Input: JSON.stringify({ kind: 'reminder', bookingId: 'b-1' }),
    RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
    DeadLetterConfig: { Arn: DLQ },
    ...target,
  },
});

const refusal = (act: () => unknown): SchedulerError => {
  try {
    act();
  } catch (error) {
    if (error instanceof SchedulerError) return error;
    throw error;
  }
  throw new Error('not refused');
};

/** Lets the promise continuations of a firing run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

const messages = async (queue: string) =>
  queues.require(queue).receive({ maxMessages: 10, visibilityTimeoutSeconds: 0 });

describe('Function: dueOf', () => {
  it('reads at() in UTC and in a timezone, and refuses what is no one-time schedule', () => {
    expect(dueOf('at(2027-01-15T09:50:00)', 'UTC')).toBe(Date.parse('2027-01-15T09:50:00Z'));
    expect(dueOf('at(2027-01-15T09:50:00)', 'Europe/Paris')).toBe(Date.parse('2027-01-15T08:50:00Z'));
    expect(dueOf('at(2027-07-15T09:50:00)', 'America/New_York')).toBe(Date.parse('2027-07-15T13:50:00Z'));
    expect(() => dueOf('at(2027-02-30T09:50:00)', 'UTC')).toThrow('Invalid Schedule Expression');
    expect(() => dueOf('rate(5 minutes)', 'UTC')).toThrow('one-time schedules only');
  });
});

describe('Class: LocalScheduler, its API', () => {
  it('creates, gets, updates and deletes a schedule, with Scheduler defaults and dates in epoch seconds', async () => {
    // Prepare
    const scheduler = makeScheduler();
    await scheduler.start();

    // Act
    const { ScheduleArn } = scheduler.create('reminder-b-1', definition({}, { RetryPolicy: undefined }));
    const created = scheduler.get('reminder-b-1', GROUP);
    await clock.advance(1000);
    scheduler.update('reminder-b-1', definition({ ScheduleExpression: 'at(2027-01-15T09:20:00)' }));
    const updated = scheduler.get('reminder-b-1', GROUP);
    scheduler.delete('reminder-b-1', GROUP);

    // Assess
    expect(ScheduleArn).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule/${GROUP}/reminder-b-1`);
    expect(created).toMatchObject({
      Arn: ScheduleArn,
      Name: 'reminder-b-1',
      GroupName: GROUP,
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: TARGET, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } },
      CreationDate: START / 1000,
      LastModificationDate: START / 1000,
    });
    expect(updated).toMatchObject({
      ScheduleExpression: 'at(2027-01-15T09:20:00)',
      CreationDate: START / 1000,
      LastModificationDate: START / 1000 + 1,
    });
    expect(refusal(() => scheduler.get('reminder-b-1', GROUP)).code).toBe('ResourceNotFoundException');
  });

  it('answers ConflictException for a name taken in its group, unless the same ClientToken repeats the create', async () => {
    const scheduler = makeScheduler();
    await scheduler.start();
    const first = scheduler.create('hold-b-1', { ...definition(), ClientToken: 't-1' });

    expect(scheduler.create('hold-b-1', { ...definition(), ClientToken: 't-1' })).toEqual(first);
    const conflict = refusal(() => scheduler.create('hold-b-1', { ...definition(), ClientToken: 't-2' }));
    expect([conflict.code, conflict.status, conflict.message]).toEqual([
      'ConflictException',
      409,
      'Schedule hold-b-1 already exists.',
    ]);
    expect(scheduler.create('hold-b-1', definition({ GroupName: 'default' })).ScheduleArn).toContain(
      '/default/hold-b-1',
    );
  });

  it('answers ResourceNotFoundException for an update or delete of none, and for a group that does not exist', async () => {
    const scheduler = makeScheduler();
    await scheduler.start();

    for (const act of [
      () => scheduler.update('nobody', definition()),
      () => scheduler.delete('nobody', GROUP),
      () => scheduler.create('x', definition({ GroupName: 'tessera-devstack-other' })),
    ]) {
      const error = refusal(act);
      expect([error.code, error.status]).toEqual(['ResourceNotFoundException', 404]);
    }
  });

  it('answers ValidationException for what Scheduler refuses, naming it', async () => {
    const scheduler = makeScheduler();
    await scheduler.start();

    for (const [body, name, message] of [
      [definition(), 'bad name!', 'Name must be'],
      [definition({ ScheduleExpression: 'at(2027-13-01T00:00:00)' }), 'x', 'Invalid Schedule Expression'],
      [definition({ ScheduleExpressionTimezone: 'Mars/Olympus' }), 'x', 'Invalid ScheduleExpressionTimezone'],
      [definition({ FlexibleTimeWindow: undefined }), 'x', 'FlexibleTimeWindow is required'],
      [definition({ State: 'PAUSED' }), 'x', 'State must be'],
      [definition({}, { RoleArn: 'nobody' }), 'x', 'Target.RoleArn'],
      [definition({}, { Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }), 'x', 'Lambda functions only'],
      [definition({}, { RetryPolicy: { MaximumRetryAttempts: 200 } }), 'x', 'MaximumRetryAttempts'],
      [definition({}, { DeadLetterConfig: { Arn: 'queue' } }), 'x', 'DeadLetterConfig.Arn'],
    ] as const) {
      const error = refusal(() => scheduler.create(name, body));
      expect([error.code, error.status, error.message]).toEqual([
        'ValidationException',
        400,
        expect.stringContaining(message),
      ]);
    }
  });
});

describe('Class: LocalScheduler, firing', () => {
  it('invokes the target at its time with the input as the event, then deletes the schedule', async () => {
    // Prepare
    const scheduler = makeScheduler();
    await scheduler.start();
    scheduler.create('reminder-b-1', definition());

    // Act: a second early, then on time.
    await clock.advance(10 * 60_000 - 1000);
    await settle();
    const early = calls.length;
    await clock.advance(1000);
    await settle();

    // Assess
    expect(early).toBe(0);
    expect(calls).toEqual([{ functionName: 'bookings', event: { kind: 'reminder', bookingId: 'b-1' } }]);
    expect(scheduler.pending()).toEqual([]);
    expect(scheduler.deliveries()).toEqual([]);
    expect(refusal(() => scheduler.get('reminder-b-1', GROUP)).code).toBe('ResourceNotFoundException');
  });

  it('lists pending schedules soonest first, and keeps a fired one with ActionAfterCompletion NONE, no longer pending', async () => {
    const scheduler = makeScheduler();
    await scheduler.start();
    scheduler.create('later', definition({ ScheduleExpression: 'at(2027-01-15T10:00:00)' }));
    scheduler.create('sooner', definition({ ActionAfterCompletion: 'NONE' }));

    expect(scheduler.pending()).toEqual([
      expect.objectContaining({
        name: 'sooner',
        group: GROUP,
        due: '2027-01-15T09:10:00.000Z',
        targetFunction: 'bookings',
        input: { kind: 'reminder', bookingId: 'b-1' },
        attempts: 0,
      }),
      expect.objectContaining({ name: 'later', due: '2027-01-15T10:00:00.000Z' }),
    ]);
    await clock.advance(10 * 60_000);
    await settle();

    expect(scheduler.pending().map((s) => s.name)).toEqual(['later']);
    expect(scheduler.get('sooner', GROUP)).toMatchObject({ Name: 'sooner', State: 'ENABLED' });
  });

  it('fires an at() already past at once, and a disabled schedule never', async () => {
    const scheduler = makeScheduler();
    await scheduler.start();
    scheduler.create('off', definition({ State: 'DISABLED' }));
    scheduler.create('past', definition({ ScheduleExpression: 'at(2027-01-15T08:00:00)' }));
    await settle();

    expect(calls).toHaveLength(1);
    await clock.advance(3600_000);
    await settle();
    expect(calls).toHaveLength(1);
    expect(scheduler.pending().map((s) => s.name)).toEqual(['off']);
  });

  it('retries an invocation Lambda refuses within the retry policy, then sends the input to the dead-letter queue with why', async () => {
    // Prepare: the target names a function the devstack does not run.
    const scheduler = makeScheduler();
    await scheduler.start();
    const missing = 'arn:aws:lambda:us-east-1:000000000000:function:gone';
    const { ScheduleArn } = scheduler.create('reminder-b-1', definition({}, { Arn: missing }));

    // Act: due, then the retries 1 s and 2 s later.
    await clock.advance(10 * 60_000);
    const retrying = scheduler.pending()[0];
    await clock.advance(3000);
    await settle();

    // Assess
    expect(retrying).toMatchObject({ attempts: 1, nextAttemptAt: '2027-01-15T09:10:01.000Z' });
    expect(calls).toEqual([]);
    expect(scheduler.pending()).toEqual([]);
    const [letter, ...others] = await messages('bookings-schedules-dlq');
    expect(others).toEqual([]);
    expect(JSON.parse(letter?.body ?? '')).toEqual({ kind: 'reminder', bookingId: 'b-1' });
    expect(letter?.messageAttributes).toEqual({
      ERROR_CODE: { DataType: 'String', StringValue: 'ResourceNotFoundException' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: `Function not found: ${missing}` },
      EXECUTION_ID: { DataType: 'String', StringValue: expect.any(String) },
      SCHEDULE_ARN: { DataType: 'String', StringValue: ScheduleArn },
      TARGET_ARN: { DataType: 'String', StringValue: missing },
    });
  });

  it('gives up retrying once MaximumEventAgeInSeconds would pass', async () => {
    const scheduler = makeScheduler();
    await scheduler.start();
    scheduler.create(
      'r',
      definition(
        {},
        {
          Arn: 'arn:aws:lambda:us-east-1:000000000000:function:gone',
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
        },
      ),
    );

    await clock.advance(10 * 60_000 + 120_000);
    await settle();

    expect(await messages('bookings-schedules-dlq')).toHaveLength(1);
    expect(scheduler.pending()).toEqual([]);
  });

  it('retries a function that throws as Lambda retries an asynchronous invocation, then puts its record in the on-failure destination', async () => {
    // Prepare
    behaviour = async () => {
      throw Object.assign(new Error('table unavailable'), { errorType: 'ServiceUnavailable' });
    };
    const scheduler = makeScheduler();
    await scheduler.start();
    scheduler.create('reminder-b-1', definition());

    // Act
    await clock.advance(10 * 60_000);
    await settle();
    const afterFirst = calls.length;
    await clock.advance(1000);
    await settle();
    await clock.advance(2000);
    await settle();

    // Assess
    expect(afterFirst).toBe(1);
    expect(calls).toHaveLength(3);
    expect(await messages('bookings-schedules-dlq')).toEqual([]);
    const [record] = await messages('bookings-invocations-dlq');
    expect(JSON.parse(record?.body ?? '')).toMatchObject({
      requestContext: { functionArn: TARGET, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { kind: 'reminder', bookingId: 'b-1' },
      responsePayload: { errorType: 'ServiceUnavailable', errorMessage: 'table unavailable' },
    });
    expect(scheduler.deliveries()).toEqual([]);
  });
});

describe('Class: LocalScheduler, across a restart', () => {
  it('keeps a pending schedule, which fires once after the restart', async () => {
    const first = makeScheduler();
    await first.start();
    first.create('reminder-b-1', definition());
    await first.stop();

    const second = makeScheduler();
    await second.start();
    expect(second.pending().map((s) => s.name)).toEqual(['reminder-b-1']);
    await clock.advance(20 * 60_000);
    await settle();
    const third = makeScheduler();
    await third.start();
    await clock.advance(20 * 60_000);
    await settle();

    expect(calls).toHaveLength(1);
    expect(third.pending()).toEqual([]);
  });

  it('fires a schedule that came due while it was stopped as soon as it starts', async () => {
    const first = makeScheduler();
    await first.start();
    first.create('hold-b-1', definition());
    await first.stop();
    await clock.advance(3600_000);

    const second = makeScheduler();
    await second.start();
    await settle();

    expect(calls).toHaveLength(1);
    expect(second.pending()).toEqual([]);
  });

  it('lets an invocation under way finish at a stop, so the next start does not repeat it', async () => {
    behaviour = () => new Promise((resolve) => setTimeout(resolve, 20));
    const first = makeScheduler();
    await first.start();
    first.create('reminder-b-1', definition());
    await clock.advance(10 * 60_000);
    await first.stop();

    const second = makeScheduler();
    await second.start();
    await settle();

    expect(calls).toHaveLength(1);
    expect(second.deliveries()).toEqual([]);
  });

  it('makes an invocation that a stop cut off (past its grace) again at the next start', async () => {
    // Prepare: the function never answers the first time.
    behaviour = () => new Promise(() => {});
    const first = makeScheduler();
    await first.start();
    first.create('reminder-b-1', definition());
    await clock.advance(10 * 60_000);
    await settle();
    expect(first.deliveries()).toEqual([expect.objectContaining({ functionName: 'bookings', attempts: 1 })]);
    await first.stop();

    // Act
    behaviour = async () => null;
    const second = makeScheduler();
    await second.start();
    await settle();

    // Assess
    expect(calls).toHaveLength(2);
    expect(second.deliveries()).toEqual([]);
  });
});
