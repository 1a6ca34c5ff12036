/**
 * Child process of the payments, notifications and schedules benchmarks: the devstack through its public
 * entry (`startDevstack`, free ports, the bundles of BENCH_DIST_DIR or `dist/`, not built, a data
 * folder from BENCH_DATA_DIR, the bootstrap admin of BENCH_BOOTSTRAP_ADMIN_EMAIL and _PASSWORD),
 * its HTTP API and WebSocket gateway (`httpUrl`, `webSocketUrl` in its `@@bench` line), and beside
 * them a small HTTP server of its own (`controlUrl`) that answers:
 *
 * - `GET /arrivals`: when each event reached the bus, in ms since the epoch
 *   (`performance.timeOrigin + performance.now()`), by its envelope's `eventId`. The bus's own
 *   record (`GET /_devstack/events`) carries the time the event occurred (the publisher passes
 *   `occurredAt`), not when it arrived, so the arrival is stamped here, as the bus records it.
 * - `GET /memory`: `process.memoryUsage()` of this process (the gateways, the bus and the queues
 *   run on its main thread; each function in a worker thread of its own, whose heaps count in `rss`
 *   only), after a full collection of the main thread's heap when node was started with
 *   `--expose-gc` (`collected`).
 * - with BENCH_COUNT_CALLS=1 only: DynamoDB Local starts here (in memory), the bench's AWS stand-in
 *   (`bench/lib/aws-endpoint.ts`, forwarding with `ReturnConsumedCapacity: INDEXES`) stands
 *   between it and the devstack, so every DynamoDB call of every function passes through it;
 *   `GET /mark` answers how many calls it has seen, and `POST /window` (`{ from, to }`, two marks)
 *   the data calls between them table by table: by operation, the read and write units DynamoDB
 *   Local reported, the write units by AWS's rules (`bench/lib/write-units.ts`) item by item, and
 *   the records written that carry events to the bus (through the outbox's own `eventsOf`).
 *
 * - `GET /firings` (the schedules part): each hand-off of a firing by the scheduler to its function
 *   (the scheduler's `invoke` wrapped, `handedAt` and `settledAt` in ms since the epoch as above,
 *   the devstack clock's reading, and with BENCH_COUNT_CALLS=1 the call marks then), the bookings
 *   function's `schedule ran` log lines with their arrival on this thread, and the Scheduler API
 *   calls the functions made (the scheduler's create, update, delete and get, by schedule name).
 * - `POST /timers` (`{ items: [{ id, dueMs }] }`) and `GET /timers`: a plain `setTimeout` of this
 *   process per due time, and when each fired: the scheduler's baseline on its own event loop.
 * - `POST /invoke` (`{ functionName, event }`): the function invoked directly, timed.
 *
 * BENCH_SETTINGS (JSON, by setting id) gives the devstack's `settingOverrides`; the `@@bench` line
 * also names the scheduler's and the Lambda endpoint.
 *
 * SIGTERM, SIGINT or an error nothing caught stops everything it started, Java included.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type Devstack,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDevstack,
} from '../../packages/devstack/src/index.ts';
import { eventsOf } from '../../packages/shared/src/events/outbox.ts';
import { loadManifests } from '../../packages/tooling/src/manifests.ts';
import {
  type AwsEndpoint,
  DYNAMODB_DATA_CALLS,
  type Exchange,
  startAwsEndpoint,
} from '../lib/aws-endpoint.ts';
import { devstackOptionsFromEnv } from '../lib/devstack-env.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../lib/dynamodb-local.ts';
import { freePort, readBody, stopOnSignalOrCrash } from '../lib/net.ts';
import { directReader, estimateWrites } from '../lib/write-units.ts';

type Item = Record<string, AttributeValue>;

/** A `schedule ran` line of a function, as it reached this thread. */
interface ScheduleRan {
  readonly functionName: string;
  readonly correlationId: string;
  readonly bookingId: string;
  readonly schedule: string;
  readonly outcome: string;
  /** The line's own `timestamp` (the function's clock, whole ms); null when it has none. */
  readonly loggedAt: number | null;
  readonly arrivedAt: number;
}

/** The scheduler handing a firing to its function, and the invocation's end. */
interface HandOff {
  readonly functionName: string;
  readonly correlationId: string;
  readonly bookingId: string;
  readonly schedule: string;
  readonly handedAt: number;
  /** The devstack clock then (what the scheduler fires by), whole ms. */
  readonly clockAt: number;
  readonly mark: number | null;
  settledAt?: number;
  settledMark?: number | null;
  error?: string;
}

