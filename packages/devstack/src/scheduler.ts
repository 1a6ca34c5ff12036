/**
 * The devstack's EventBridge Scheduler: one-time `at(...)` schedules, kept under
 * `<dataDir>/schedules/`, fired on the devstack clock as Scheduler fires them at a Lambda target.
 *
 * - **The API's semantics** (`scheduler-endpoint.ts` speaks it): create (`ConflictException` when the
 *   name is taken in its group, unless the same `ClientToken` repeats the same create), update (the
 *   whole definition replaced, `ResourceNotFoundException` when there is none), delete, get, list;
 *   groups are `default` and each service's (`tessera-devstack-<service>`), any other is
 *   `ResourceNotFoundException`; what Scheduler would refuse is a `ValidationException`.
 * - **Firing, as AWS does it for a Lambda target.** At its time (in its timezone, UTC unless told)
 *   Scheduler invokes the function *asynchronously*: once Lambda has taken the event the schedule is
 *   done (`ActionAfterCompletion: DELETE` deletes it). Only an invocation Lambda refuses (here: no
 *   such function, or an `Input` that is not JSON) is the schedule's failure: retried with back-off
 *   on the clock (1, 2, 4 ... s, at most 60 s apart; AWS's are longer) within the `RetryPolicy`
 *   (`MaximumRetryAttempts`, `MaximumEventAgeInSeconds`; 185 and 86400 unless told), then sent to its
 *   `DeadLetterConfig` queue: the body is the target's input, with `ERROR_CODE`, `ERROR_MESSAGE`,
 *   `EXECUTION_ID`, `SCHEDULE_ARN` and `TARGET_ARN` as message attributes. A function that *throws*
 *   is Lambda's asynchronous retry, not Scheduler's: 3 attempts in all (1 s then 2 s apart on the
 *   clock; 1 and 2 minutes in AWS), then an invocation record (the event in `requestPayload`) in the
 *   service's `<service>-invocations-dlq`, the function's on-failure destination (ADR 0029).
 * - **Durable, at least once.** A stop lets the invocations under way finish (10 s at most).
 *   Every schedule is a JSON file (`groups/<group>/<name>.json`), every
 *   asynchronous invocation under way too (`invocations/<id>.json`), written whole (temporary file,
 *   then rename) before the change is answered or acted on. A start loads them: a schedule that came
 *   due while the devstack was stopped fires at once, an invocation in progress at a crash is made
 *   again; none is lost, and one is repeated only when the devstack died between the two writes or
 *   during the invocation (the target must be idempotent, as in AWS).
 *
 * Not emulated: `rate()` and `cron()` expressions (a `ValidationException`), targets other than
 * Lambda, the flexible window (a schedule fires at the window's start), `StartDate`/`EndDate`
 * (kept, not used), KMS keys, tags, schedule groups' own API, IAM (the role is named, not checked).
 * An `at()` already past is accepted and fires at once; AWS may refuse or never fire it (FACTS.md):
 * code must not rely on it, and a warning is logged.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock, ClockTimer } from './clock.ts';
import type { LocalQueue, MessageAttributes } from './local-queue.ts';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const NAME = /^[0-9a-zA-Z._-]{1,64}$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const LAMBDA_ARN =
  /^arn:aws(-[a-z]+)?:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9_-]{1,64})(:[a-zA-Z0-9$_-]+)?$/;
const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:([a-zA-Z0-9_-]+)$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const MAX_INPUT_BYTES = 256 * 1024;
/** Lambda's asynchronous invocation: the first attempt and 2 retries. */
const ASYNC_ATTEMPTS = 3;
/** The longest one timer is set for; a later time is reached in steps (Node's timers stop at 24.8 days). */
const MAX_TIMER_MS = 24 * 3600 * 1000;

const STATUS = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  InternalServerException: 500,
} as const;

/** A refusal, named as Scheduler names it, with its HTTP status. */
class SchedulerError extends Error {
  readonly status: number;

  constructor(
    readonly code: keyof typeof STATUS,
    message: string,
  ) {
    super(message);
    this.name = code;
    this.status = STATUS[code];
  }
}

