/**
 * Cost model: dollars per million creates and per million gets on AWS (us-east-1, on-demand), from
 * what this run measured (capacity units, our handler overhead above the SDK floor) and stated assumptions (the
 * latency of each AWS call, which sets the billed Lambda duration).
 *
 * Per request, a get pays: API Gateway, the tickets Lambda (request + duration), one GetItem. A
 * create pays the same shape with a TransactWriteItems (ticket + outbox item), plus the stream-
 * triggered publisher Lambda (amortised over its batch) and one PutEvents entry. Stream reads by
 * Lambda, the stream filter and TTL deletes of outbox items cost nothing.
 *
 * A confirmed booking (`confirmedBookingCost`) is priced from what the payments benchmark counted
 * on the devstack (`bench/metrics/payments-requests.ts`): the POST (API Gateway, the bookings
 * Lambda, its transaction), then the saga: every event on the bus, each rule's delivery (free within
 * the account), the charges queue's requests (EventBridge's SendMessage, the event source mapping's
 * ReceiveMessage and DeleteMessageBatch), each function invoked and its billed time from the calls
 * it made, their DynamoDB units, and a publisher invocation per stream record that carries events.
 *
 * A reminder (`reminderCost`) is priced from what the schedules benchmark counted on the devstack
 * (`bench/metrics/schedules-reminders.ts`): the bookings function's reconcile on `booking.confirmed`
 * (its GetItem, the Scheduler API calls, which are free), the schedule's invocation (EventBridge
 * Scheduler's, then the bookings function's GetItem and its two-item transaction), the publisher
 * and the `booking.reminder` entry, and the notifications function on it (its inbox transaction,
 * its connections queries, one `PostToConnection` per open connection, each a WebSocket message).
 */
import type {
  CapacityResults,
  CostComponent,
  CostOperation,
  CostResults,
  ReminderCost,
  ReminderCostLine,
  ReminderRequests,
  SagaCost,
  SagaCostLine,
  SagaRequests,
  SagaTableCalls,
  WarmResults,
} from '../lib/results.ts';

const PRICES = {
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'per GB-second, arm64, first 7.5 billion GB-s a month' },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'per request' },
  dynamodbWriteUnit: { usd: 0.625 / 1e6, unit: 'per write request unit, on-demand (after the Nov 2024 cut)' },
  dynamodbReadUnit: { usd: 0.125 / 1e6, unit: 'per read request unit, on-demand (after the Nov 2024 cut)' },
  httpApiRequest: {
    usd: 1.0 / 1e6,
    unit: 'per HTTP API request, first 300 million a month, metered in 512 KB',
  },
  eventBridgeEvent: { usd: 1.0 / 1e6, unit: 'per custom event published, metered in 64 KB chunks' },
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: 'per SQS standard-queue request (a batch call is one), metered in 64 KB chunks; the first million a month free (ignored)',
  },
} as const;

const SQS_PRICE_SOURCE =
  "SQS standard queues $0.40 per million requests (first 100 billion a month; every 64 KB of a payload a request; the first million a month free), as AWS's SQS pricing page and 2026 pricing summaries give it; EventBridge delivers a custom event to targets in the same account at no charge beyond the $1.00 per million published; DynamoDB Streams reads by a Lambda trigger are free";

const PRICES_AS_OF =
  "us-east-1 on-demand list prices as of 2026-11-21, from AWS's pricing pages for Lambda, DynamoDB, API Gateway and EventBridge as quoted by pricing summaries of 2025-2026 (Lambda arm64 $0.0000133334 per GB-s and the artillery price table agree; DynamoDB on-demand after the November 2024 cut, $0.625 / $0.125 per million write / read units); this machine cannot reach the AWS pages to read them live, so check them before quoting a figure";

