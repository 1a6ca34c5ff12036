/**
 * Write units by DynamoDB's published pricing rules, worked out from the calls a function sent (as
 * the AWS stand-in recorded them), beside what DynamoDB Local reports: Local's figures for a
 * transaction are not AWS's (a transaction of one small Put and one of two both report 4 units; see
 * `probeLocalTransactions`), and the write goals are AWS goals.
 *
 * The rules, as DynamoDB documents them and as emulator conformance suites measured them on AWS:
 * - an item's size is the sum of its attribute names' and values' sizes (a string its UTF-8 bytes,
 *   a binary its bytes, a number about one byte per two digits plus one, a map or list 3 bytes plus
 *   its elements, 1 byte each);
 * - a standard write costs 1 unit per KB of the larger of the item before and after, rounded up;
 *   in a transaction 2 units per KB, a `ConditionCheck` included (sized on the item it checks);
 * - each index the item enters, leaves or changes in costs 1 unit per KB of the entry (an index
 *   write inside a transaction costs what it costs outside one); moving the item's index key in
 *   an index is two writes there (the old entry deleted, the new one put).
 *
 * The item before a write is the one the function read under the same key while serving the same
 * request (a Put or an update with no such read is taken as new, as a conditional create is); a
 * checked item, and an updated item after the update (its after-image is not on the wire), are read
 * from DynamoDB Local directly once the request is served, unmetered. Nothing here knows a store's
 * format: only keys, the table declaration's index keys and the marshalled items on the wire.
 */
import {
  type AttributeValue,
  DeleteTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { Manifest } from '../../packages/tooling/src/manifests.ts';
import type { Exchange } from './aws-endpoint.ts';
import { ensureTable } from './dynamodb-local.ts';

type Item = Record<string, AttributeValue>;
type TableDeclaration = NonNullable<Manifest['tableDeclaration']>;

/** One item a request wrote or checked, and what it cost. */
interface ItemWrite {
  /** `Put`, `ConditionCheck`, `Update`, `Delete` (in a transaction), or the call's name. */
  readonly action: string;
  /** The item's key, its ids shown as `<id>`: `ROOM#<id> / DAY#2027-01-15`. */
  readonly key: string;
  /** The item's size (the larger of before and after). */
  readonly bytes: number;
  readonly table: number;
  /** Units of its index writes, all indexes together. */
  readonly indexes: number;
}

interface WriteEstimate {
  /** Units the table's writes cost by AWS's rules. */
  readonly table: number;
  /** Units each index's writes cost by AWS's rules. */
  readonly indexes: Readonly<Record<string, number>>;
  /** Item by item, in the order written. */
  readonly items: readonly ItemWrite[];
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** Bytes of a DynamoDB number: about one per two significant digits, plus one. */
const numberSize = (text: string) => {
  const digits = text
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '').length || 1;
  return Math.ceil(significant / 2) + 1;
};

/** Bytes of a binary: on the wire base64 text, in the SDK bytes. */
const binarySize = (value: string | Uint8Array) =>
  typeof value === 'string' ? Buffer.from(value, 'base64').length : value.length;

const valueSize = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binarySize(value.B as string | Uint8Array);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + binarySize(b as string | Uint8Array), 0);
  if (value.L) return 3 + value.L.reduce((sum, v) => sum + valueSize(v) + 1, 0);
  if (value.M)
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + utf8(k) + valueSize(v) + 1, 0);
  return 0;
};

/**
 * An item's size as DynamoDB counts it.
 *
 * @example
 * itemSize({ pk: { S: 'ROOM#1' }, version: { N: '3' } }) // 2 + 6 + 7 + 2 = 17
 */
const itemSize = (item: Item): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** The indexes of a table declaration, with the attributes that put an item in each. */
const indexKeys = (declaration: TableDeclaration) =>
  declaration.globalSecondaryIndexes.map((index) => ({
    name: index.name,
    keys: [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])],
  }));

const keyOf = (declaration: TableDeclaration, item: Item) =>
  JSON.stringify([item[declaration.partitionKey], declaration.sortKey ? item[declaration.sortKey] : null]);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** A key as the report shows it: its values, ids as `<id>`. */
const shownKey = (declaration: TableDeclaration, item: Item) =>
  [declaration.partitionKey, ...(declaration.sortKey ? [declaration.sortKey] : [])]
    .map((name) => {
      const value = item[name];
      return String(value?.S ?? value?.N ?? '?').replace(UUID, '<id>');
    })
    .join(' / ');

/**
 * The write units, by AWS's rules, of the writes in `exchanges` (one request's calls, in order).
 *
 * @example
 * const estimate = await estimateWrites(aws.exchangesSince(mark), declaration, (key) => getDirect(key));
 */
