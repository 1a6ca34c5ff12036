/**
 * DynamoDB Local for the capacity benchmark and the start benchmark's baseline: the devstack's own
 * launcher and table maker, through its public entry, and a client of it.
 */
import { type AttributeValue, BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDbLocal,
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../../packages/devstack/src/index.ts';

/** A low-level client of DynamoDB Local that tries each call once. */
const localClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

/**
 * Writes items into a table as fast as DynamoDB Local takes them: BatchWriteItem of 25, `concurrency`
 * calls at once, each call's unprocessed items sent again until none is left. For seeding only.
 */
const putAll = async (
  client: DynamoDBClient,
  tableName: string,
  items: readonly Record<string, AttributeValue>[],
  concurrency = 4,
): Promise<void> => {
  const writeChunk = async (chunk: readonly Record<string, AttributeValue>[]) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const result = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const from = next;
      next += 25;
      await writeChunk(items.slice(from, from + 25));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

export type { DynamoDbLocal };
export { ensureTable, localClient, putAll, startDynamoDbLocal };