const ASSUMPTIONS = {
  getItemMs: {
    value: 5,
    note: 'GetItem round trip from Lambda, in-region, strongly consistent (DynamoDB is "single-digit ms")',
  },
  transactWriteMs: {
    value: 12,
    note: 'TransactWriteItems of two items, in-region (a transaction is two phases)',
  },
  putEventsMs: { value: 15, note: 'PutEvents round trip from the publisher, in-region' },
  publisherOverheadMs: {
    value: 1,
    note: "the publisher's own work per invocation (unmarshall, JSON), not measured here",
  },
  publisherBatch: {
    value: 1,
    note: 'stream records per publisher invocation; 1 is quiet traffic, the worst case (batches grow with traffic, up to 100)',
  },
  authorizerMs: { value: 3, note: "the authorizer's ES256 verification, warm, not measured here" },
  cpuScale: {
    value: 1769 / 512,
    note: 'Lambda gives one vCPU at 1,769 MB; at 512 MB our measured µs are scaled by 1769/512, taking one core here as one vCPU there',
  },
} as const;

const MEMORY_MB = { tickets: 512, publisher: 256, authorizer: 256 } as const;

const perMillion = (usdPerRequest: number) => usdPerRequest * 1e6;
const lambdaDuration = (billedMs: number, memoryMb: number) =>
  (billedMs / 1000) * (memoryMb / 1024) * PRICES.lambdaArmGbSecond.usd;

const component = (name: string, usdPerRequest: number, formula: string): CostComponent => ({
  component: name,
  dollarsPerMillion: perMillion(usdPerRequest),
  formula,
});

const operation = (name: string, components: CostComponent[]): CostOperation => ({
  operation: name,
  components,
  totalPerMillion: components.reduce((sum, c) => sum + c.dollarsPerMillion, 0),
});

const unitsOf = (capacity: CapacityResults, prefix: string) => {
  const rows = capacity.measurements.filter((m) => m.operation.startsWith(prefix));
  const largest = rows.sort((a, b) => b.size - a.size)[0];
  if (!largest) throw new Error(`No capacity measured for ${prefix}`);
  return largest;
};

/**
 * Our code's µs per request: our overhead above the floor (the same DynamoDB calls alone, whose
 * cost in AWS is the assumed round trip below), or our median when no floor was measured.
 */
const oursMedianUs = (warm: WarmResults, operationName: string) => {
  const rows = warm.rows.filter((r) => r.operation === operationName);
  const ours = rows.find((r) => r.implementation === 'tessera');
  if (!ours) throw new Error(`No warm overhead measured for ${operationName}`);
  const floor = rows.find((r) => r.role === 'floor');
  return Math.max(0, ours.overheadUs?.median ?? ours.usPerRequest.median - (floor?.usPerRequest.median ?? 0));
};

/**
 * The cost model from a run's capacity and warm results.
 *
 * @example
 * const cost = costModel(results.capacity, results.warm);
 */
