/**
 * How exactly the devstack fires one-time schedules: `schedules` of them made with the real
 * `@aws-sdk/client-scheduler` against the devstack's scheduler endpoint, as the bookings function
 * makes its reminders (group `tessera-devstack-bookings`, the bookings function as the target, its
 * execution role and the schedules' dead-letter queue, no flexible window, `ActionAfterCompletion:
 * DELETE`), each a `booking-reminder` of a booking that does not exist (the function answers
 * `not-wanted` after one GetItem), at `at()` times on whole seconds spread over `spreadSeconds`
 * seconds starting `leadSeconds` after now, on the ticking clock (never advanced).
 *
 * Per schedule, *fired minus scheduled*: the moment the scheduler handed the event to the function
 * (the devstack child's `GET /firings`: its scheduler's `invoke` wrapped), minus the `at()` time;
 * and the handler's own `schedule ran` line (written at its end) as it reached the devstack's
 * thread. Every schedule must fire, none twice, and none may be left pending.
 *
 * **Baselines, in the same run.** (1) A plain `setTimeout` in the devstack's own process for each
 * due time, armed as the schedules are made (`POST /timers`): the lateness of a Node timer on that
 * loaded event loop, which is what the scheduler's timers stand on; the scheduler's figure minus
 * this one is what the scheduler adds (its timer bookkeeping, the invocation record it writes to
 * disk first). (2) The same function invoked directly, one at a time (`POST /invoke`): the
 * invocation's own time, to compare with the hand-off to the end of a fired one. Both processes
 * stamp with `performance.timeOrigin + performance.now()`; the `at()` times are wall-clock
 * milliseconds, and the devstack clock's reading beside each hand-off shows how far those two
 * clocks are apart (`clockSkewMs`).
 */
import { randomUUID } from 'node:crypto';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../packages/devstack/src/index.ts';
import { call, expectOk, sleep } from '../lib/api-client.ts';
import type { SchedulesExactness } from '../lib/results.ts';
import { eachLimited, epochMs } from '../lib/sockets.ts';
import { spread } from '../lib/stats.ts';

const GROUP = 'tessera-devstack-bookings';
const TARGET = 'arn:aws:lambda:us-east-1:000000000000:function:bookings';
const ROLE = 'arn:aws:iam::000000000000:role/tessera-devstack-bookings-scheduler';
const DEAD_LETTER = 'arn:aws:sqs:us-east-1:000000000000:bookings-schedules-dlq';

