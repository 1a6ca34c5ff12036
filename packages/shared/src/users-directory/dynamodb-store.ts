/**
 * The users directory in a service's own table: `USER#<id>` / `DIRECTORY` items holding the role and
 * the event that set it. A write lands only if its event is later than the recorded one (ties broken
 * by event id), so redeliveries and late old events change nothing.
 *
 * @example
 * const directory = createDirectoryStore(documentClient, config().TABLE_NAME);
 * await directory.roleOf(userId); // 'provider', or null
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../auth.ts';
import { isConditionalCheckFailed } from '../dynamodb.ts';
import type { UserDirectory } from './ports.ts';

const directoryKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'DIRECTORY' });

const createDirectoryStore = (
  client: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
): UserDirectory => ({
  async roleOf(userId) {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: directoryKey(userId) }));
    return (result.Item?.role as Role | undefined) ?? null;
  },

  async apply({ userId, role, eventId, occurredAt }) {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...directoryKey(userId), userId, role, eventId, eventAt: occurredAt },
          ConditionExpression:
            'attribute_not_exists(pk) OR eventAt < :at OR (eventAt = :at AND eventId < :id)',
          ExpressionAttributeValues: { ':at': occurredAt, ':id': eventId },
        }),
      );
      return 'applied';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'ignored';
      throw error;
    }
  },
});

export { createDirectoryStore };