const costModel = (capacity: CapacityResults, warm: WarmResults): CostResults => {
  const a = ASSUMPTIONS;
  const createUnits = unitsOf(capacity, 'POST /v1/tickets');
  const getUnits = unitsOf(capacity, 'GET /v1/tickets/{id}');
  const createUs = oursMedianUs(warm, 'POST /v1/tickets') * a.cpuScale.value;
  const getUs = oursMedianUs(warm, 'GET /v1/tickets/{id}') * a.cpuScale.value;
  const createBilledMs = Math.ceil(createUs / 1000 + a.transactWriteMs.value);
  const getBilledMs = Math.ceil(getUs / 1000 + a.getItemMs.value);
  const publisherBilledMs = Math.ceil(a.putEventsMs.value + a.publisherOverheadMs.value);

  const api = component(
    'API Gateway HTTP API',
    PRICES.httpApiRequest.usd,
    '1 request (< 512 KB) x $1.00 / M',
  );
  const lambdaRequest = component('tickets Lambda, request', PRICES.lambdaRequest.usd, '1 x $0.20 / M');
  const create = operation('POST /v1/tickets (create)', [
    api,
    lambdaRequest,
    component(
      'tickets Lambda, duration',
      lambdaDuration(createBilledMs, MEMORY_MB.tickets),
      `ceil(${createUs.toFixed(0)} µs ours + ${a.transactWriteMs.value} ms TransactWriteItems) = ${createBilledMs} ms x 0.5 GB x $0.0000133334`,
    ),
    component(
      'DynamoDB writes (ticket, outbox, 2 index entries)',
      createUnits.writeUnits * PRICES.dynamodbWriteUnit.usd +
        createUnits.readUnits * PRICES.dynamodbReadUnit.usd,
      `${createUnits.writeUnits} WRU measured x $0.625 / M`,
    ),
    component(
      'publisher Lambda, request',
      PRICES.lambdaRequest.usd / a.publisherBatch.value,
      `1 / ${a.publisherBatch.value} record per invocation x $0.20 / M`,
    ),
    component(
      'publisher Lambda, duration',
      lambdaDuration(publisherBilledMs, MEMORY_MB.publisher) / a.publisherBatch.value,
      `ceil(${a.putEventsMs.value} ms PutEvents + ${a.publisherOverheadMs.value} ms) = ${publisherBilledMs} ms x 0.25 GB x $0.0000133334 / ${a.publisherBatch.value}`,
    ),
    component('EventBridge PutEvents entry', PRICES.eventBridgeEvent.usd, '1 event (< 64 KB) x $1.00 / M'),
  ]);
  const get = operation('GET /v1/tickets/{id} (get)', [
    api,
    lambdaRequest,
    component(
      'tickets Lambda, duration',
      lambdaDuration(getBilledMs, MEMORY_MB.tickets),
      `ceil(${getUs.toFixed(0)} µs ours + ${a.getItemMs.value} ms GetItem) = ${getBilledMs} ms x 0.5 GB x $0.0000133334`,
    ),
    component(
      'DynamoDB read (GetItem, consistent)',
      getUnits.readUnits * PRICES.dynamodbReadUnit.usd + getUnits.writeUnits * PRICES.dynamodbWriteUnit.usd,
      `${getUnits.readUnits} RRU measured x $0.125 / M`,
    ),
  ]);
  const authorizerBilledMs = Math.ceil(a.authorizerMs.value);
  const authorizer = operation('authorizer, per uncached request', [
    component('authorizer Lambda, request', PRICES.lambdaRequest.usd, '1 x $0.20 / M'),
    component(
      'authorizer Lambda, duration',
      lambdaDuration(authorizerBilledMs, MEMORY_MB.authorizer),
      `${authorizerBilledMs} ms x 0.25 GB x $0.0000133334`,
    ),
  ]);
  return {
    prices: PRICES,
    pricesAsOf: PRICES_AS_OF,
    assumptions: ASSUMPTIONS,
    operations: [create, get],
    authorizerPerMillion: authorizer,
  };
};

const SAGA_ASSUMPTIONS = {
  itemCallMs: {
    value: ASSUMPTIONS.getItemMs.value,
    note: 'a GetItem, PutItem, UpdateItem, DeleteItem or Query round trip from Lambda, in-region (getItemMs, for every single-item call)',
  },
  transactWriteMs: ASSUMPTIONS.transactWriteMs,
  putEventsMs: ASSUMPTIONS.putEventsMs,
  publisherOverheadMs: ASSUMPTIONS.publisherOverheadMs,
  ownWorkMs: {
    value: 1,
    note: "our code's own work per invocation of the bookings and payments functions, not measured for them (the tickets create's is 0.2 ms at 512 MB, section 3)",
  },
  publisherBatch: ASSUMPTIONS.publisherBatch,
  sqsBatch: {
    value: 1,
    note: 'messages per ReceiveMessage, per DeleteMessageBatch and per payments invocation: with no batching window the mapping hands a message on as soon as it comes, so quiet traffic gives batches of 1, the worst case (up to 10, the batch size, when busy)',
  },
  idlePollers: {
    value: 5,
    note: "long polls (20 s each) a queue's event source mapping keeps open when the queue is idle (AWS: five; fewer only without maximum concurrency, which the mapping sets)",
  },
} as const;

const chunks = (bytes: number, size: number) => Math.max(1, Math.ceil(bytes / size));
/** A price per million as its list gives it: $0.625, $0.40, $1.00. */
const price = (usd: number) => {
  const text = (usd * 1e6).toFixed(3);
  return `$${text.endsWith('0') ? text.slice(0, -1) : text} / M`;
};