/** A schedule's target, as the API spells it. */
interface ScheduleTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly RetryPolicy: { readonly MaximumRetryAttempts: number; readonly MaximumEventAgeInSeconds: number };
  readonly DeadLetterConfig?: { readonly Arn: string };
}

/** What CreateSchedule and UpdateSchedule take, checked and with Scheduler's defaults. */
interface ScheduleDefinition {
  readonly name: string;
  readonly group: string;
  readonly expression: string;
  readonly timezone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly description?: string;
  readonly startDate?: number;
  readonly endDate?: number;
  readonly flexibleTimeWindow: {
    readonly Mode: 'OFF' | 'FLEXIBLE';
    readonly MaximumWindowInMinutes?: number;
  };
  readonly actionAfterCompletion: 'NONE' | 'DELETE';
  readonly target: ScheduleTarget;
}

/** A schedule as it is kept: its definition, when it is due, and how its firing stands. */
interface StoredSchedule extends ScheduleDefinition {
  readonly arn: string;
  /** The `at()` time, in milliseconds since the epoch (UTC). */
  readonly due: number;
  readonly creationDate: number;
  readonly lastModificationDate: number;
  readonly clientToken?: string;
  /** Invocations Scheduler has tried in this firing (each refused by Lambda). */
  readonly attempts: number;
  /** When the next one is tried, after a refused one. */
  readonly nextAttemptAt?: number;
  readonly executionId?: string;
  /** Fired (with `ActionAfterCompletion: NONE`): kept, no longer pending. */
  readonly completedAt?: number;
}

/** An asynchronous invocation Lambda has taken from a schedule, until it succeeds or is dead-lettered. */
interface StoredInvocation {
  readonly id: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly payload: unknown;
  readonly scheduleArn: string;
  /** Attempts started (the one under way included). */
  readonly attempts: number;
  readonly nextAttemptAt?: number;
  readonly lastError?: { readonly errorType: string; readonly errorMessage: string };
}

/** One schedule as `GET /_devstack/schedules` lists it. */
interface PendingSchedule {
  readonly name: string;
  readonly group: string;
  readonly arn: string;
  readonly expression: string;
  readonly timezone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  /** When it fires (or fired), ISO 8601 UTC. */
  readonly due: string;
  readonly targetFunction: string | null;
  /** The target's input, parsed when it is JSON. */
  readonly input: unknown;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
}

interface LocalSchedulerOptions {
  /** Where the schedules are kept (`<dataDir>/schedules`); in memory only when omitted. */
  readonly directory?: string | undefined;
  readonly clock: Clock;
  /** The groups besides `default` (`tessera-devstack-<service>`). */
  readonly groups: readonly string[];
  /** Invokes a function by its short name, resolving with its result; rejects when it throws. */
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** Whether the devstack runs a function of that name (Lambda refuses an invocation of any other). */
  readonly hasFunction: (functionName: string) => boolean;
  /** A queue by name (a schedule's dead-letter queue, an invocations dead-letter queue). */
  readonly queue: (name: string) => LocalQueue | undefined;
  /** The on-failure destination of a function's asynchronous invocations (`<service>-invocations-dlq`). */
  readonly onFailureQueueOf: (functionName: string) => string | undefined;
  readonly onLog?: (line: string) => void;
  /** How long a stop waits for the invocations under way (on the wall clock; 10 s unless told). */
  readonly stopGraceMs?: number;
}

const writeWhole = (file: string, value: unknown) => {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { flush: true });
  renameSync(temporary, file);
};

const readJsonFiles = <T>(directory: string, onBad: (file: string) => void): T[] => {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (!name.endsWith('.json')) return [];
    const file = join(directory, name);
    try {
      return [JSON.parse(readFileSync(file, 'utf8')) as T];
    } catch {
      onBad(file);
      return [];
    }
  });
};

/** The UTC offset (ms) of a timezone at an instant: wall time minus UTC. */
const offsetAt = (instant: number, timeZone: string): number => {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) -
    instant
  );
};

