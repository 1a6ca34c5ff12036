/**
 * The store kit on DynamoDB Local: transactWrite's outcomes by item, and queryPage's pages (with a
 * filter that thins them out); and the document client's answer when DynamoDB cannot be reached.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createDocumentClient, DependencyUnavailableError } from '../../src/dynamodb.ts';
import { queryPage, transactWrite } from '../../src/store.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;
const LOCAL = { accessKeyId: 'local', secretAccessKey: 'local' };

beforeAll(async () => {
  table = await serviceTable('tickets');
});
afterAll(() => table.drop());

const put = (pk: string, extra: Record<string, unknown> = {}) => ({
  Put: {
    TableName: table.tableName,
    Item: { pk, sk: 'ITEM', ...extra },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

describe('Function: transactWrite', () => {
  it('answers written, and the outcome named for the item whose condition failed, writing nothing', async () => {
    // Prepare
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await transactWrite(table.documentClient, [put(b)]);

    // Act
    const taken = await transactWrite(table.documentClient, [
      { ...put(a), onConditionFailed: 'a-taken' },
      { ...put(b), onConditionFailed: 'b-taken' },
    ]);
    const written = await transactWrite(table.documentClient, [put(a), put(c)]);

    // Assess
    expect(taken).toBe('b-taken');
    expect(written).toBe('written');
    const stored = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: a, sk: 'ITEM' } }),
    );
    expect(stored.Item).toBeDefined();
  });

  it('throws a failed condition that has no outcome', async () => {
    const pk = randomUUID();
    await transactWrite(table.documentClient, [put(pk)]);

    await expect(transactWrite(table.documentClient, [put(pk)])).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
  });
});

describe('Function: queryPage', () => {
  const partition = `PAGE#${randomUUID()}`;

  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      await table.documentClient.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            pk: `ITEM#${i}`,
            sk: 'ITEM',
            statusKey: partition,
            listKey: String(i).padStart(2, '0'),
            even: i % 2 === 0,
          },
        }),
      );
    }
  });

  const read = (limit: number, startKey?: Record<string, unknown>, filterEven = false) =>
    queryPage(
      table.documentClient,
      {
        TableName: table.tableName,
        IndexName: 'by-status',
        KeyConditionExpression: 'statusKey = :p',
        ExpressionAttributeValues: { ':p': partition, ...(filterEven ? { ':t': true } : {}) },
        ...(filterEven ? { FilterExpression: 'even = :t' } : {}),
      },
      { limit, startKey, keyAttributes: ['pk', 'sk', 'statusKey', 'listKey'] },
    );

  it('pages through every item once, and the last page says it is the last', async () => {
    // Act
    const first = await read(3);
    const second = await read(3, first.lastKey);
    const third = await read(3, second.lastKey);

    // Assess
    expect([first, second, third].map((page) => page.items.map((item) => item.listKey))).toEqual([
      ['00', '01', '02'],
      ['03', '04', '05'],
      ['06'],
    ]);
    expect(third.lastKey).toBeUndefined();
    expect(first.lastKey).toEqual({ pk: 'ITEM#2', sk: 'ITEM', statusKey: partition, listKey: '02' });
  });

  it('reads on when a filter thins a page out, so a full page is full', async () => {
    const first = await read(2, undefined, true);
    const second = await read(2, first.lastKey, true);

    expect(first.items.map((item) => item.listKey)).toEqual(['00', '02']);
    expect(second.items.map((item) => item.listKey)).toEqual(['04', '06']);
    expect(second.lastKey).toBeUndefined();
  });

  it('answers an exact last page without a cursor', async () => {
    const page = await read(7);

    expect(page.items).toHaveLength(7);
    expect(page.lastKey).toBeUndefined();
  });
});

describe('Function: createDocumentClient, when DynamoDB cannot be reached', () => {
  it('answers DependencyUnavailableError for a refused connection', async () => {
    // Prepare: a port nothing listens on.
    const client = createDocumentClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: LOCAL,
    });

    // Act
    const read = client.send(new GetCommand({ TableName: 't', Key: { pk: 'x', sk: 'y' } }));

    // Assess
    await expect(read).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(read).rejects.toMatchObject({ retryAfterSeconds: 2, cause: { code: 'ECONNREFUSED' } });
  });

  it('gives up on a DynamoDB that accepts connections and never answers, within its timeouts', async () => {
    // Prepare: a server that accepts and then says nothing, as a frozen DynamoDB does.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address() as { port: number };
    const client = createDocumentClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: LOCAL,
      requestTimeoutMs: 300,
      maxAttempts: 2,
    });
    const started = performance.now();

    // Act
    const read = client.send(new GetCommand({ TableName: 't', Key: { pk: 'x', sk: 'y' } }));

    // Assess
    await expect(read).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(performance.now() - started).toBeLessThan(5_000);
    client.destroy();
    silent.close();
  });
});