/** Billed ms of one invocation that made `calls` (split over `invocations`), by the assumed round trips. */
const billedMs = (calls: readonly string[], invocations: number) => {
  const a = SAGA_ASSUMPTIONS;
  const waiting = calls.reduce(
    (sum, c) => sum + (c === 'TransactWriteItems' ? a.transactWriteMs.value : a.itemCallMs.value),
    0,
  );
  return Math.ceil(waiting / invocations + a.ownWorkMs.value);
};

const callList = (calls: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([c, n]) => (n > 1 ? `${n} ${c}` : c)).join(' + ');
};

/**
 * Dollars per million confirmed bookings, from what one booking asked of AWS on the devstack.
 *
 * @example
 * const cost = confirmedBookingCost(results.payments.requests);
 */
const confirmedBookingCost = (requests: SagaRequests): SagaCost => {
  const a = SAGA_ASSUMPTIONS;
  const lines: SagaCostLine[] = [];
  const line = (
    group: SagaCostLine['group'],
    name: string,
    count: number,
    unitUsd: number,
    priceText: string,
    formula: string,
  ) =>
    lines.push({
      group,
      component: name,
      count,
      price: priceText,
      dollarsPerMillion: perMillion(count * unitUsd),
      formula,
    });
  const gb = (memoryMb: number) => `${memoryMb / 1024} GB`;
  const lambda = (
    group: SagaCostLine['group'],
    functionName: string,
    memoryMb: number,
    invocations: number,
    calls: readonly string[],
    why: string,
  ) => {
    line(
      group,
      `${functionName} Lambda, requests (${why})`,
      invocations,
      PRICES.lambdaRequest.usd,
      price(PRICES.lambdaRequest.usd),
      `${invocations} invocation(s)`,
    );
    const ms = billedMs(calls, invocations);
    line(
      group,
      `${functionName} Lambda, billed ms (${why})`,
      invocations * ms,
      lambdaDuration(1, memoryMb),
      `$${PRICES.lambdaArmGbSecond.usd} per GB-s x ${gb(memoryMb)}`,
      `${invocations} x ceil(${calls.length ? `${callList(calls)} waited ${calls.reduce((s, c) => s + (c === 'TransactWriteItems' ? a.transactWriteMs.value : a.itemCallMs.value), 0) / invocations} ms + ` : ''}${a.ownWorkMs.value} ms ours) = ${ms} ms x ${gb(memoryMb)}`,
    );
  };
  const dynamodb = (group: SagaCostLine['group'], table: SagaTableCalls, what: string) => {
    const writes = table.writeUnits + table.indexWriteUnits;
    if (writes > 0)
      line(
        group,
        `DynamoDB writes, ${table.service} table (${what})`,
        writes,
        PRICES.dynamodbWriteUnit.usd,
        price(PRICES.dynamodbWriteUnit.usd),
        `${writes} WRU by AWS's rules (table ${table.writeUnits} + indexes ${table.indexWriteUnits}): ${table.items.map((i) => `${i.action} ${i.key} ${i.table}${i.indexes ? ` + ${i.indexes} index` : ''}`).join(', ')}`,
      );
    if (table.readUnits > 0)
      line(
        group,
        `DynamoDB reads, ${table.service} table (${what})`,
        table.readUnits,
        PRICES.dynamodbReadUnit.usd,
        price(PRICES.dynamodbReadUnit.usd),
        `${table.readUnits} RRU as DynamoDB Local reported them (${callList(table.calls.filter((c) => ['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems'].includes(c)))})`,
      );
  };

  const post = requests.steps.find((s) => s.step === 'post')?.tables ?? [];
  const saga = requests.steps.find((s) => s.step === 'saga')?.tables ?? [];

  // The request itself: API Gateway, the function serving it, its DynamoDB units.
  line(
    'post',
    'API Gateway HTTP API (POST /v1/bookings)',
    1,
    PRICES.httpApiRequest.usd,
    price(PRICES.httpApiRequest.usd),
    '1 request (< 512 KB)',
  );
  for (const table of post) {
    const fn = requests.functions[table.service];
    if (!fn) throw new Error(`no function of ${table.service} in the counted requests`);
    lambda('post', fn.functionName, fn.memoryMb, 1, table.calls, 'POST /v1/bookings');
    dynamodb('post', table, 'POST /v1/bookings');
  }

  // The saga: the events, their deliveries, the queue, the functions invoked and their units.
  const entries = requests.events.reduce((sum, e) => sum + chunks(e.bytes, 64 * 1024), 0);
  line(
    'saga',
    'EventBridge custom events',
    entries,
    PRICES.eventBridgeEvent.usd,
    price(PRICES.eventBridgeEvent.usd),
    `${requests.events.map((e) => `${e.detailType} (${(e.bytes / 1024).toFixed(1)} KB)`).join(', ')}; each under 64 KB`,
  );
  const deliveries = requests.events.flatMap((e) => e.deliveries.map((d) => ({ ...d, event: e })));
  line(
    'saga',
    'EventBridge rule deliveries (same account)',
    deliveries.length,
    0,
    '$0 (no charge)',
    deliveries
      .map((d) => `${d.event.detailType} -> ${d.rule} (${d.via === 'queue' ? 'its queue' : d.functionName})`)
      .join(', ') || 'none',
  );
  const queued = deliveries.filter((d) => d.via === 'queue');
  if (queued.length > 0) {
    const sends = queued.reduce((sum, d) => sum + chunks(d.event.bytes, 64 * 1024), 0);
    const batches = queued.length / a.sqsBatch.value;
    line(
      'saga',
      'SQS SendMessage (EventBridge to the queue)',
      sends,
      PRICES.sqsRequest.usd,
      price(PRICES.sqsRequest.usd),
      `${queued.map((d) => d.rule).join(', ')}: one request per message (< 64 KB)`,
    );
    line(
      'saga',
      'SQS ReceiveMessage (the event source mapping)',
      batches,
      PRICES.sqsRequest.usd,
      price(PRICES.sqsRequest.usd),
      `${queued.length} message(s) / ${a.sqsBatch.value} per receive (sqsBatch); the idle long polls are a fixed cost, below`,
    );
    line(
      'saga',
      'SQS DeleteMessageBatch (the event source mapping)',
      batches,
      PRICES.sqsRequest.usd,
      price(PRICES.sqsRequest.usd),
      `one per batch of ${a.sqsBatch.value}`,
    );
  }
  for (const table of saga) {
    const fn = requests.functions[table.service];
    if (!fn) throw new Error(`no function of ${table.service} in the counted requests`);
    const reaching = deliveries.filter(
      (d) => d.service === table.service && d.functionName === fn.functionName,
    );
    const invocations =
      reaching.filter((d) => d.via === 'function').length +
      reaching.filter((d) => d.via === 'queue').length / a.sqsBatch.value;
    const why = reaching
      .map((d) => `${d.event.detailType}${d.via === 'queue' ? ' from its queue' : ''}`)
      .join(', ');
    lambda('saga', fn.functionName, fn.memoryMb, Math.max(invocations, 1), table.calls, why || 'saga');
    dynamodb('saga', table, why || 'saga');
  }
  const records = [...post, ...saga].reduce((sum, t) => sum + t.eventRecords, 0);
  const publisherMs = Math.ceil(a.putEventsMs.value + a.publisherOverheadMs.value);
  const publishes = records / a.publisherBatch.value;
  line(
    'saga',
    `${requests.publisher.functionName} Lambda, requests (outbox records)`,
    publishes,
    PRICES.lambdaRequest.usd,
    price(PRICES.lambdaRequest.usd),
    `${records} stream record(s) carrying events / ${a.publisherBatch.value} per invocation (publisherBatch)`,
  );
  line(
    'saga',
    `${requests.publisher.functionName} Lambda, billed ms (outbox records)`,
    publishes * publisherMs,
    lambdaDuration(1, requests.publisher.memoryMb),
    `$${PRICES.lambdaArmGbSecond.usd} per GB-s x ${gb(requests.publisher.memoryMb)}`,
    `${publishes} x ceil(${a.putEventsMs.value} ms PutEvents + ${a.publisherOverheadMs.value} ms) = ${publisherMs} ms x ${gb(requests.publisher.memoryMb)}`,
  );
  line(
    'saga',
    'DynamoDB Streams reads by the publisher (a Lambda trigger)',
    records,
    0,
    '$0 (free)',
    'GetRecords by a Lambda trigger are not charged',
  );

  const total = lines.reduce((sum, l) => sum + l.dollarsPerMillion, 0);
  const idleRequests = a.idlePollers.value * (60 / 20) * 60 * 24 * 30;
  return {
    lines,
    totalPerMillion: total,
    sagaPerMillion: lines.filter((l) => l.group === 'saga').reduce((sum, l) => sum + l.dollarsPerMillion, 0),
    fixedMonthly: requests.queues.map((queue) => ({
      component: `SQS ReceiveMessage, idle long polls of ${queue}`,
      dollars: idleRequests * PRICES.sqsRequest.usd,
      formula: `${a.idlePollers.value} pollers x 3 a minute (20 s each) x 43,200 minutes = ${idleRequests.toLocaleString('en')} requests x $0.40 / M`,
    })),
    prices: PRICES,
    pricesAsOf: `${PRICES_AS_OF}; ${SQS_PRICE_SOURCE}`,
    assumptions: SAGA_ASSUMPTIONS,
  };
};