interface SchedulerCall {
  readonly operation: string;
  readonly name: string;
  readonly at: number;
  readonly mark: number | null;
  error?: string;
}

interface BaselineTimer {
  readonly id: string;
  readonly dueMs: number;
  readonly armedAt: number;
  firedAt?: number;
  /** Date.now() when it fired. */
  clockAt?: number;
}
type BusRecord = Devstack['events'][number];

const epochMs = () => performance.timeOrigin + performance.now();

/** The calls that read: their reported units are read units. */
const READS: ReadonlySet<string> = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

const stops: Array<() => Promise<void>> = [];
const stopAll = async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
};
stopOnSignalOrCrash(stopAll);

/** The table an exchange wrote or read (a transaction's first item's). */
const tableOf = (exchange: Exchange): string | undefined => {
  const { request } = exchange;
  if (typeof request.TableName === 'string') return request.TableName;
  for (const entry of (request.TransactItems ?? []) as Array<Record<string, { TableName?: string }>>) {
    for (const part of Object.values(entry)) if (typeof part?.TableName === 'string') return part.TableName;
  }
  const batch = request.RequestItems as Record<string, unknown> | undefined;
  return batch ? Object.keys(batch)[0] : undefined;
};

/** A marshalled item as it crossed the wire (binaries in base64), with its binaries as bytes. */
const fromWire = (value: AttributeValue): AttributeValue => {
  const binary: unknown = (value as { B?: unknown }).B;
  if (typeof binary === 'string') return { B: Buffer.from(binary, 'base64') };
  if (value.M) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, fromWire(v)])) };
  if (value.L) return { L: value.L.map(fromWire) };
  return value;
};

/** The items a write call puts (a PutItem's, a transaction's Puts). */
const putItems = (exchange: Exchange): Item[] => {
  if (exchange.operation === 'PutItem') return [exchange.request.Item as Item];
  if (exchange.operation !== 'TransactWriteItems') return [];
  return ((exchange.request.TransactItems ?? []) as Array<{ Put?: { Item: Item } }>).flatMap((entry) =>
    entry.Put ? [entry.Put.Item] : [],
  );
};

/** How many events a put item carries to the bus (an outbox item one, a record its packed ones). */
const eventsCarried = (item: Item) =>
  eventsOf(unmarshall(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, fromWire(v)])) as Item))
    .length;

const reportedUnits = (exchange: Exchange) =>
  (
    (Array.isArray(exchange.response?.ConsumedCapacity)
      ? exchange.response.ConsumedCapacity
      : exchange.response?.ConsumedCapacity
        ? [exchange.response.ConsumedCapacity]
        : []) as Array<{ CapacityUnits?: number }>
  ).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
};