/**
 * The instant an `at(yyyy-mm-ddThh:mm:ss)` expression names in a timezone.
 *
 * @example
 * dueOf('at(2027-01-15T09:50:00)', 'Europe/Paris'); // Date.parse('2027-01-15T08:50:00Z')
 */
const dueOf = (expression: string, timezone: string): number => {
  const match = AT.exec(expression);
  if (!match) {
    throw new SchedulerError(
      'ValidationException',
      /^(rate|cron)\(/.test(expression)
        ? `The devstack's scheduler runs one-time schedules only, at(yyyy-mm-ddThh:mm:ss): ${expression}`
        : `Invalid Schedule Expression ${expression}.`,
    );
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    throw new SchedulerError('ValidationException', `Invalid Schedule Expression ${expression}.`);
  // Twice, so a time near a change of offset lands on the offset of the instant itself.
  const guess = wall - offsetAt(wall, timezone);
  return wall - offsetAt(guess, timezone);
};

type Input = Readonly<Record<string, unknown>>;

const invalid = (message: string) => new SchedulerError('ValidationException', message);

const optionalString = (input: Input, name: string): string | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
};

const integerIn = (value: unknown, name: string, min: number, max: number, fallback: number): number => {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${name} must be a whole number from ${min} to ${max}`);
  return value;
};

const epochSeconds = (value: unknown, name: string): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} must be a timestamp`);
  return value * 1000;
};

/**
 * Checks a CreateSchedule or UpdateSchedule request (its body and the name from its path) and fills
 * in Scheduler's defaults; a `ValidationException` names the first thing wrong.
 */
const definitionOf = (name: string, body: Input): ScheduleDefinition => {
  if (!NAME.test(name)) throw invalid(`Name must be 1 to 64 of [0-9a-zA-Z-_.]: ${name}`);
  const group = optionalString(body, 'GroupName') ?? 'default';
  if (!NAME.test(group)) throw invalid(`GroupName must be 1 to 64 of [0-9a-zA-Z-_.]: ${group}`);
  const expression = optionalString(body, 'ScheduleExpression');
  if (!expression) throw invalid('ScheduleExpression is required');
  const timezone = optionalString(body, 'ScheduleExpressionTimezone') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw invalid(`Invalid ScheduleExpressionTimezone ${timezone}.`);
  }
  dueOf(expression, timezone);
  const state = optionalString(body, 'State') ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw invalid('State must be ENABLED or DISABLED');
  const action = optionalString(body, 'ActionAfterCompletion') ?? 'NONE';
  if (action !== 'NONE' && action !== 'DELETE') throw invalid('ActionAfterCompletion must be NONE or DELETE');
  const window = body.FlexibleTimeWindow as Input | undefined;
  if (!window || typeof window !== 'object') throw invalid('FlexibleTimeWindow is required');
  const mode = window.Mode;
  if (mode !== 'OFF' && mode !== 'FLEXIBLE') throw invalid('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE');
  if (mode === 'OFF' && window.MaximumWindowInMinutes !== undefined)
    throw invalid('FlexibleTimeWindow.MaximumWindowInMinutes is only for Mode FLEXIBLE');
  const maximumWindow =
    mode === 'FLEXIBLE'
      ? integerIn(window.MaximumWindowInMinutes, 'FlexibleTimeWindow.MaximumWindowInMinutes', 1, 1440, 0)
      : undefined;
  if (mode === 'FLEXIBLE' && !maximumWindow)
    throw invalid('FlexibleTimeWindow.MaximumWindowInMinutes is required for Mode FLEXIBLE');
  const target = body.Target as Input | undefined;
  if (!target || typeof target !== 'object') throw invalid('Target is required');
  const arn = optionalString(target, 'Arn');
  if (!arn) throw invalid('Target.Arn is required');
  if (!LAMBDA_ARN.test(arn))
    throw invalid(`The devstack's scheduler invokes Lambda functions only: Target.Arn ${arn}`);
  const roleArn = optionalString(target, 'RoleArn');
  if (!roleArn || !ROLE_ARN.test(roleArn)) throw invalid('Target.RoleArn must be an IAM role ARN');
  const input = optionalString(target, 'Input');
  if (input !== undefined && (input === '' || Buffer.byteLength(input) > MAX_INPUT_BYTES))
    throw invalid('Target.Input must be 1 byte to 256 KiB');
  const retry = (target.RetryPolicy ?? {}) as Input;
  const deadLetter = target.DeadLetterConfig as Input | undefined;
  const deadLetterArn = deadLetter ? optionalString(deadLetter, 'Arn') : undefined;
  if (deadLetterArn !== undefined && !SQS_ARN.test(deadLetterArn))
    throw invalid(`Target.DeadLetterConfig.Arn must be an SQS queue ARN: ${deadLetterArn}`);
  const description = optionalString(body, 'Description');
  const startDate = epochSeconds(body.StartDate, 'StartDate');
  const endDate = epochSeconds(body.EndDate, 'EndDate');
  return {
    name,
    group,
    expression,
    timezone,
    state,
    ...(description !== undefined ? { description } : {}),
    ...(startDate !== undefined ? { startDate } : {}),
    ...(endDate !== undefined ? { endDate } : {}),
    flexibleTimeWindow: {
      Mode: mode,
      ...(maximumWindow !== undefined ? { MaximumWindowInMinutes: maximumWindow } : {}),
    },
    actionAfterCompletion: action,
    target: {
      Arn: arn,
      RoleArn: roleArn,
      ...(input !== undefined ? { Input: input } : {}),
      RetryPolicy: {
        MaximumRetryAttempts: integerIn(
          retry.MaximumRetryAttempts,
          'RetryPolicy.MaximumRetryAttempts',
          0,
          185,
          185,
        ),
        MaximumEventAgeInSeconds: integerIn(
          retry.MaximumEventAgeInSeconds,
          'RetryPolicy.MaximumEventAgeInSeconds',
          60,
          86_400,
          86_400,
        ),
      },
      ...(deadLetterArn !== undefined ? { DeadLetterConfig: { Arn: deadLetterArn } } : {}),
    },
  };
};