const estimateWrites = async (
  exchanges: readonly Exchange[],
  declaration: TableDeclaration,
  readItem: (tableName: string, key: Item) => Promise<Item | undefined>,
): Promise<WriteEstimate> => {
  const seen = new Map<string, Item>();
  const indexes: Record<string, number> = {};
  const items: ItemWrite[] = [];
  let table = 0;
  const indexed = indexKeys(declaration);
  /** Adds an item's table units and its index writes; records the item. */
  const write = (
    action: string,
    key: Item,
    factor: 1 | 2,
    bytes: number,
    before: Item | undefined,
    after: Item | undefined,
  ) => {
    const units = factor * kb(bytes);
    table += units;
    const indexUnits = addIndexWrites(before, after);
    items.push({ action, key: shownKey(declaration, key), bytes, table: units, indexes: indexUnits });
  };
  const addIndexWrites = (before: Item | undefined, after: Item | undefined) => {
    let added = 0;
    for (const index of indexed) {
      const inBefore = before !== undefined && index.keys.every((k) => before[k] !== undefined);
      const inAfter = after !== undefined && index.keys.every((k) => after[k] !== undefined);
      if (!inBefore && !inAfter) continue;
      const moved =
        inBefore && inAfter && index.keys.some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      const size = Math.max(inBefore ? itemSize(before) : 0, inAfter ? itemSize(after) : 0);
      const units = (moved ? 2 : 1) * kb(size);
      indexes[index.name] = (indexes[index.name] ?? 0) + units;
      added += units;
    }
    return added;
  };
  const sizeOf = (item: Item | undefined) => (item ? itemSize(item) : 0);
  for (const exchange of exchanges) {
    const { operation, request, response } = exchange;
    if (operation === 'GetItem' && response?.Item) {
      seen.set(keyOf(declaration, response.Item as Item), response.Item as Item);
    } else if (operation === 'Query' || operation === 'Scan') {
      for (const item of (response?.Items ?? []) as Item[]) seen.set(keyOf(declaration, item), item);
    } else if (operation === 'PutItem') {
      const after = request.Item as Item;
      const before = seen.get(keyOf(declaration, after));
      write(operation, after, 1, Math.max(itemSize(after), sizeOf(before)), before, after);
    } else if (operation === 'TransactWriteItems') {
      const entries = (request.TransactItems ?? []) as Array<{
        Put?: { TableName: string; Item: Item };
        ConditionCheck?: { TableName: string; Key: Item };
        Delete?: { TableName: string; Key: Item };
        Update?: { TableName: string; Key: Item };
      }>;
      for (const entry of entries) {
        if (entry.Put) {
          const after = entry.Put.Item;
          const before = seen.get(keyOf(declaration, after));
          write('Put', after, 2, Math.max(itemSize(after), sizeOf(before)), before, after);
        } else if (entry.ConditionCheck) {
          const { TableName, Key } = entry.ConditionCheck;
          write('ConditionCheck', Key, 2, sizeOf(await readItem(TableName, Key)), undefined, undefined);
        } else if (entry.Delete || entry.Update) {
          const target = (entry.Delete ?? entry.Update) as { TableName: string; Key: Item };
          const before = seen.get(keyOf(declaration, target.Key));
          const after = entry.Update ? await readItem(target.TableName, target.Key) : undefined;
          write(
            entry.Delete ? 'Delete' : 'Update',
            target.Key,
            2,
            Math.max(sizeOf(before), sizeOf(after)),
            before,
            after,
          );
        }
      }
    } else if (operation === 'UpdateItem' || operation === 'DeleteItem') {
      const key = request.Key as Item;
      const before = seen.get(keyOf(declaration, key));
      const after = operation === 'UpdateItem' ? await readItem(String(request.TableName), key) : undefined;
      write(operation, key, 1, Math.max(sizeOf(before), sizeOf(after)), before, after);
    }
  }
  return { table, indexes, items };
};

/** Reads an item of DynamoDB Local directly (unmetered), for the size of a checked item. */
const directReader =
  (client: DynamoDBClient) =>
  async (tableName: string, key: Item): Promise<Item | undefined> =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

/**
 * What DynamoDB Local reports for transactions of one and of two small Puts, beside AWS's rule (2
 * units per item): the same-run calibration of the transactional figures.
 */
const probeLocalTransactions = async (
  client: DynamoDBClient,
  declaration: TableDeclaration,
): Promise<{ readonly oneItem: number; readonly twoItems: number }> => {
  const tableName = 'bench-bookings-probe';
  await ensureTable(client, declaration, tableName);
  const put = (n: number) => ({
    Put: {
      TableName: tableName,
      Item: {
        [declaration.partitionKey]: { S: `PROBE#${n}` },
        ...(declaration.sortKey ? { [declaration.sortKey]: { S: 'PROBE' } } : {}),
      },
    },
  });
  const units = async (items: ReturnType<typeof put>[]) => {
    const answer = await client.send(
      new TransactWriteItemsCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return (answer.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  };
  try {
    return { oneItem: await units([put(1)]), twoItems: await units([put(2), put(3)]) };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  }
};

export type { ItemWrite, WriteEstimate };
export { directReader, estimateWrites, itemSize, probeLocalTransactions };