const main = async () => {
  const started = performance.now();
  const counting = process.env.BENCH_COUNT_CALLS === '1';
  let local: DynamoDbLocal | undefined;
  let aws: AwsEndpoint | undefined;
  if (counting) {
    const dynamodb = await startDynamoDbLocal({ port: await freePort() });
    local = dynamodb;
    stops.push(() => dynamodb.stop());
    const endpoint = await startAwsEndpoint({
      dynamodb: { kind: 'forward', to: dynamodb.endpoint, capacity: 'INDEXES' },
      keepExchanges: 50_000,
    });
    aws = endpoint;
    stops.push(() => endpoint.stop());
  }
  // The bookings function's `schedule ran` lines, stamped as they reach this thread.
  const ran: ScheduleRan[] = [];
  const devstack = await startDevstack({
    ...devstackOptionsFromEnv(process.env),
    ...(aws ? { dynamodbEndpoint: aws.endpoint } : {}),
    ...(process.env.BENCH_SETTINGS
      ? { settingOverrides: JSON.parse(process.env.BENCH_SETTINGS) as Record<string, string> }
      : {}),
    onLog: (source, line) => {
      if (!line.includes('schedule ran')) return;
      const arrivedAt = epochMs();
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.message !== 'schedule ran') return;
        ran.push({
          functionName: source,
          correlationId: String(parsed.correlationId ?? ''),
          bookingId: String(parsed.bookingId ?? ''),
          schedule: String(parsed.schedule ?? ''),
          outcome: String(parsed.outcome ?? ''),
          loggedAt: typeof parsed.timestamp === 'string' ? Date.parse(parsed.timestamp) : null,
          arrivedAt,
        });
      } catch {
        // Not a JSON line: not the handler's.
      }
    },
  });
  stops.push(() => devstack.stop());
  const mark = () => aws?.recorded ?? null;

  // The scheduler's hand-off of each firing to the function: its `invoke` (LocalSchedulerOptions,
  // a type the devstack exports) wrapped at run time, since the devstack exposes the scheduler but
  // not the moment it fires. Absent (the devstack changed), the firings are read from the logs alone.
  const handOffs: HandOff[] = [];
  const schedulerOptions = (devstack.scheduler as unknown as { options?: { invoke?: unknown } }).options;
  const handOffsObserved = typeof schedulerOptions?.invoke === 'function';
  if (schedulerOptions && handOffsObserved) {
    const original = schedulerOptions.invoke as (functionName: string, event: unknown) => Promise<unknown>;
    schedulerOptions.invoke = async (functionName: string, event: unknown) => {
      const input = (event ?? {}) as Record<string, unknown>;
      const handOff: HandOff = {
        functionName,
        correlationId: String(input.correlationId ?? ''),
        bookingId: String(input.bookingId ?? ''),
        schedule: String(input.schedule ?? ''),
        handedAt: epochMs(),
        clockAt: devstack.clock.now(),
        mark: mark(),
      };
      handOffs.push(handOff);
      try {
        const result = await original(functionName, event);
        Object.assign(handOff, { settledAt: epochMs(), settledMark: mark() });
        return result;
      } catch (error) {
        Object.assign(handOff, { settledAt: epochMs(), settledMark: mark(), error: String(error) });
        throw error;
      }
    };
  }
  // The Scheduler API calls the functions make (the endpoint calls these methods of the scheduler).
  const schedulerCalls: SchedulerCall[] = [];
  const scheduler = devstack.scheduler as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [method, operation] of [
    ['create', 'CreateSchedule'],
    ['update', 'UpdateSchedule'],
    ['delete', 'DeleteSchedule'],
    ['get', 'GetSchedule'],
  ] as const) {
    const original = scheduler[method]?.bind(devstack.scheduler);
    if (!original) continue;
    scheduler[method] = (...args: unknown[]) => {
      const call: SchedulerCall = { operation, name: String(args[0]), at: epochMs(), mark: mark() };
      schedulerCalls.push(call);
      try {
        return original(...args);
      } catch (error) {
        call.error = error instanceof Error ? error.name : String(error);
        throw error;
      }
    };
  }
  // Baseline timers: a plain setTimeout of this process (the scheduler's event loop) per due time.
  const timers: BaselineTimer[] = [];
  const armTimer = (id: string, dueMs: number) => {
    const timer: BaselineTimer = { id, dueMs, armedAt: epochMs() };
    timers.push(timer);
    setTimeout(
      () => {
        timer.firedAt = epochMs();
        timer.clockAt = Date.now();
      },
      Math.max(0, dueMs - Date.now()),
    );
  };

  // Stamps each event as the bus records it: the bus appends to this very array.
  const arrivals = new Map<
    string,
    {
      detailType: string;
      correlationId: string;
      bookingId: string | null;
      arrivedAt: number;
      mark: number | null;
    }
  >();
  const recorded = devstack.events as BusRecord[];
  const append = recorded.push.bind(recorded);
  recorded.push = (...items: BusRecord[]) => {
    const arrivedAt = epochMs();
    for (const event of items) {
      const detail = event.detail as {
        eventId?: unknown;
        correlationId?: unknown;
        data?: { booking?: { id?: unknown } };
      };
      if (typeof detail.eventId === 'string' && !arrivals.has(detail.eventId)) {
        const bookingId = detail.data?.booking?.id;
        arrivals.set(detail.eventId, {
          detailType: event.detailType,
          correlationId: String(detail.correlationId ?? ''),
          bookingId: typeof bookingId === 'string' ? bookingId : null,
          arrivedAt,
          mark: mark(),
        });
      }
    }
    return append(...items);
  };

  const declarations = new Map(
    loadManifests().flatMap((manifest) =>
      manifest.tableDeclaration
        ? [[`${devstack.tablePrefix}${manifest.tableDeclaration.name}`, manifest] as const]
        : [],
    ),
  );
  const client = local
    ? new DynamoDBClient({
        endpoint: local.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      })
    : undefined;

  const window = async (from: number, to: number, includes?: readonly string[]) => {
    if (!aws || !client) throw new Error('start with BENCH_COUNT_CALLS=1 to count calls');
    const calls = aws
      .exchangesSince(from)
      .slice(0, to - from)
      .filter((e) => DYNAMODB_DATA_CALLS.has(e.operation))
      .filter((e) => {
        if (!includes) return true;
        const text = JSON.stringify(e.request);
        return includes.some((part) => text.includes(part));
      });
    const byTable = new Map<string, Exchange[]>();
    for (const call of calls) {
      const table = tableOf(call) ?? '?';
      byTable.set(table, [...(byTable.get(table) ?? []), call]);
    }
    const tables = [];
    for (const [tableName, exchanges] of byTable) {
      const manifest = declarations.get(tableName);
      const declaration = manifest?.tableDeclaration;
      if (!manifest || !declaration) throw new Error(`a call to a table no manifest declares: ${tableName}`);
      const estimate = await estimateWrites(exchanges, declaration, directReader(client));
      const operations: Record<string, number> = {};
      for (const e of exchanges) operations[e.operation] = (operations[e.operation] ?? 0) + 1;
      const items = exchanges.flatMap(putItems);
      tables.push({
        service: manifest.name,
        calls: exchanges.map((e) => e.operation),
        operations,
        readUnits: exchanges.filter((e) => READS.has(e.operation)).reduce((s, e) => s + reportedUnits(e), 0),
        localWriteUnits: exchanges
          .filter((e) => !READS.has(e.operation))
          .reduce((s, e) => s + reportedUnits(e), 0),
        writeUnits: estimate.table,
        indexWriteUnits: Object.values(estimate.indexes).reduce((s, u) => s + u, 0),
        items: estimate.items,
        eventRecords: items.filter((item) => eventsCarried(item) > 0).length,
        eventsCarried: items.reduce((s, item) => s + eventsCarried(item), 0),
      });
    }
    return { dataCalls: calls.length, tables };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'GET' && path === '/arrivals') {
      return sendJson(response, 200, {
        items: [...arrivals].map(([eventId, arrival]) => ({ eventId, ...arrival })),
      });
    }
    if (request.method === 'GET' && path === '/firings') {
      return sendJson(response, 200, {
        handOffsObserved,
        handOffs,
        ran,
        schedulerCalls,
        clockNow: devstack.clock.now(),
        epochNow: epochMs(),
      });
    }
    if (request.method === 'POST' && path === '/timers') {
      const { items } = JSON.parse((await readBody(request)).toString('utf8')) as {
        items: Array<{ id: string; dueMs: number }>;
      };
      for (const item of items) armTimer(item.id, item.dueMs);
      return sendJson(response, 200, { armed: items.length });
    }
    if (request.method === 'GET' && path === '/timers') {
      return sendJson(response, 200, { items: timers });
    }
    if (request.method === 'POST' && path === '/invoke') {
      const { functionName, event } = JSON.parse((await readBody(request)).toString('utf8')) as {
        functionName: string;
        event: unknown;
      };
      const startedAt = epochMs();
      const result = await devstack.invoke(functionName, event);
      return sendJson(response, 200, { startedAt, settledAt: epochMs(), result });
    }
    if (request.method === 'GET' && path === '/memory') {
      // Started with --expose-gc (the notifications part does), the main thread collects first.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      return sendJson(response, 200, { collected: gc !== undefined, ...process.memoryUsage() });
    }
    if (request.method === 'GET' && path === '/mark') {
      if (!aws) return sendJson(response, 400, { message: 'not counting calls' });
      return sendJson(response, 200, { mark: aws.recorded });
    }
    if (request.method === 'POST' && path === '/window') {
      const { from, to, includes } = JSON.parse((await readBody(request)).toString('utf8')) as {
        from: number;
        to: number;
        includes?: string[];
      };
      return sendJson(response, 200, await window(from, to, includes));
    }
    return sendJson(response, 404, { message: `no ${request.method} ${path}` });
  };
  const control = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendJson(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        control.closeAllConnections();
        control.close(() => resolve());
      }),
  );
  const ready = performance.now();
  console.log(
    `@@bench ${JSON.stringify({
      httpUrl: devstack.httpUrl,
      webSocketUrl: devstack.webSocketUrl,
      schedulerEndpoint: devstack.schedulerEndpoint,
      lambdaEndpoint: devstack.lambdaEndpoint,
      controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
      readyMs: ready - started,
    })}`,
  );
};

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exit(1);
}