interface ExactnessOptions {
  readonly controlUrl: string;
  readonly api: string;
  readonly schedulerEndpoint: string;
  readonly schedules: number;
  /** The first due time is at least this long after now (the creates must be done by then). */
  readonly leadSeconds: number;
  /** The due times cover this many whole seconds. */
  readonly spreadSeconds: number;
  readonly createConcurrency: number;
  /** Direct invocations of the function (the second baseline), after one unmeasured. */
  readonly directInvokes: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

interface Firings {
  readonly handOffsObserved: boolean;
  readonly handOffs: ReadonlyArray<{
    readonly correlationId: string;
    readonly handedAt: number;
    readonly clockAt: number;
    readonly settledAt?: number;
    readonly error?: string;
  }>;
  readonly ran: ReadonlyArray<{
    readonly correlationId: string;
    readonly outcome: string;
    readonly arrivedAt: number;
  }>;
}

/** `at(yyyy-mm-ddThh:mm:ss)` of a UTC instant on a whole second. */
const atExpression = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;

const inputOf = (correlationId: string, startMs: number) =>
  JSON.stringify({
    schedule: 'booking-reminder',
    bookingId: randomUUID(),
    startTime: new Date(startMs).toISOString(),
    correlationId,
  });

const round2 = (ms: number) => Math.round(ms * 100) / 100;

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/**
 * Makes the schedules, waits for them to fire, and answers fired minus scheduled beside the baselines.
 *
 * @example
 * const exactness = await measureExactness({ controlUrl, api, schedulerEndpoint, schedules: 100, leadSeconds: 20, spreadSeconds: 20, ... });
 */
const measureExactness = async (options: ExactnessOptions): Promise<SchedulesExactness> => {
  const { controlUrl } = options;
  const firings = async () =>
    (await expectOk('GET /firings', call(controlUrl, 'GET', '/firings'))) as unknown as Firings;

  // Baseline 2 first (it also warms the function: its schedule handler and the logger load lazily).
  const direct: Array<{ invokeMs: number; correlationId: string; startedAt: number }> = [];
  for (let k = 0; k <= options.directInvokes; k++) {
    const correlationId = `bench-direct-${k}`;
    const answer = await expectOk(
      'POST /invoke',
      call(controlUrl, 'POST', '/invoke', {
        body: { functionName: 'bookings', event: JSON.parse(inputOf(correlationId, Date.now() + 3_600_000)) },
      }),
    );
    const result = answer.result as { outcome?: string } | undefined;
    if (result?.outcome !== 'not-wanted')
      throw new Error(
        `the bookings function answered ${JSON.stringify(answer.result)} to a schedule of no booking`,
      );
    if (k > 0)
      direct.push({
        invokeMs: Number(answer.settledAt) - Number(answer.startedAt),
        correlationId,
        startedAt: Number(answer.startedAt),
      });
    await sleep(50);
  }

  const client = new SchedulerClient({
    endpoint: options.schedulerEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const firstDue = Math.ceil(Date.now() / 1000) * 1000 + options.leadSeconds * 1000;
  const planned = Array.from({ length: options.schedules }, (_, i) => ({
    name: `bench-exactness-${i}`,
    correlationId: `bench-${i}`,
    dueMs: firstDue + Math.floor((i * options.spreadSeconds) / options.schedules) * 1000,
  }));
  const createMs: number[] = [];
  // Baseline 1b: the same due times on the bench's own event loop, which the scheduler's work does not share.
  const benchTimers = planned.map((p) => ({ dueMs: p.dueMs, firedAt: undefined as number | undefined }));
  for (const t of benchTimers)
    setTimeout(
      () => {
        t.firedAt = epochMs();
      },
      Math.max(0, t.dueMs - Date.now()),
    );
  try {
    // The baseline timers are armed first, for the same due times.
    await expectOk(
      'POST /timers',
      call(controlUrl, 'POST', '/timers', {
        body: { items: planned.map((p) => ({ id: p.correlationId, dueMs: p.dueMs })) },
      }),
    );
    await eachLimited(planned, options.createConcurrency, async (p) => {
      const sent = epochMs();
      await client.send(
        new CreateScheduleCommand({
          Name: p.name,
          GroupName: GROUP,
          ScheduleExpression: atExpression(p.dueMs),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: TARGET,
            RoleArn: ROLE,
            Input: inputOf(p.correlationId, p.dueMs + 3_600_000),
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: DEAD_LETTER },
          },
        }),
      );
      createMs.push(epochMs() - sent);
    });
  } finally {
    client.destroy();
  }
  const createsDone = Date.now();
  if (createsDone >= firstDue) throw new Error('the creates took longer than the lead: raise --lead-seconds');
  options.log(
    `  schedules: ${planned.length} made (CreateSchedule p50 ${spread(createMs).median.toFixed(1)} ms), the first due in ${((firstDue - createsDone) / 1000).toFixed(1)} s`,
  );

  const lastDue = planned[planned.length - 1]?.dueMs ?? firstDue;
  await sleep(Math.max(0, lastDue - Date.now()) + 1000);
  const wanted = new Set(planned.map((p) => p.correlationId));
  const deadline = performance.now() + options.timeoutMs;
  let seen = await firings();
  while (
    new Set(seen.ran.filter((r) => wanted.has(r.correlationId)).map((r) => r.correlationId)).size <
    wanted.size
  ) {
    if (performance.now() > deadline) break;
    await sleep(200);
    seen = await firings();
  }
  // A little more, so a second firing (there must be none) would show.
  await sleep(1000);
  seen = await firings();
  const timers = (
    (await expectOk('GET /timers', call(controlUrl, 'GET', '/timers'))).items as Array<{
      id: string;
      dueMs: number;
      firedAt?: number;
    }>
  ).filter((t) => wanted.has(t.id));
  const pending = (
    (await expectOk('GET /_devstack/schedules', call(options.api, 'GET', '/_devstack/schedules')))
      .items as Array<{
      name: string;
    }>
  ).filter((s) => s.name.startsWith('bench-exactness-')).length;

  const handOffs = seen.handOffs.filter((h) => wanted.has(h.correlationId));
  const ran = seen.ran.filter((r) => wanted.has(r.correlationId));
  const handCounts = countBy(handOffs, (h) => h.correlationId);
  const ranCounts = countBy(ran, (r) => r.correlationId);
  const firstHand = new Map<string, (typeof handOffs)[number]>();
  for (const h of handOffs) if (!firstHand.has(h.correlationId)) firstHand.set(h.correlationId, h);
  const firstRan = new Map<string, (typeof ran)[number]>();
  for (const r of ran) if (!firstRan.has(r.correlationId)) firstRan.set(r.correlationId, r);
  const fired: number[] = [];
  const ranMs: number[] = [];
  const invocationMs: number[] = [];
  const skew: number[] = [];
  for (const p of planned) {
    const h = firstHand.get(p.correlationId);
    if (h) {
      fired.push(round2(h.handedAt - p.dueMs));
      skew.push(h.clockAt - h.handedAt);
      if (h.settledAt !== undefined) invocationMs.push(h.settledAt - h.handedAt);
    }
    const r = firstRan.get(p.correlationId);
    if (r) ranMs.push(r.arrivedAt - p.dueMs);
  }
  const firstOfSecond = [...new Set(planned.map((p) => p.dueMs))].flatMap((dueMs) => {
    const times = planned.flatMap((p) => {
      const h = p.dueMs === dueMs ? firstHand.get(p.correlationId) : undefined;
      return h ? [h.handedAt - dueMs] : [];
    });
    return times.length ? [Math.min(...times)] : [];
  });
  const directRan = direct.flatMap((d) => {
    const r = seen.ran.find((x) => x.correlationId === d.correlationId);
    return r ? [r.arrivedAt - d.startedAt] : [];
  });
  const timerMs = timers.flatMap((t) => (t.firedAt === undefined ? [] : [t.firedAt - t.dueMs]));
  const sortedSkew = [...skew].sort((a, b) => a - b);
  const result: SchedulesExactness = {
    schedules: planned.length,
    distinctSeconds: new Set(planned.map((p) => p.dueMs)).size,
    firstDueAfterCreatesMs: firstDue - createsDone,
    createMs: spread(createMs),
    createConcurrency: options.createConcurrency,
    handOffsObserved: seen.handOffsObserved,
    fired: handCounts.size,
    firedTwice: [...handCounts.values()].filter((n) => n > 1).length,
    ran: ranCounts.size,
    ranTwice: [...ranCounts.values()].filter((n) => n > 1).length,
    outcomes: Object.fromEntries(countBy(ran, (r) => r.outcome)),
    pendingAfter: pending,
    firedMs: spread(fired),
    firstOfSecondMs: spread(firstOfSecond),
    ranMs: spread(ranMs),
    invocationMs: spread(invocationMs),
    timerMs: spread(timerMs),
    benchTimerMs: spread(benchTimers.flatMap((t) => (t.firedAt === undefined ? [] : [t.firedAt - t.dueMs]))),
    directInvokeMs: spread(direct.map((d) => d.invokeMs)),
    directRanMs: spread(directRan),
    directInvokes: direct.length,
    clockSkewMs: sortedSkew.length ? (sortedSkew[Math.floor(sortedSkew.length / 2)] ?? 0) : 0,
    samples: fired,
  };
  options.log(
    `  schedules: ${result.fired} of ${result.schedules} fired (${result.firedTwice} twice), ${result.ran} ran (${result.ranTwice} twice), ${pending} left; fired - scheduled p50 ${result.firedMs.median.toFixed(2)} ms, p99 ${result.firedMs.p99.toFixed(2)}, max ${result.firedMs.max.toFixed(2)}; setTimeout p50 ${result.timerMs.median.toFixed(2)} ms`,
  );
  return result;
};

export type { ExactnessOptions };
export { atExpression, measureExactness };