const REMINDER_PRICES = {
  schedulerInvocation: {
    usd: 1.0 / 1e6,
    unit: 'per EventBridge Scheduler invocation (after the first 14 million a month, free: ignored); the Scheduler API calls (CreateSchedule, DeleteSchedule, ...) are not charged',
  },
  webSocketMessage: {
    usd: 1.0 / 1e6,
    unit: 'per API Gateway WebSocket message sent or received (first billion a month), metered in 32 KB increments; a PostToConnection sends one',
  },
  webSocketConnectionMinute: {
    usd: 0.25 / 1e6,
    unit: 'per API Gateway WebSocket connection minute (not per reminder: a connected user pays it while connected)',
  },
  lambdaArmGbSecond: PRICES.lambdaArmGbSecond,
  lambdaRequest: PRICES.lambdaRequest,
  dynamodbWriteUnit: PRICES.dynamodbWriteUnit,
  dynamodbReadUnit: PRICES.dynamodbReadUnit,
  eventBridgeEvent: PRICES.eventBridgeEvent,
} as const;

const REMINDER_PRICE_SOURCE =
  "EventBridge Scheduler $1.00 per million invocations after 14 million free a month, API calls free (AWS's EventBridge pricing page and its price list, us-east-1); API Gateway WebSocket $1.00 per million messages (first billion, 32 KB increments) and $0.25 per million connection minutes (AWS's API Gateway pricing page as quoted in 2025-2026); Lambda, DynamoDB and EventBridge as above";