/** The function a Lambda ARN names (its short name, without a qualifier). */
const functionNameOf = (arn: string): string | undefined => LAMBDA_ARN.exec(arn)?.[2];

const text = (value: string): { DataType: 'String'; StringValue: string } => ({
  DataType: 'String',
  StringValue: value.replace(/[^\x20-\x7e]/g, '?').slice(0, 256) || '-',
});

const errorOf = (error: unknown): { errorType: string; errorMessage: string } => {
  const failure = error as { errorType?: string; name?: string; message?: string } | undefined;
  return {
    errorType: failure?.errorType ?? failure?.name ?? 'Error',
    errorMessage: String(failure?.message ?? error),
  };
};

class LocalScheduler {
  readonly name = 'scheduler';
  private readonly schedules = new Map<string, StoredSchedule>();
  private readonly invocations = new Map<string, StoredInvocation>();
  private readonly timers = new Map<string, ClockTimer>();
  private readonly groups: ReadonlySet<string>;
  /** Invocations under way, which a stop lets finish (each ends within its function's timeout). */
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private stopped = false;

  constructor(private readonly options: LocalSchedulerOptions) {
    this.groups = new Set(['default', ...options.groups]);
  }

  private log(line: string) {
    this.options.onLog?.(line);
  }

  private static key(group: string, name: string) {
    return `${group}/${name}`;
  }

  private scheduleFile(schedule: Pick<StoredSchedule, 'group' | 'name'>): string | undefined {
    const directory = this.options.directory;
    return directory ? join(directory, 'groups', schedule.group, `${schedule.name}.json`) : undefined;
  }

  private invocationFile(id: string): string | undefined {
    const directory = this.options.directory;
    return directory ? join(directory, 'invocations', `${id}.json`) : undefined;
  }

