/**
 * Cost model: dollars per million creates and per million gets on AWS (us-east-1, on-demand), from
 * what this run measured (capacity units, our handler overhead above the SDK floor) and stated assumptions (the
 * latency of each AWS call, which sets the billed Lambda duration).
 *
 * Per request, a get pays: API Gateway, the tickets Lambda (request + duration), one GetItem. A
 * create pays the same shape with a TransactWriteItems (ticket + outbox item), plus the stream-
 * triggered publisher Lambda (amortised over its batch) and one PutEvents entry. Stream reads by
 * Lambda, the stream filter and TTL deletes of outbox items cost nothing.
 */
import type {
  CapacityResults,
  CostComponent,
  CostOperation,
  CostResults,
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
} as const;

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

export { costModel, MEMORY_MB };
