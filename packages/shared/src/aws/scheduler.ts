/**
 * EventBridge Scheduler's one-time schedules, the four calls a Tessera function makes:
 * `CreateSchedule`, `UpdateSchedule`, `DeleteSchedule` and `GetSchedule` (REST JSON, signed with
 * Signature Version 4 over node:crypto, `sigv4.ts`). `@aws-sdk/client-scheduler` would bring its
 * REST-JSON protocol into the bundle, and because it shares the SDK core's module barrels with the
 * DynamoDB client, into every cold start of it (ADR 0017, ADR 0032), for four requests.
 *
 * The endpoint is the regional one (`https://scheduler.<region>.amazonaws.com`), or the one given
 * (the devstack's scheduler, which the real SDK client is tested against). Each call has a timeout
 * and is tried twice on a server fault, throttling or a network failure; what is left fails with a
 * `SchedulerError` (its `code` is Scheduler's error type: `ConflictException`,
 * `ResourceNotFoundException`, `ValidationException`, ...).
 *
 * @example
 * const scheduler = createScheduler({ endpoint: config.SCHEDULER_ENDPOINT });
 * await scheduler.create('reminder-1', { GroupName: 'tessera-prod-bookings', ScheduleExpression: 'at(2027-01-15T09:50:00)', ... });
 */
import { type Credentials, environmentCredentials, signRequest } from './sigv4.ts';

/** A schedule's definition, as CreateSchedule and UpdateSchedule take it. */
interface ScheduleDefinition {
  readonly GroupName: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`. */
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone?: string;
  readonly FlexibleTimeWindow:
    | { readonly Mode: 'OFF' }
    | { readonly Mode: 'FLEXIBLE'; readonly MaximumWindowInMinutes: number };
  readonly ActionAfterCompletion?: 'NONE' | 'DELETE';
  readonly State?: 'ENABLED' | 'DISABLED';
  readonly Description?: string;
  readonly Target: {
    readonly Arn: string;
    readonly RoleArn: string;
    readonly Input?: string;
    readonly RetryPolicy?: {
      readonly MaximumRetryAttempts: number;
      readonly MaximumEventAgeInSeconds: number;
    };
    readonly DeadLetterConfig?: { readonly Arn: string };
  };
}

/** A schedule as GetSchedule answers it (the fields Tessera reads). */
interface Schedule extends ScheduleDefinition {
  readonly Arn: string;
  readonly Name: string;
}

/** Scheduler refused or failed a call. */
class SchedulerError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`Scheduler ${operation} failed with ${status} ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'SchedulerError';
  }
}

interface SchedulerOptions {
  /** The devstack's scheduler; the regional endpoint when omitted. */
  readonly endpoint?: string | undefined;
  /** Defaults to `AWS_REGION`, which Lambda sets. */
  readonly region?: string;
  /** Defaults to the environment's credentials, as Lambda hands them over. */
  readonly credentials?: Credentials;
  /** One attempt's limit (3 s unless given). */
  readonly timeoutMs?: number;
  /** Attempts in all (2 unless given). */
  readonly attempts?: number;
}

const isRetryable = (error: unknown): boolean =>
  !(error instanceof SchedulerError) || error.status >= 500 || /Throttl/.test(error.code);

const errorOf = (operation: string, status: number, headers: Headers, text: string): SchedulerError => {
  let code = headers.get('x-amzn-errortype')?.split(':')[0] ?? '';
  let detail = '';
  try {
    const body = JSON.parse(text) as { Message?: unknown; message?: unknown; __type?: unknown };
    if (!code && typeof body.__type === 'string') code = body.__type.slice(body.__type.lastIndexOf('#') + 1);
    const message = body.Message ?? body.message;
    if (typeof message === 'string') detail = message;
  } catch {
    // Not JSON: the status says enough.
  }
  return new SchedulerError(operation, status, code || 'UnknownError', detail);
};

/**
 * The four schedule calls.
 *
 * @example
 * const scheduler = createScheduler();
 * await scheduler.remove('hold-1', 'tessera-prod-bookings'); // 'deleted' | 'absent'
 */