  private saveSchedule(schedule: StoredSchedule) {
    const file = this.scheduleFile(schedule);
    if (file) writeWhole(file, schedule);
    this.schedules.set(LocalScheduler.key(schedule.group, schedule.name), schedule);
  }

  private forgetSchedule(schedule: StoredSchedule) {
    const key = LocalScheduler.key(schedule.group, schedule.name);
    this.options.clock.clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const file = this.scheduleFile(schedule);
    if (file) rmSync(file, { force: true });
    this.schedules.delete(key);
  }

  private saveInvocation(invocation: StoredInvocation) {
    const file = this.invocationFile(invocation.id);
    if (file) writeWhole(file, invocation);
    this.invocations.set(invocation.id, invocation);
  }

  private forgetInvocation(id: string) {
    this.options.clock.clearTimeout(this.timers.get(`invocation:${id}`));
    this.timers.delete(`invocation:${id}`);
    const file = this.invocationFile(id);
    if (file) rmSync(file, { force: true });
    this.invocations.delete(id);
  }

  /** Sets the timer `key` for `at` on the devstack clock, in steps of at most a day. */
  private arm(key: string, at: number, fire: () => void) {
    const clock = this.options.clock;
    clock.clearTimeout(this.timers.get(key));
    const delay = at - clock.now();
    this.timers.set(
      key,
      clock.setTimeout(
        () => {
          this.timers.delete(key);
          if (!this.running) return;
          if (clock.now() < at) this.arm(key, at, fire);
          else fire();
        },
        Math.min(Math.max(0, delay), MAX_TIMER_MS),
      ),
    );
  }

  private armSchedule(schedule: StoredSchedule) {
    const key = LocalScheduler.key(schedule.group, schedule.name);
    this.options.clock.clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (!this.running || schedule.state !== 'ENABLED' || schedule.completedAt !== undefined) return;
    this.arm(key, schedule.nextAttemptAt ?? schedule.due, () => this.fire(key));
  }

  /** Loads what the last run left and arms it: what came due meanwhile fires at once. */
  async start(): Promise<void> {
    this.running = true;
    const directory = this.options.directory;
    if (!directory) return;
    const bad = (file: string) => this.log(`ignored ${file}: not a schedule the scheduler wrote`);
    for (const group of this.groups) {
      for (const schedule of readJsonFiles<StoredSchedule>(join(directory, 'groups', group), bad)) {
        this.schedules.set(LocalScheduler.key(schedule.group, schedule.name), schedule);
      }
    }
    for (const invocation of readJsonFiles<StoredInvocation>(join(directory, 'invocations'), bad)) {
      this.invocations.set(invocation.id, invocation);
    }
    for (const schedule of this.schedules.values()) this.armSchedule(schedule);
    for (const invocation of this.invocations.values()) this.armInvocation(invocation);
  }

  private requireGroup(group: string) {
    if (!this.groups.has(group))
      throw new SchedulerError('ResourceNotFoundException', `Schedule group ${group} does not exist.`);
  }

  private find(name: string, group: string): StoredSchedule {
    this.requireGroup(group);
    const schedule = this.schedules.get(LocalScheduler.key(group, name));
    if (!schedule) throw new SchedulerError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return schedule;
  }

