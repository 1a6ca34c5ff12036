/**
 * The bench's stand-in for AWS: one HTTP endpoint, given to a function as `DYNAMODB_ENDPOINT`,
 * `EVENTBRIDGE_ENDPOINT` and `AWS_ENDPOINT_URL_SSM`, that speaks the AWS JSON protocols by
 * `X-Amz-Target`:
 *
 * - SSM `GetParameter`: the bench environment's secrets;
 * - EventBridge `PutEvents`: accepted, each entry recorded (what the outbox publisher published);
 * - DynamoDB, either **in memory** (cold init and warm overhead: `GetItem`, `PutItem`, `DeleteItem`,
 *   `BatchWriteItem`, `TransactWriteItems`, and a `Query` of one partition of the table (not of an
 *   index) with an optional `=`, `<`, `<=`, `>`, `>=`, `BETWEEN` or `begins_with` on the sort key,
 *   on tables keyed as their declarations say; conditions are not evaluated and every write is
 *   accepted, an update's expression is not applied (the item stays as it was: the data a cold
 *   request reads is put, not updated), and each table keeps its first 20,000 items), or **forwarded** to DynamoDB Local (capacity) with
 *   `ReturnConsumedCapacity: TOTAL` (or `INDEXES`) added to every data call, the units it reports
 *   added up: in all, and with `INDEXES` for the table and for each index apart.
 *
 * Every call is counted by target and the last few are kept with their request and response, so a
 * benchmark can check what a function did and read what it stored (a ticket as the store writes
 * it) without knowing the store's format. It answers at once: what is timed is the function.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './net.ts';

type AttributeMap = Record<string, unknown>;

interface TableKeys {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

interface Exchange {
  /** `GetItem`, `TransactWriteItems`, `PutEvents`, ... */
  readonly operation: string;
  readonly request: Record<string, unknown>;
  /** The parsed answer (null when it was not JSON). */
  readonly response: Record<string, unknown> | null;
}

interface ConsumedUnits {
  read: number;
  write: number;
}

/** The units of the calls since the last reset, for the table and each index apart (`INDEXES`). */
interface ConsumedBreakdown {
  readonly table: Readonly<ConsumedUnits>;
  readonly indexes: Readonly<Record<string, Readonly<ConsumedUnits>>>;
}

interface AwsEndpoint {
  readonly endpoint: string;
  /** Calls answered, by operation. */
  readonly calls: Map<string, number>;
  /** The last calls, oldest first (at most 500, or `keepExchanges`). */
  readonly exchanges: readonly Exchange[];
  /** How many calls were recorded since the start: a mark for `exchangesSince`. */
  readonly recorded: number;
  /** The calls recorded since a mark (`recorded` then), as far as the last 500 reach. */
  exchangesSince(mark: number): readonly Exchange[];
  /** The PutEvents entries received, oldest first (at most 1,000). */
  readonly events: ReadonlyArray<Record<string, unknown>>;
  /** Capacity units DynamoDB Local reported since the last `resetUnits()` (forwarding only). */
  readonly units: Readonly<ConsumedUnits>;
  /** The same units for the table and for each index (forwarding with `INDEXES` only). */
  readonly consumed: ConsumedBreakdown;
  resetUnits(): void;
  /** Stores an item in an in-memory table, as a PutItem would. */
  putItem(tableName: string, item: AttributeMap): void;
  stop(): Promise<void>;
}

type DynamoDbMode =
  | { readonly kind: 'memory'; readonly tables: Readonly<Record<string, TableKeys>> }
  | {
      readonly kind: 'forward';
      readonly to: string;
      /** What each data call asks for: `TOTAL` (the default) or `INDEXES` (table and indexes apart). */
      readonly capacity?: 'TOTAL' | 'INDEXES';
    };

const MAX_ITEMS_PER_TABLE = 20_000;
const MAX_EXCHANGES = 500;
const MAX_EVENTS = 1_000;

/** Headers of one connection, not of the answer: the forwarded answer gets its own. */
const HOP_BY_HOP = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding']);

/** DynamoDB data calls that take `ReturnConsumedCapacity`. */
const METERED: ReadonlySet<string> = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

