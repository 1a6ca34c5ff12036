/**
 * What one confirmed booking asks of AWS, counted on the devstack: the devstack runs with the
 * bench's AWS stand-in between its functions and DynamoDB Local (`bench/processes/saga-devstack.ts`
 * with BENCH_COUNT_CALLS=1), so every DynamoDB call the bookings and payments functions make passes
 * through it and is kept with its request and answer.
 *
 * After a quiet window (the devstack's own data calls: none expected; its stream pollers' reads are
 * not data calls) and an unmeasured warm-up, bookings with no payment token go one at a time. For
 * each: the calls from the POST sent to its answer are the request's own (`post`); the calls from
 * its answer until its `booking.confirmed` is on the bus and a settle pause has passed are the
 * saga's (`saga`), table by table, a table's calls being its service's function's. Each step's
 * units: read units as DynamoDB Local reported them, write units by AWS's rules from the items on
 * the wire (`bench/lib/write-units.ts`), and the records written that carry events (each a stream
 * record the outbox publisher publishes). The events that crossed the bus for the booking come from
 * `GET /_devstack/events` by the POST's correlation id; the rules each matches, and how each reaches
 * its function (a queue or directly), from the manifests' subscriptions.
 */
import { randomUUID } from 'node:crypto';
import { loadManifests, type Manifest } from '../../packages/tooling/src/manifests.ts';
import { call, expectOk, login, newProvider, newRoom, newUser, sleep } from '../lib/api-client.ts';
import type { SagaEvent, SagaRequests, SagaStep, SagaTableCalls } from '../lib/results.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface RequestsOptions {
  readonly api: string;
  readonly controlUrl: string;
  readonly admin: { readonly email: string; readonly password: string };
  readonly bookings: number;
  readonly warmup: number;
  readonly idleMs: number;
  /** How long to wait after `booking.confirmed` is on the bus before closing the saga's window. */
  readonly settleMs: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

interface BusEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: { readonly correlationId: string; readonly eventId: string };
}

/** True when an event matches a pattern of exact values (`source`, `detail-type`), the only kind the manifests use. */
const matches = (pattern: Readonly<Record<string, unknown>>, event: BusEvent) =>
  Object.entries(pattern).every(([field, allowed]) => {
    if (!Array.isArray(allowed) || allowed.some((v) => typeof v !== 'string'))
      throw new Error(
        `the bench matches exact-value patterns only, not ${field}: ${JSON.stringify(allowed)}`,
      );
    const value = field === 'source' ? event.source : field === 'detail-type' ? event.detailType : undefined;
    return value !== undefined && allowed.includes(value);
  });

const deliveriesOf = (manifests: readonly Manifest[], event: BusEvent): SagaEvent['deliveries'] =>
  manifests.flatMap((manifest) =>
    manifest.subscriptions
      .filter((subscription) => matches(subscription.pattern, event))
      .map((subscription) => ({
        rule: `${manifest.name}.${subscription.name}`,
        service: manifest.name,
        functionName: subscription.target.function,
        via: subscription.target.queue ? ('queue' as const) : ('function' as const),
      })),
  );

/** The function of each service that uses its table, and the publisher (the function reading every table's stream). */
const functionsOf = (manifests: readonly Manifest[]) => {
  const functions: Record<string, { functionName: string; memoryMb: number }> = {};
  let publisher: { functionName: string; memoryMb: number } | undefined;
  for (const manifest of manifests) {
    for (const [name, fn] of Object.entries(manifest.functions)) {
      if (fn.tableStreams) publisher = { functionName: name, memoryMb: fn.memorySize };
      else if (
        manifest.tableDeclaration &&
        Object.values(fn.environment).some((source) => 'table' in source) &&
        !functions[manifest.name]
      )
        functions[manifest.name] = { functionName: name, memoryMb: fn.memorySize };
    }
  }
  if (!publisher) throw new Error('no manifest declares a function reading the table streams');
  return { functions, publisher };
};

/** What makes two bookings' figures the same: the calls and the units, not the ids. */
const shapeOf = (steps: readonly SagaStep[]) =>
  JSON.stringify(
    steps.map((step) =>
      step.tables.map((t) => [
        t.service,
        t.calls,
        t.readUnits,
        t.writeUnits,
        t.indexWriteUnits,
        t.eventRecords,
        t.eventsCarried,
      ]),
    ),
  );

/**
 * Counts the calls of `options.bookings` confirmed bookings on a devstack counting its calls.
 *
 * @example
 * const requests = await measureSagaRequests({ api, controlUrl, admin, bookings: 10, warmup: 2, ... });
 */
