/**
 * The SDK-only floor of the users and tickets functions: the same DynamoDB clients (the low-level
 * client and the document client), created the same way at module scope, and one GetItem per
 * invocation. Nothing of ours. A service bundle can hardly start faster or weigh less than this, so
 * its size and cold start are reported as a ratio to it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const endpoint = process.env.DYNAMODB_ENDPOINT;
const client = DynamoDBDocumentClient.from(new DynamoDBClient(endpoint ? { endpoint } : {}), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

export const handler = async () => {
  const result = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'FLOOR#1', sk: 'FLOOR' } }),
  );
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(result.Item ?? null),
  };
};
