/**
 * DynamoDB Local for the capacity benchmark and the start benchmark's baseline: the devstack's own
 * launcher and table maker, through its public entry, and a client of it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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

export type { DynamoDbLocal };
export { ensureTable, localClient, startDynamoDbLocal };