const measureSagaRequests = async (options: RequestsOptions): Promise<SagaRequests> => {
  const { api, controlUrl } = options;
  const manifests = loadManifests();
  const adminToken = await login(api, options.admin.email, options.admin.password);
  const provider = await newProvider(api, adminToken, 'count-provider');
  const roomId = await newRoom(api, provider, 'Counted room');
  const booker = await newUser(api, 'count-booker');

  const mark = async () => Number((await expectOk('GET /mark', call(controlUrl, 'GET', '/mark'))).mark);
  const window = async (from: number, to: number) =>
    (await expectOk(
      'POST /window',
      call(controlUrl, 'POST', '/window', { body: { from, to }, timeoutMs: 60_000 }),
    )) as unknown as { dataCalls: number; tables: SagaTableCalls[] };
  const eventsOf = async (correlationId: string, detailType?: string) =>
    (
      await expectOk(
        'GET /_devstack/events',
        call(
          api,
          'GET',
          `/_devstack/events?${new URLSearchParams({ correlationId, ...(detailType ? { detailType } : {}) })}`,
        ),
      )
    ).items as BusEvent[];

  // The setup's own events (the new users and the role change reach the directories) settle first.
  await sleep(2 * options.settleMs);
  const idleFrom = await mark();
  await sleep(options.idleMs);
  const idle = await window(idleFrom, await mark());

  const firstDay = Math.floor(Date.now() / DAY_MS) * DAY_MS + 2 * DAY_MS;
  const bookOne = async (k: number) => {
    const start = firstDay + Math.floor(k / 20) * DAY_MS + (2 + (k % 20)) * HOUR_MS;
    const correlationId = randomUUID();
    const from = await mark();
    const posted = await expectOk(
      'POST /v1/bookings',
      call(api, 'POST', '/v1/bookings', {
        token: booker.token,
        headers: { 'x-request-id': correlationId },
        body: {
          roomId,
          startTime: new Date(start).toISOString(),
          endTime: new Date(start + HOUR_MS).toISOString(),
        },
      }),
    );
    const answered = await mark();
    const deadline = performance.now() + options.timeoutMs;
    while ((await eventsOf(correlationId, 'booking.confirmed')).length === 0) {
      if (performance.now() > deadline)
        throw new Error(`booking ${String(posted.id)} not confirmed within ${options.timeoutMs} ms`);
      await sleep(20);
    }
    await sleep(options.settleMs);
    const to = await mark();
    const steps: SagaStep[] = [
      { step: 'post', tables: (await window(from, answered)).tables },
      { step: 'saga', tables: (await window(answered, to)).tables },
    ];
    const status = (
      await expectOk(
        'GET /v1/bookings/{id}',
        call(api, 'GET', `/v1/bookings/${String(posted.id)}`, { token: booker.token }),
      )
    ).status;
    if (status !== 'CONFIRMED')
      throw new Error(`booking ${String(posted.id)} is ${String(status)}, not CONFIRMED`);
    return { steps, events: await eventsOf(correlationId) };
  };

  for (let k = 0; k < options.warmup; k++) await bookOne(k);
  const counted = [];
  for (let k = 0; k < options.bookings; k++) counted.push(await bookOne(options.warmup + k));
  const first = counted[0];
  if (!first) throw new Error('no booking counted');
  const identical = counted.every((c) => shapeOf(c.steps) === shapeOf(first.steps));
  const { functions, publisher } = functionsOf(manifests);
  const events: SagaEvent[] = first.events.map((event) => ({
    detailType: event.detailType,
    source: event.source,
    bytes:
      Buffer.byteLength(event.source) +
      Buffer.byteLength(event.detailType) +
      Buffer.byteLength(JSON.stringify(event.detail)),
    deliveries: deliveriesOf(manifests, event),
  }));
  options.log(
    `  payments requests: ${counted.length} bookings${identical ? ', the same calls and units each' : ', NOT all the same'}; ${events.length} events; idle data calls ${idle.dataCalls}`,
  );
  return {
    bookings: counted.length,
    identical,
    idleMs: options.idleMs,
    idleDataCalls: idle.dataCalls,
    steps: first.steps,
    events,
    functions,
    publisher,
    queues: manifests.flatMap((manifest) =>
      manifest.subscriptions.filter((s) => s.target.queue).map((s) => `${manifest.name}.${s.name}`),
    ),
  };
};

export type { RequestsOptions };
export { deliveriesOf, functionsOf, measureSagaRequests };
