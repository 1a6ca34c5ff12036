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

import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Role } from '@tessera/shared/auth';
import { CONDITIONAL_CHECK_FAILED, transactionCancellationCodes } from '@tessera/shared/dynamodb';
import { outboxPut, type TesseraEvent } from '@tessera/shared/events';
import type { Page, UserStore } from '#domain/ports';
import { type PublicUser, toPublicUser, type UserRecord } from '#domain/user';
import { ConcurrentUpdateError, EmailTakenError, UserNotFoundError } from '#errors';

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
    async create(user: UserRecord, event: TesseraEvent) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: toItem(user),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...emailClaimKey(user.emailKey), userId: user.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              outboxPut(tableName, event),
            ],
          }),
        );
      } catch (error) {
        if (transactionCancellationCodes(error)?.[1] === CONDITIONAL_CHECK_FAILED)
          throw new EmailTakenError();
        throw error;
      }
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
      const items = [
        {
          Put: {
            TableName: tableName,
            Item: toItem(next),
            ConditionExpression: 'attribute_exists(pk) AND version = :version',
            ExpressionAttributeValues: { ':version': previous.version },
          },
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
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...emailClaimKey(next.emailKey), userId: next.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
        ...(event ? [outboxPut(tableName, event)] : []),
      ];
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        const codes = transactionCancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === CONDITIONAL_CHECK_FAILED) {
          throw (await getById(previous.id)) ? new ConcurrentUpdateError() : new UserNotFoundError();
        }
        if (moveEmail && codes[2] === CONDITIONAL_CHECK_FAILED) throw new EmailTakenError();
        throw error;
      }
    },

    async list({ limit, startKey }): Promise<Page<PublicUser>> {
      // One more than asked for tells whether another page exists, so the last page says so.
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :users',
          ExpressionAttributeValues: { ':users': 'USERS' },
          ScanIndexForward: false,
          Limit: limit + 1,
          ...(startKey ? { ExclusiveStartKey: startKey as Record<string, unknown> } : {}),
        }),
      );
      const items = result.Items ?? [];
      const page = items.slice(0, limit);
      const last = page.at(-1);
      const lastKey =
        items.length > limit && last
          ? { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }
          : undefined;
      // The index projects exactly the public fields (table.json); toPublicUser keeps it that way.
      return { items: page.map((item) => toPublicUser(item as unknown as PublicUser)), lastKey };
    },

    async ping() {
      await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
    },
  };
};

export { createUserStore };