const answer = (response: ServerResponse, status: number, version: '1.0' | '1.1', body: unknown) => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': `application/x-amz-json-${version}`,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
};

const fault = (type: string, message: string) => ({
  __type: `com.amazonaws.dynamodb.v20120810#${type}`,
  message,
});

/** In-memory tables: items by their key attributes' values. */
const memoryTables = (tables: Readonly<Record<string, TableKeys>>) => {
  const stores = new Map<string, Map<string, AttributeMap>>(
    Object.keys(tables).map((name) => [name, new Map()]),
  );
  const keyOf = (tableName: string, item: AttributeMap): string => {
    const keys = tables[tableName];
    if (!keys) throw new Error(`ResourceNotFoundException: no table ${tableName}`);
    return JSON.stringify([item[keys.partitionKey], keys.sortKey ? item[keys.sortKey] : null]);
  };
  const storeOf = (tableName: string) => {
    const store = stores.get(tableName);
    if (!store) throw new Error(`ResourceNotFoundException: no table ${tableName}`);
    return store;
  };
  const put = (tableName: string, item: AttributeMap) => {
    const store = storeOf(tableName);
    const key = keyOf(tableName, item);
    if (store.size < MAX_ITEMS_PER_TABLE || store.has(key)) store.set(key, item);
  };
  const remove = (tableName: string, key: AttributeMap) => storeOf(tableName).delete(keyOf(tableName, key));
  const get = (tableName: string, key: AttributeMap) => storeOf(tableName).get(keyOf(tableName, key));
  const text = (value: unknown): string => {
    const v = value as { S?: string; N?: string } | undefined;
    return v?.S ?? v?.N ?? '';
  };
  /** A Query of one partition of the table, by the key condition's few forms, in sort-key order. */
  const query = (tableName: string, input: Record<string, unknown>): AttributeMap[] => {
    if (input.IndexName) throw new Error('ValidationException: the stand-in queries tables, not indexes');
    const keys = tables[tableName];
    if (!keys) throw new Error(`ResourceNotFoundException: no table ${tableName}`);
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const condition = String(input.KeyConditionExpression ?? '').replace(/#\w+/g, (n) => names[n] ?? n);
    const partition = new RegExp(`\\b${keys.partitionKey}\\s*=\\s*(:\\w+)`).exec(condition);
    if (!partition?.[1]) throw new Error('ValidationException: the stand-in needs the partition key');
    const wanted = text(values[partition[1]]);
    const sort = keys.sortKey;
    const test = (() => {
      if (!sort) return () => true;
      const between = new RegExp(`\\b${sort}\\s+BETWEEN\\s+(:\\w+)\\s+AND\\s+(:\\w+)`).exec(condition);
      if (between)
        return (v: string) =>
          v >= text(values[between[1] as string]) && v <= text(values[between[2] as string]);
      const prefix = new RegExp(`begins_with\\(\\s*${sort}\\s*,\\s*(:\\w+)\\s*\\)`).exec(condition);
      if (prefix) return (v: string) => v.startsWith(text(values[prefix[1] as string]));
      const compare = new RegExp(`\\b${sort}\\s*(<=|>=|<|>|=)\\s*(:\\w+)`).exec(condition);
      if (!compare) return () => true;
      const bound = text(values[compare[2] as string]);
      const op = compare[1];
      return (v: string) =>
        op === '<'
          ? v < bound
          : op === '<='
            ? v <= bound
            : op === '>'
              ? v > bound
              : op === '>='
                ? v >= bound
                : v === bound;
    })();
    const found = [...storeOf(tableName).values()]
      .filter((item) => text(item[keys.partitionKey]) === wanted && (!sort || test(text(item[sort]))))
      .sort((a, b) => (sort ? text(a[sort]).localeCompare(text(b[sort])) : 0));
    return input.ScanIndexForward === false ? found.reverse() : found;
  };

  /** Answers one DynamoDB call, or throws `<ErrorType>: message`. */
  const handle = (operation: string, input: Record<string, unknown>): Record<string, unknown> => {
    const table = String(input.TableName ?? '');
    switch (operation) {
      case 'GetItem': {
        const item = get(table, (input.Key ?? {}) as AttributeMap);
        return item ? { Item: item } : {};
      }
      case 'PutItem':
        put(table, (input.Item ?? {}) as AttributeMap);
        return {};
      case 'DeleteItem':
        remove(table, (input.Key ?? {}) as AttributeMap);
        return {};
      case 'BatchWriteItem': {
        const requests = (input.RequestItems ?? {}) as Record<
          string,
          Array<Record<string, { Item?: AttributeMap; Key?: AttributeMap }>>
        >;
        for (const [name, writes] of Object.entries(requests)) {
          for (const write of writes) {
            if (write.PutRequest?.Item) put(name, write.PutRequest.Item);
            if (write.DeleteRequest?.Key) remove(name, write.DeleteRequest.Key);
          }
        }
        return { UnprocessedItems: {} };
      }
      case 'TransactWriteItems': {
        const items = (input.TransactItems ?? []) as Array<
          Record<string, { TableName?: string; Item?: AttributeMap; Key?: AttributeMap }>
        >;
        for (const entry of items) {
          if (entry.Put) put(String(entry.Put.TableName), entry.Put.Item ?? {});
          if (entry.Delete) remove(String(entry.Delete.TableName), entry.Delete.Key ?? {});
        }
        return {};
      }
      case 'UpdateItem':
        return {};
      case 'Query': {
        const items = query(table, input);
        return { Items: items, Count: items.length, ScannedCount: items.length };
      }
      default:
        throw new Error(`UnknownOperationException: the in-memory stand-in does not answer ${operation}`);
    }
  };
  return { handle, put };
};

/** Forwards a DynamoDB call to DynamoDB Local, byte for byte but for the capacity request. */
const forward = (
  to: string,
  request: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
  new Promise((resolve, reject) => {
    const target = new URL(to);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: request.url ?? '/',
        method: request.method ?? 'POST',
        headers,
      },
      (incoming) => {
        readBody(incoming).then((bytes) => {
          const passed: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (typeof value === 'string' && !HOP_BY_HOP.has(name)) passed[name] = value;
          }
          resolve({ status: incoming.statusCode ?? 500, headers: passed, body: bytes });
        }, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });

/** The calls that write: a figure DynamoDB Local gives as bare `CapacityUnits` is write units. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

interface Capacity {
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
  readonly CapacityUnits?: number;
}

/** Adds one capacity figure: its read and write units, or its bare units as the call's kind. */
const addCapacity = (into: ConsumedUnits, c: Capacity | undefined, operation: string) => {
  if (!c) return;
  into.read += c.ReadCapacityUnits ?? 0;
  into.write += c.WriteCapacityUnits ?? 0;
  if (c.ReadCapacityUnits === undefined && c.WriteCapacityUnits === undefined) {
    if (WRITES.has(operation)) into.write += c.CapacityUnits ?? 0;
    else into.read += c.CapacityUnits ?? 0;
  }
};

const entriesOf = (consumed: unknown) =>
  (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Array<
    Capacity & {
      readonly Table?: Capacity;
      readonly GlobalSecondaryIndexes?: Record<string, Capacity>;
      readonly LocalSecondaryIndexes?: Record<string, Capacity>;
    }
  >;

const addUnits = (into: ConsumedUnits, consumed: unknown, operation: string) => {
  for (const entry of entriesOf(consumed)) addCapacity(into, entry, operation);
};

/** Adds the table's and each index's units of an `INDEXES` answer. */
const addBreakdown = (
  into: { table: ConsumedUnits; indexes: Record<string, ConsumedUnits> },
  consumed: unknown,
  operation: string,
) => {
  for (const entry of entriesOf(consumed)) {
    addCapacity(into.table, entry.Table, operation);
    for (const [name, units] of Object.entries({
      ...entry.GlobalSecondaryIndexes,
      ...entry.LocalSecondaryIndexes,
    })) {
      into.indexes[name] ??= { read: 0, write: 0 };
      addCapacity(into.indexes[name], units, operation);
    }
  }
};

/**
 * Starts the stand-in on a free port of 127.0.0.1.
 *
 * @example
 * const aws = await startAwsEndpoint({ parameters, dynamodb: { kind: 'memory', tables: tableKeys(manifests) } });
 * // functionEnvironment(target, { endpoint: aws.endpoint, home })
 * await aws.stop();
 */
const startAwsEndpoint = async (options: {
  readonly parameters?: Readonly<Record<string, string>>;
  readonly dynamodb: DynamoDbMode;
  readonly port?: number;
  /** How many of the last calls to keep (500 unless told): enough for the longest request measured. */
  readonly keepExchanges?: number;
}): Promise<AwsEndpoint> => {
  const calls = new Map<string, number>();
  const exchanges: Exchange[] = [];
  const events: Array<Record<string, unknown>> = [];
  const units: ConsumedUnits = { read: 0, write: 0 };
  const breakdown = { table: { read: 0, write: 0 }, indexes: {} as Record<string, ConsumedUnits> };
  let recorded = 0;
  const parameters = options.parameters ?? {};
  const mode = options.dynamodb;
  const memory = mode.kind === 'memory' ? memoryTables(mode.tables) : undefined;
  const record = (exchange: Exchange) => {
    recorded++;
    exchanges.push(exchange);
    const keep = options.keepExchanges ?? MAX_EXCHANGES;
    if (exchanges.length > keep) exchanges.splice(0, exchanges.length - keep);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const [service = '', operation = ''] = target.split('.');
    let body = await readBody(request);
    calls.set(operation || target, (calls.get(operation || target) ?? 0) + 1);
    const input = (body.length > 0 ? JSON.parse(body.toString('utf8')) : {}) as Record<string, unknown>;

    if (service === 'AmazonSSM' && operation === 'GetParameter') {
      const name = String(input.Name);
      const value = parameters[name];
      if (value === undefined) {
        answer(response, 400, '1.1', { __type: 'ParameterNotFound', message: name });
        return;
      }
      const output = { Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } };
      record({ operation, request: input, response: output });
      answer(response, 200, '1.1', output);
      return;
    }
    if (service === 'AWSEvents' && operation === 'PutEvents') {
      const entries = (input.Entries ?? []) as Array<Record<string, unknown>>;
      events.push(...entries);
      if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
      const output = { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
      record({ operation, request: input, response: output });
      answer(response, 200, '1.1', output);
      return;
    }
    if (service.startsWith('DynamoDB') && memory) {
      try {
        const output = memory.handle(operation, input);
        record({ operation, request: input, response: output });
        answer(response, 200, '1.0', output);
      } catch (error) {
        const [type = 'ValidationException', ...message] = String((error as Error).message).split(': ');
        answer(response, 400, '1.0', fault(type, message.join(': ')));
      }
      return;
    }
    if (service.startsWith('DynamoDB') && mode.kind === 'forward') {
      if (METERED.has(operation))
        body = Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: mode.capacity ?? 'TOTAL' }));
      const answered = await forward(mode.to, request, body);
      let output: Record<string, unknown> | null = null;
      try {
        output = JSON.parse(answered.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        output = null;
      }
      if (answered.status === 200 && output) {
        addUnits(units, output.ConsumedCapacity, operation);
        addBreakdown(breakdown, output.ConsumedCapacity, operation);
      }
      record({ operation, request: input, response: output });
      response.writeHead(answered.status, { ...answered.headers, 'content-length': answered.body.length });
      response.end(answered.body);
      return;
    }
    answer(response, 400, '1.0', {
      __type: 'com.amazon.coral.service#UnknownOperationException',
      message: `The bench's AWS stand-in does not answer ${target || 'this request'}`,
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      answer(response, 500, '1.0', { message: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    exchanges,
    get recorded() {
      return recorded;
    },
    exchangesSince: (mark) => exchanges.slice(Math.max(0, exchanges.length - (recorded - mark))),
    events,
    get units() {
      return units;
    },
    get consumed() {
      return breakdown;
    },
    resetUnits: () => {
      units.read = 0;
      units.write = 0;
      breakdown.table = { read: 0, write: 0 };
      breakdown.indexes = {};
    },
    putItem: (tableName, item) => {
      if (!memory) throw new Error('putItem needs the in-memory DynamoDB');
      memory.put(tableName, item);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type {
  AttributeMap,
  AwsEndpoint,
  ConsumedBreakdown,
  ConsumedUnits,
  DynamoDbMode,
  Exchange,
  TableKeys,
};
export { METERED as DYNAMODB_DATA_CALLS, startAwsEndpoint };