const REMINDER_ASSUMPTIONS = {
  itemCallMs: SAGA_ASSUMPTIONS.itemCallMs,
  transactWriteMs: SAGA_ASSUMPTIONS.transactWriteMs,
  schedulerCallMs: {
    value: 20,
    note: 'a Scheduler API call (CreateSchedule, DeleteSchedule) round trip from Lambda, in-region, signed over HTTPS; not measured here',
  },
  postToConnectionMs: {
    value: 15,
    note: 'a PostToConnection round trip to the @connections endpoint, in-region; not measured here',
  },
  ownWorkMs: SAGA_ASSUMPTIONS.ownWorkMs,
  putEventsMs: SAGA_ASSUMPTIONS.putEventsMs,
  publisherOverheadMs: SAGA_ASSUMPTIONS.publisherOverheadMs,
  publisherBatch: SAGA_ASSUMPTIONS.publisherBatch,
  openConnections: {
    value: 1,
    note: "open WebSocket connections of the reminder's recipients (the owner's one; the provider none): one PostToConnection and one message each",
  },
} as const;

const READ_CALLS = ['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems'];

/**
 * Dollars per million reminders, from what one reminder asked of AWS on the devstack.
 *
 * @example
 * const cost = reminderCost(results.schedules.requests);
 */
