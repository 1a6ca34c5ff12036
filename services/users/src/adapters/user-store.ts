/**
 * The users table (see `table.json`), for users and their email claims.
 *
 * Items:
 * - `USER#<id>` / `PROFILE`: the user; `gsi1pk` = `USERS`, `gsi1sk` = `<createdAt>#<id>` lists them
 *   newest first (the index carries only public fields, never the hash);
 * - `EMAIL#<lower-cased email>` / `EMAIL`: the claim that makes an email unique, written in the same
 *   transaction as the user;
 * - `OUTBOX#<eventId>` / `OUTBOX`: events on their way to the bus.
 */

import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '@tessera/shared/auth';
import type { TesseraEvent } from '@tessera/shared/events';
import { outboxPut } from '@tessera/shared/outbox';
import { queryPage, transactWrite } from '@tessera/shared/store';
import type { Page, UserStore } from '#domain/ports';
import { type PublicUser, toPublicUser, type UserRecord } from '#domain/user';

const userKey = (id: string) => ({ pk: `USER#${id}`, sk: 'PROFILE' });
const emailClaimKey = (emailKey: string) => ({ pk: `EMAIL#${emailKey}`, sk: 'EMAIL' });

const toItem = (user: UserRecord) => ({
  ...userKey(user.id),
  gsi1pk: 'USERS',
  gsi1sk: `${user.createdAt}#${user.id}`,
  ...user,
});

const toUser = (item: Record<string, unknown>): UserRecord => ({
  id: String(item.id),
  email: String(item.email),
  emailKey: String(item.emailKey),
  name: String(item.name),
  role: item.role as Role,
  passwordHash: String(item.passwordHash),
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
  version: Number(item.version),
});

const createUserStore = (client: DynamoDBDocumentClient, tableName: string): UserStore => {
  const getById = async (id: string): Promise<UserRecord | null> => {
    const result = await client.send(
      new GetCommand({ TableName: tableName, Key: userKey(id), ConsistentRead: true }),
    );
    return result.Item ? toUser(result.Item) : null;
  };

  return {
    create(user: UserRecord, event: TesseraEvent) {
      return transactWrite(client, [
        {
          Put: { TableName: tableName, Item: toItem(user), ConditionExpression: 'attribute_not_exists(pk)' },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...emailClaimKey(user.emailKey), userId: user.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
          onConditionFailed: 'email-taken',
        },
        outboxPut(tableName, event),
      ]).then((outcome) => (outcome === 'written' ? 'created' : outcome));
    },

    getById,

    async getByEmailKey(emailKey: string) {
      const claim = await client.send(
        new GetCommand({ TableName: tableName, Key: emailClaimKey(emailKey), ConsistentRead: true }),
      );
      return typeof claim.Item?.userId === 'string' ? getById(claim.Item.userId) : null;
    },

    async update(previous: UserRecord, next: UserRecord, event?: TesseraEvent) {
      const moveEmail = previous.emailKey !== next.emailKey;
      const outcome = await transactWrite(client, [
        {
          Put: {
            TableName: tableName,
            Item: toItem(next),
            ConditionExpression: 'attribute_exists(pk) AND version = :version',
            ExpressionAttributeValues: { ':version': previous.version },
          },
          onConditionFailed: 'stale',
        },
        ...(moveEmail
          ? [
              {
                Delete: {
                  TableName: tableName,
                  Key: emailClaimKey(previous.emailKey),
                  ConditionExpression: 'userId = :userId',
                  ExpressionAttributeValues: { ':userId': previous.id },
                },
                // The claim is the user's while the user is at the version read.
                onConditionFailed: 'stale' as const,
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...emailClaimKey(next.emailKey), userId: next.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
                onConditionFailed: 'email-taken' as const,
              },
            ]
          : []),
        ...(event ? [outboxPut(tableName, event)] : []),
      ]);
      return outcome === 'written' ? 'updated' : outcome;
    },

    async list({ limit, startKey }): Promise<Page<PublicUser>> {
      const page = await queryPage(
        client,
        {
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :users',
          ExpressionAttributeValues: { ':users': 'USERS' },
          ScanIndexForward: false,
        },
        { limit, startKey, keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] },
      );
      // The index projects exactly the public fields (table.json); toPublicUser keeps it that way.
      return {
        items: page.items.map((item) => toPublicUser(item as unknown as PublicUser)),
        lastKey: page.lastKey,
      };
    },

    async ping() {
      await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
    },
  };
};

export { createUserStore };
