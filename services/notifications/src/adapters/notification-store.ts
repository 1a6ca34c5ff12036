/**
 * The notifications table (`table.json`), one design for its three kinds of item:
 *
 * | item | pk | sk | GSI `by-user` |
 * |---|---|---|---|
 * | a connection | `CONNECTION#<id>` | `CONNECTION` | `USER#<userId>` / `CONNECTION#<id>` |
 * | a room it follows | `ROOM#<roomId>` | `CONNECTION#<id>` | |
 * | a notification | `INBOX#<userId>` | `<notification id>` | |
 *
 * plus the consumer's processed-once records (`processedPut`). A connection lists the rooms it
 * follows (`rooms`, a string set), so forgetting it forgets them; every item of a connection
 * expires (`ttl`) when API Gateway would have closed it, and a notification after 30 days.
 * Notification ids sort in the order they were stored, so a person's inbox is one Query in key
 * order (`inbox-reader.ts`, apart so the inbox operation's cold start loads none of the writes).
 */
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { processedPut } from '@tessera/shared/processed-once';
import { transactWrite } from '@tessera/shared/store';
import { INBOX_RETENTION_SECONDS } from '#domain/notification';
import type { Connection, ConnectionStore, InboxWriter } from '#domain/ports';

type Client = Pick<DynamoDBDocumentClient, 'send'>;
type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

/** The consumer's name in its processed-once records. */
const CONSUMER = 'notifications';

const connectionKey = (connectionId: string) => ({ pk: `CONNECTION#${connectionId}`, sk: 'CONNECTION' });
const followKey = (roomId: string, connectionId: string) => ({
  pk: `ROOM#${roomId}`,
  sk: `CONNECTION#${connectionId}`,
});
const epochSeconds = (at: Date | number) => Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000);

/** Writes in batches of 25 (BatchWriteItem's most), sending again what DynamoDB left unprocessed. */
const deleteAll = async (client: Client, tableName: string, keys: readonly Record<string, string>[]) => {
  for (let i = 0; i < keys.length; i += 25) {
    let requests: WriteRequests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = result.UnprocessedItems?.[tableName] ?? [];
      if (requests.length > 0) {
        if (attempt >= 5) throw new Error(`DynamoDB left ${requests.length} deletes unprocessed`);
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }
};

const createConnectionStore = (client: Client, tableName: string): ConnectionStore => ({
  async put(connection: Connection, expiresAt: Date) {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...connectionKey(connection.connectionId),
          userKey: `USER#${connection.userId}`,
          sortKey: `CONNECTION#${connection.connectionId}`,
          connectionId: connection.connectionId,
          userId: connection.userId,
          role: connection.role,
          connectedAt: connection.connectedAt,
          ttl: epochSeconds(expiresAt),
        },
      }),
    );
  },

  async remove(connectionId: string, alsoRooms: readonly string[] = []) {
    const found = await client.send(
      new GetCommand({ TableName: tableName, Key: connectionKey(connectionId), ConsistentRead: true }),
    );
    const rooms = new Set([...((found.Item?.rooms as Set<string> | undefined) ?? []), ...alsoRooms]);
    const keys = [...rooms].map((roomId) => followKey(roomId, connectionId));
    if (found.Item) keys.push(connectionKey(connectionId));
    if (keys.length > 0) await deleteAll(client, tableName, keys);
  },

  async ofUsers(userIds: readonly string[]) {
    const pages = await Promise.all(
      userIds.map(async (userId) => {
        const connections: Connection[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const result = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'by-user',
              KeyConditionExpression: 'userKey = :user',
              ExpressionAttributeValues: { ':user': `USER#${userId}` },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
          for (const item of result.Items ?? []) {
            connections.push({
              connectionId: item.connectionId as string,
              userId: item.userId as string,
              role: item.role as string,
              connectedAt: item.connectedAt as number,
            });
          }
          startKey = result.LastEvaluatedKey;
        } while (startKey);
        return connections;
      }),
    );
    return pages.flat();
  },

  async followersOf(roomId: string) {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :room',
          ExpressionAttributeValues: { ':room': `ROOM#${roomId}` },
          ProjectionExpression: 'connectionId',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of result.Items ?? []) ids.push(item.connectionId as string);
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return ids;
  },

  async follow(connectionId: string, roomId: string, max: number, expiresAt: Date) {
    // The set grows only while the connection exists and has room, as DynamoDB checks at the
    // write itself (never a read before it), so subscribes at once can neither pass the limit nor
    // follow for a connection already forgotten; the follow item is in the same write.
    const key = connectionKey(connectionId);
    const outcome = await transactWrite(client, [
      {
        Update: {
          TableName: tableName,
          Key: key,
          UpdateExpression: 'ADD rooms :room',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(rooms) OR size(rooms) < :max)',
          ExpressionAttributeValues: { ':room': new Set([roomId]), ':max': max },
        },
        onConditionFailed: 'refused' as const,
      },
      {
        Put: {
          TableName: tableName,
          Item: { ...followKey(roomId, connectionId), connectionId, roomId, ttl: epochSeconds(expiresAt) },
        },
      },
    ]);
    if (outcome === 'written') return 'written';
    const found = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    if (!found.Item) return 'gone';
    return (found.Item.rooms as Set<string> | undefined)?.has(roomId) ? 'written' : 'full';
  },

  async unfollow(connectionId: string, roomId: string) {
    await transactWrite(client, [
      {
        Update: {
          TableName: tableName,
          Key: connectionKey(connectionId),
          UpdateExpression: 'DELETE rooms :room',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':room': new Set([roomId]) },
        },
        onConditionFailed: 'gone' as const,
      },
      { Delete: { TableName: tableName, Key: followKey(roomId, connectionId) } },
    ]);
  },
});

/** The inbox's writes: each event's notifications with its processed record. */
const createInboxWriter = (client: Client, tableName: string): InboxWriter => ({
  async record(eventId, notifications, at) {
    const expires = epochSeconds(at) + INBOX_RETENTION_SECONDS;
    return transactWrite(client, [
      { ...processedPut(tableName, CONSUMER, eventId, at), onConditionFailed: 'duplicate' as const },
      ...notifications.map((notification) => ({
        Put: {
          TableName: tableName,
          Item: {
            pk: `INBOX#${notification.userId}`,
            sk: notification.id,
            userId: notification.userId,
            type: notification.type,
            data: notification.data,
            occurredAt: notification.occurredAt,
            correlationId: notification.correlationId,
            eventId,
            ttl: expires,
          },
        },
      })),
    ]);
  },

  async markProcessed(eventId, at) {
    return transactWrite(client, [
      { ...processedPut(tableName, CONSUMER, eventId, at), onConditionFailed: 'duplicate' as const },
    ]);
  },
});

export { CONSUMER, createConnectionStore, createInboxWriter };