const createScheduler = (options: SchedulerOptions = {}) => {
  const attempts = options.attempts ?? 2;
  const call = async (
    operation: string,
    method: string,
    name: string,
    query: Readonly<Record<string, string>>,
    payload: object | undefined,
  ): Promise<unknown> => {
    const region = options.region ?? process.env.AWS_REGION;
    if (!region) throw new Error(`Scheduler ${operation} needs a region: AWS_REGION is not set`);
    const base = (options.endpoint ?? `https://scheduler.${region}.amazonaws.com`).replace(/\/+$/, '');
    const url = new URL(`${base}/schedules/${encodeURIComponent(name)}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const body = payload === undefined ? '' : JSON.stringify(payload);
    for (let attempt = 1; ; attempt++) {
      try {
        const { host: _host, ...headers } = signRequest({
          method,
          url,
          headers: payload === undefined ? {} : { 'content-type': 'application/json' },
          body,
          region,
          service: 'scheduler',
          credentials: options.credentials ?? environmentCredentials(`Scheduler ${operation}`),
          date: new Date(),
        });
        const response = await fetch(url, {
          method,
          headers,
          ...(payload === undefined ? {} : { body }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
        });
        const text = await response.text();
        if (!response.ok) throw errorOf(operation, response.status, response.headers, text);
        return text ? JSON.parse(text) : {};
      } catch (error) {
        if (attempt >= attempts || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  };

  return {
    /** CreateSchedule: `'created'`, or `'exists'` when the group has a schedule of that name. */
    async create(name: string, definition: ScheduleDefinition): Promise<'created' | 'exists'> {
      try {
        await call('CreateSchedule', 'POST', name, {}, definition);
        return 'created';
      } catch (error) {
        if (error instanceof SchedulerError && error.code === 'ConflictException') return 'exists';
        throw error;
      }
    },
    /**
     * The schedule as defined, whether it existed or not: CreateSchedule, or UpdateSchedule when
     * the name is taken (a retry, or a new time), so one name never makes two schedules.
     */
    async put(name: string, definition: ScheduleDefinition): Promise<'created' | 'updated'> {
      for (let round = 0; round < 3; round++) {
        if ((await this.create(name, definition)) === 'created') return 'created';
        // Deleted between the two calls (fired, or removed): create it again.
        if ((await this.update(name, definition)) === 'updated') return 'updated';
      }
      throw new SchedulerError('PutSchedule', 409, 'ConflictException', `${name} kept changing`);
    },
    /** UpdateSchedule: replaces the whole definition; `'absent'` when there is no such schedule. */
    async update(name: string, definition: ScheduleDefinition): Promise<'updated' | 'absent'> {
      try {
        await call('UpdateSchedule', 'PUT', name, {}, definition);
        return 'updated';
      } catch (error) {
        if (error instanceof SchedulerError && error.code === 'ResourceNotFoundException') return 'absent';
        throw error;
      }
    },
    /** DeleteSchedule: `'absent'` when there was none (already fired, or never made). */
    async remove(name: string, group: string): Promise<'deleted' | 'absent'> {
      try {
        await call('DeleteSchedule', 'DELETE', name, { groupName: group }, undefined);
        return 'deleted';
      } catch (error) {
        if (error instanceof SchedulerError && error.code === 'ResourceNotFoundException') return 'absent';
        throw error;
      }
    },
    /** GetSchedule, or null when there is none. */
    async get(name: string, group: string): Promise<Schedule | null> {
      try {
        return (await call('GetSchedule', 'GET', name, { groupName: group }, undefined)) as Schedule;
      } catch (error) {
        if (error instanceof SchedulerError && error.code === 'ResourceNotFoundException') return null;
        throw error;
      }
    },
  };
};

type Scheduler = ReturnType<typeof createScheduler>;

export type { Schedule, ScheduleDefinition, Scheduler, SchedulerOptions };
export { createScheduler, SchedulerError };
