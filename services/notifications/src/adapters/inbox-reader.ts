/**
 * The inbox's reads: a person's notifications in id order (the order they were stored) after an
 * id, one Query of `INBOX#<userId>`, without what has expired but TTL has not deleted yet. Apart
 * from the writes (`notification-store.ts`), so the inbox operation's cold start loads only this.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPage } from '@tessera/shared/store';
import type { Notification } from '#domain/notification';
import type { InboxReader } from '#domain/ports';

type Client = Pick<DynamoDBDocumentClient, 'send'>;

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

const notificationOf = (item: Record<string, unknown>): Notification => ({
  id: item.sk as string,
  userId: item.userId as string,
  type: item.type as string,
  data: item.data as Record<string, unknown>,
  occurredAt: item.occurredAt as string,
  correlationId: item.correlationId as string,
});

const createInboxReader = (client: Client, tableName: string): InboxReader => ({
  async after(userId, after, limit, now) {
    const page = await queryPage(
      client,
      {
        TableName: tableName,
        KeyConditionExpression: after ? 'pk = :inbox AND sk > :after' : 'pk = :inbox',
        // TTL deletes lag by up to days; what has expired is not answered meanwhile.
        FilterExpression: '#ttl > :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':inbox': `INBOX#${userId}`,
          ':now': epochSeconds(now),
          ...(after ? { ':after': after } : {}),
        },
      },
      { limit, keyAttributes: ['pk', 'sk'] },
    );
    return { items: page.items.map(notificationOf), more: page.lastKey !== undefined };
  },
});

export { createInboxReader };