const reminderCost = (requests: ReminderRequests): ReminderCost => {
  const a = REMINDER_ASSUMPTIONS;
  const lines: ReminderCostLine[] = [];
  const line = (
    group: ReminderCostLine['group'],
    name: string,
    count: number,
    unitUsd: number,
    priceText: string,
    formula: string,
  ) =>
    lines.push({
      group,
      component: name,
      count,
      price: priceText,
      dollarsPerMillion: perMillion(count * unitUsd),
      formula,
    });
  const gb = (memoryMb: number) => `${memoryMb / 1024} GB`;
  const waitOf = (call: string) =>
    call === 'TransactWriteItems'
      ? a.transactWriteMs.value
      : call.endsWith('Schedule')
        ? a.schedulerCallMs.value
        : call === 'PostToConnection'
          ? a.postToConnectionMs.value
          : a.itemCallMs.value;
  const lambda = (
    group: ReminderCostLine['group'],
    fn: { functionName: string; memoryMb: number },
    calls: readonly string[],
    why: string,
  ) => {
    line(
      group,
      `${fn.functionName} Lambda, request (${why})`,
      1,
      PRICES.lambdaRequest.usd,
      price(PRICES.lambdaRequest.usd),
      '1 invocation',
    );
    const waited = calls.reduce((sum, c) => sum + waitOf(c), 0);
    const ms = Math.ceil(waited + a.ownWorkMs.value);
    line(
      group,
      `${fn.functionName} Lambda, billed ms (${why})`,
      ms,
      lambdaDuration(1, fn.memoryMb),
      `$${PRICES.lambdaArmGbSecond.usd} per GB-s x ${gb(fn.memoryMb)}`,
      `ceil(${calls.length ? `${callList(calls)} waited ${waited} ms + ` : ''}${a.ownWorkMs.value} ms ours) = ${ms} ms x ${gb(fn.memoryMb)}`,
    );
  };
  const dynamodb = (group: ReminderCostLine['group'], table: SagaTableCalls, what: string) => {
    const writes = table.writeUnits + table.indexWriteUnits;
    if (writes > 0)
      line(
        group,
        `DynamoDB writes, ${table.service} table (${what})`,
        writes,
        PRICES.dynamodbWriteUnit.usd,
        price(PRICES.dynamodbWriteUnit.usd),
        `${writes} WRU by AWS's rules (table ${table.writeUnits} + indexes ${table.indexWriteUnits}): ${table.items.map((i) => `${i.action} ${i.key} ${i.table}${i.indexes ? ` + ${i.indexes} index` : ''}`).join(', ')}`,
      );
    if (table.readUnits > 0)
      line(
        group,
        `DynamoDB reads, ${table.service} table (${what})`,
        table.readUnits,
        PRICES.dynamodbReadUnit.usd,
        price(PRICES.dynamodbReadUnit.usd),
        `${table.readUnits} RRU as DynamoDB Local reported them (${callList(table.calls.filter((c) => READ_CALLS.includes(c)))})`,
      );
  };
  const step = (name: 'reconcile' | 'firing' | 'notify') =>
    requests.steps.find((s) => s.step === name)?.tables ?? [];
  const fnOf = (service: string) => {
    const fn = requests.functions[service];
    if (!fn) throw new Error(`no function of ${service} in the counted requests`);
    return fn;
  };

  // The reconcile on booking.confirmed: the bookings function puts the reminder's schedule.
  const reconcile = step('reconcile').filter((t) => t.service === 'bookings');
  // On booking.confirmed: its DynamoDB calls, then the hold's DeleteSchedule and the reminder's CreateSchedule.
  const reconcileCalls = [
    ...reconcile.flatMap((t) => t.calls),
    ...requests.reconcileSchedulerCalls.map((c) => c.operation),
  ];
  lambda('reconcile', fnOf('bookings'), reconcileCalls, 'booking.confirmed, the schedules rule');
  for (const table of reconcile) dynamodb('reconcile', table, 'the reconcile');
  line(
    'reconcile',
    'EventBridge Scheduler API calls',
    reconcileCalls.filter((c) => c.endsWith('Schedule')).length,
    0,
    '$0 (not charged)',
    `${requests.reconcileSchedulerCalls.map((c) => `${c.operation} ${c.name}`).join(', ')} (the hold's delete is made on confirmation anyway)`,
  );
  line(
    'reconcile',
    'EventBridge rule delivery of booking.confirmed (same account)',
    1,
    0,
    '$0 (no charge)',
    "the event itself is the confirmed booking's (section 9)",
  );

  // The schedule fires: Scheduler invokes the bookings function, which records the reminder.
  line(
    'firing',
    'EventBridge Scheduler invocation',
    1,
    REMINDER_PRICES.schedulerInvocation.usd,
    price(REMINDER_PRICES.schedulerInvocation.usd),
    'the one-time schedule fires once (then deleted: ActionAfterCompletion DELETE)',
  );
  const firing = step('firing');
  for (const table of firing) {
    lambda('firing', fnOf(table.service), table.calls, 'the schedule');
    dynamodb('firing', table, 'the schedule');
  }
  const records = firing.reduce((sum, t) => sum + t.eventRecords, 0);
  const publisherMs = Math.ceil(a.putEventsMs.value + a.publisherOverheadMs.value);
  const publishes = records / a.publisherBatch.value;
  line(
    'firing',
    `${requests.publisher.functionName} Lambda, requests (outbox records)`,
    publishes,
    PRICES.lambdaRequest.usd,
    price(PRICES.lambdaRequest.usd),
    `${records} stream record(s) carrying events / ${a.publisherBatch.value} per invocation (publisherBatch)`,
  );
  line(
    'firing',
    `${requests.publisher.functionName} Lambda, billed ms (outbox records)`,
    publishes * publisherMs,
    lambdaDuration(1, requests.publisher.memoryMb),
    `$${PRICES.lambdaArmGbSecond.usd} per GB-s x ${gb(requests.publisher.memoryMb)}`,
    `${publishes} x ceil(${a.putEventsMs.value} ms PutEvents + ${a.publisherOverheadMs.value} ms) = ${publisherMs} ms x ${gb(requests.publisher.memoryMb)}`,
  );
  const entries = requests.events.reduce((sum, e) => sum + chunks(e.bytes, 64 * 1024), 0);
  line(
    'firing',
    'EventBridge custom events',
    entries,
    PRICES.eventBridgeEvent.usd,
    price(PRICES.eventBridgeEvent.usd),
    `${requests.events.map((e) => `${e.detailType} (${(e.bytes / 1024).toFixed(1)} KB)`).join(', ')}; each under 64 KB`,
  );

  // The notifications function: the inbox, the connections, the push.
  const deliveries = requests.events.flatMap((e) => e.deliveries);
  line(
    'notify',
    'EventBridge rule deliveries (same account)',
    deliveries.length,
    0,
    '$0 (no charge)',
    deliveries.map((d) => `${d.rule} (${d.functionName})`).join(', ') || 'none',
  );
  const connections = a.openConnections.value;
  for (const table of step('notify')) {
    const pushes = table.service === 'notifications' ? Array(connections).fill('PostToConnection') : [];
    lambda('notify', fnOf(table.service), [...table.calls, ...pushes], 'booking.reminder, the inbox rule');
    dynamodb('notify', table, 'booking.reminder');
  }
  line(
    'notify',
    'API Gateway WebSocket messages (PostToConnection)',
    connections,
    REMINDER_PRICES.webSocketMessage.usd,
    price(REMINDER_PRICES.webSocketMessage.usd),
    `${connections} open connection(s) assumed (openConnections), one message each (< 32 KB); the counted run's owner socket got ${requests.socketMessages}`,
  );

  return {
    lines,
    totalPerMillion: lines.reduce((sum, l) => sum + l.dollarsPerMillion, 0),
    prices: REMINDER_PRICES,
    pricesAsOf: `${PRICES_AS_OF}; ${REMINDER_PRICE_SOURCE}`,
    assumptions: REMINDER_ASSUMPTIONS,
    counted:
      'DynamoDB calls and units, the Scheduler API calls, the events and their rules and the socket messages counted on a devstack behind the AWS stand-in (one reminder); latencies assumed',
  };
};

export { confirmedBookingCost, costModel, MEMORY_MB, reminderCost };