  private stored(
    definition: ScheduleDefinition,
    dates: { creationDate: number; clientToken?: string | undefined },
  ): StoredSchedule {
    const due = dueOf(definition.expression, definition.timezone);
    const now = this.options.clock.now();
    if (due < now && definition.state === 'ENABLED')
      this.log(
        `schedule ${definition.group}/${definition.name}: ${definition.expression} is past; it fires at once here, and AWS may not fire it at all`,
      );
    return {
      ...definition,
      arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${definition.group}/${definition.name}`,
      due,
      creationDate: dates.creationDate,
      lastModificationDate: now,
      ...(dates.clientToken !== undefined ? { clientToken: dates.clientToken } : {}),
      attempts: 0,
    };
  }

  /**
   * CreateSchedule: answers the schedule's ARN.
   *
   * @example
   * scheduler.create('reminder-b1', { GroupName: 'tessera-devstack-bookings', ScheduleExpression: 'at(2027-01-15T09:50:00)', ... });
   */
  create(name: string, body: Input): { ScheduleArn: string } {
    const definition = definitionOf(name, body);
    this.requireGroup(definition.group);
    const clientToken = optionalString(body, 'ClientToken');
    const existing = this.schedules.get(LocalScheduler.key(definition.group, name));
    if (existing) {
      // The same request again (the SDK's retry keeps its token): answered as the first was.
      if (clientToken !== undefined && existing.clientToken === clientToken)
        return { ScheduleArn: existing.arn };
      throw new SchedulerError('ConflictException', `Schedule ${name} already exists.`);
    }
    const schedule = this.stored(definition, { creationDate: this.options.clock.now(), clientToken });
    this.saveSchedule(schedule);
    this.armSchedule(schedule);
    return { ScheduleArn: schedule.arn };
  }

  /** UpdateSchedule: replaces the whole definition, and the firing starts over. */
  update(name: string, body: Input): { ScheduleArn: string } {
    const definition = definitionOf(name, body);
    const existing = this.find(name, definition.group);
    const schedule = this.stored(definition, {
      creationDate: existing.creationDate,
      clientToken: existing.clientToken,
    });
    this.saveSchedule(schedule);
    this.armSchedule(schedule);
    return { ScheduleArn: schedule.arn };
  }

  /** DeleteSchedule. */
  delete(name: string, group = 'default'): void {
    this.forgetSchedule(this.find(name, group));
  }

  /** GetSchedule, as the API answers it (dates in epoch seconds). */
  get(name: string, group = 'default'): Record<string, unknown> {
    const schedule = this.find(name, group);
    return {
      Arn: schedule.arn,
      Name: schedule.name,
      GroupName: schedule.group,
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      State: schedule.state,
      ...(schedule.description !== undefined ? { Description: schedule.description } : {}),
      ...(schedule.startDate !== undefined ? { StartDate: schedule.startDate / 1000 } : {}),
      ...(schedule.endDate !== undefined ? { EndDate: schedule.endDate / 1000 } : {}),
      FlexibleTimeWindow: schedule.flexibleTimeWindow,
      ActionAfterCompletion: schedule.actionAfterCompletion,
      Target: schedule.target,
      CreationDate: schedule.creationDate / 1000,
      LastModificationDate: schedule.lastModificationDate / 1000,
    };
  }

  /** ListSchedules (one page: the devstack holds few), in a group or all, by name prefix and state. */
  list(filter: { group?: string; namePrefix?: string; state?: string }): Record<string, unknown> {
    if (filter.group !== undefined) this.requireGroup(filter.group);
    const items = [...this.schedules.values()]
      .filter(
        (s) =>
          (filter.group === undefined || s.group === filter.group) &&
          (filter.namePrefix === undefined || s.name.startsWith(filter.namePrefix)) &&
          (filter.state === undefined || s.state === filter.state),
      )
      .sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
    return {
      Schedules: items.map((s) => ({
        Arn: s.arn,
        Name: s.name,
        GroupName: s.group,
        State: s.state,
        CreationDate: s.creationDate / 1000,
        LastModificationDate: s.lastModificationDate / 1000,
        Target: { Arn: s.target.Arn },
      })),
    };
  }

  /**
   * The schedules yet to fire (or firing), soonest first, as `GET /_devstack/schedules` lists them.
   *
   * @example
   * scheduler.pending().map((s) => s.name); // ['hold-b1', 'reminder-b2']
   */
  pending(): PendingSchedule[] {
    return [...this.schedules.values()]
      .filter((s) => s.completedAt === undefined)
      .sort((a, b) => a.due - b.due || a.name.localeCompare(b.name))
      .map((s) => {
        let input: unknown = s.target.Input ?? null;
        try {
          input = s.target.Input === undefined ? null : JSON.parse(s.target.Input);
        } catch {
          // Not JSON: shown as it is (its firing fails).
        }
        return {
          name: s.name,
          group: s.group,
          arn: s.arn,
          expression: s.expression,
          timezone: s.timezone,
          state: s.state,
          due: new Date(s.due).toISOString(),
          targetFunction: functionNameOf(s.target.Arn) ?? null,
          input,
          attempts: s.attempts,
          nextAttemptAt: s.nextAttemptAt !== undefined ? new Date(s.nextAttemptAt).toISOString() : null,
        };
      });
  }

  /** Asynchronous invocations Lambda has taken from schedules and not yet finished. */
  deliveries(): ReadonlyArray<{
    readonly functionName: string;
    readonly scheduleArn: string;
    readonly attempts: number;
  }> {
    return [...this.invocations.values()].map(({ functionName, scheduleArn, attempts }) => ({
      functionName,
      scheduleArn,
      attempts,
    }));
  }

  /** Scheduler's invocation of the target: Lambda takes the event, or refuses it. */
  private fire(key: string) {
    const schedule = this.schedules.get(key);
    if (schedule?.state !== 'ENABLED' || schedule.completedAt !== undefined) return;
    const now = this.options.clock.now();
    const executionId = schedule.executionId ?? randomUUID();
    const functionName = functionNameOf(schedule.target.Arn) ?? '';
    let payload: unknown = {};
    let refusal: { code: string; message: string } | undefined;
    try {
      payload = schedule.target.Input === undefined ? {} : JSON.parse(schedule.target.Input);
    } catch {
      refusal = { code: 'InvalidRequestContentException', message: 'Could not parse request body into json' };
    }
    if (!refusal && !this.options.hasFunction(functionName))
      refusal = { code: 'ResourceNotFoundException', message: `Function not found: ${schedule.target.Arn}` };
    if (!refusal) {
      // Lambda has the event: written before the schedule completes, so a crash between repeats it, never loses it.
      this.saveInvocation({
        id: executionId,
        functionName,
        functionArn: schedule.target.Arn,
        payload,
        scheduleArn: schedule.arn,
        attempts: 0,
      });
      this.complete(schedule, now);
      const invocation = this.invocations.get(executionId);
      if (invocation) this.track(this.runInvocation(invocation));
      return;
    }
    const attempts = schedule.attempts + 1;
    const retries = schedule.target.RetryPolicy;
    const ageMs = now - schedule.due;
    const delayMs = Math.min(2 ** (attempts - 1), 60) * 1000;
    if (
      attempts <= retries.MaximumRetryAttempts &&
      ageMs + delayMs < retries.MaximumEventAgeInSeconds * 1000
    ) {
      this.log(
        `schedule ${key}: invoking ${schedule.target.Arn} failed (${refusal.code}); retry ${attempts} in ${delayMs / 1000} s`,
      );
      const next: StoredSchedule = { ...schedule, attempts, nextAttemptAt: now + delayMs, executionId };
      this.saveSchedule(next);
      this.armSchedule(next);
      return;
    }
    this.deadLetter(schedule, executionId, refusal);
    this.complete({ ...schedule, attempts }, now);
  }

  /** The schedule is done: deleted (`ActionAfterCompletion: DELETE`) or kept as completed. */
  private complete(schedule: StoredSchedule, now: number) {
    if (schedule.actionAfterCompletion === 'DELETE') {
      this.forgetSchedule(schedule);
      return;
    }
    const { nextAttemptAt: _next, executionId: _execution, ...rest } = schedule;
    this.saveSchedule({ ...rest, completedAt: now });
  }

  /** Scheduler's dead-letter event: the target's input, and why, as message attributes. */
  private deadLetter(
    schedule: StoredSchedule,
    executionId: string,
    refusal: { code: string; message: string },
  ) {
    const arn = schedule.target.DeadLetterConfig?.Arn;
    const queue = arn ? this.options.queue(SQS_ARN.exec(arn)?.[2] ?? '') : undefined;
    if (!queue) {
      this.log(
        `schedule ${schedule.group}/${schedule.name}: invoking ${schedule.target.Arn} failed (${refusal.code}), and ${arn ? `its dead-letter queue ${arn} does not exist` : 'it has no dead-letter queue'}: dropped`,
      );
      return;
    }
    const attributes: MessageAttributes = {
      ERROR_CODE: text(refusal.code),
      ERROR_MESSAGE: text(refusal.message),
      EXECUTION_ID: text(executionId),
      SCHEDULE_ARN: text(schedule.arn),
      TARGET_ARN: text(schedule.target.Arn),
    };
    queue.send(schedule.target.Input ?? '{}', { messageAttributes: attributes });
    this.log(`schedule ${schedule.group}/${schedule.name}: dead-lettered to ${queue.name} (${refusal.code})`);
  }

  private armInvocation(invocation: StoredInvocation) {
    this.arm(`invocation:${invocation.id}`, invocation.nextAttemptAt ?? this.options.clock.now(), () => {
      const current = this.invocations.get(invocation.id);
      if (current) this.track(this.runInvocation(current));
    });
  }

  private track(run: Promise<void>) {
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Lambda's asynchronous invocation: 3 attempts, then the function's on-failure destination. */
  private async runInvocation(invocation: StoredInvocation): Promise<void> {
    const attempt: StoredInvocation = {
      id: invocation.id,
      functionName: invocation.functionName,
      functionArn: invocation.functionArn,
      payload: invocation.payload,
      scheduleArn: invocation.scheduleArn,
      attempts: invocation.attempts + 1,
    };
    // Recorded before it runs: a crash during it makes it again at the next start.
    this.saveInvocation(attempt);
    let failure: { errorType: string; errorMessage: string };
    try {
      await this.options.invoke(attempt.functionName, attempt.payload);
      if (!this.stopped) this.forgetInvocation(attempt.id);
      return;
    } catch (error) {
      failure = errorOf(error);
    }
    // Stopping: no retry is set; the next start makes the attempt again.
    if (!this.running) return;
    if (attempt.attempts < ASYNC_ATTEMPTS) {
      const delayMs = 1000 * attempt.attempts;
      this.log(
        `${attempt.functionName} threw on the schedule's event (${failure.errorType}); Lambda retries in ${delayMs / 1000} s`,
      );
      const next = { ...attempt, nextAttemptAt: this.options.clock.now() + delayMs, lastError: failure };
      this.saveInvocation(next);
      this.armInvocation(next);
      return;
    }
    this.onFailure(attempt, failure);
    this.forgetInvocation(attempt.id);
  }

  /** Lambda's invocation record, in the function's on-failure destination. */
  private onFailure(invocation: StoredInvocation, failure: { errorType: string; errorMessage: string }) {
    const name = this.options.onFailureQueueOf(invocation.functionName);
    const queue = name ? this.options.queue(name) : undefined;
    if (!queue) {
      this.log(
        `${invocation.functionName} failed every attempt at a schedule's event, and has no on-failure destination: dropped`,
      );
      return;
    }
    queue.send(
      JSON.stringify({
        version: '1.0',
        timestamp: new Date(this.options.clock.now()).toISOString(),
        requestContext: {
          requestId: invocation.id,
          functionArn: invocation.functionArn,
          condition: 'RetriesExhausted',
          approximateInvokeCount: invocation.attempts,
        },
        requestPayload: invocation.payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: failure,
      }),
    );
    this.log(
      `${invocation.functionName} failed every attempt at a schedule's event: its record is in ${queue.name}`,
    );
  }

  /**
   * Stops firing and lets the invocations under way finish (the functions stop after the
   * scheduler); what was still to come is made at the next start.
   */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers.values()) this.options.clock.clearTimeout(timer);
    this.timers.clear();
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        grace = setTimeout(resolve, this.options.stopGraceMs ?? 10_000);
      }),
    ]);
    clearTimeout(grace);
    this.stopped = true;
    this.schedules.clear();
    this.invocations.clear();
  }
}

export type { LocalSchedulerOptions, PendingSchedule, ScheduleDefinition, StoredSchedule };
export { definitionOf, dueOf, functionNameOf, LocalScheduler, SchedulerError };
