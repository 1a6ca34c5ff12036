/**
 * Sessions in the users table: login failures, refresh tokens and their families.
 *
 * Items:
 * - `USER#<id>` / `LOGIN_FAILURES`: `windowStart` (epoch ms) and `count` of the current window;
 * - `REFRESH#<sha256 of the token>` / `REFRESH`: one refresh token, `usedAt` once rotated;
 * - `FAMILY#<id>` / `FAMILY`: a login's chain of refresh tokens, `revokedAt` once revoked.
 * All expire through `ttl`; the code checks expiry itself, since TTL deletes lag.
 */

import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, transactionCancellationCodes } from '@tessera/shared/dynamodb';
import type { LoginFailures, RefreshTokenRecord, SessionStore, TokenFamily } from '#domain/ports';

const failuresKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'LOGIN_FAILURES' });
const tokenKey = (hash: string) => ({ pk: `REFRESH#${hash}`, sk: 'REFRESH' });
const familyKey = (id: string) => ({ pk: `FAMILY#${id}`, sk: 'FAMILY' });
const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailed';
const DAY_SECONDS = 24 * 60 * 60;

const ttlFor = (epochMs: number) => Math.ceil(epochMs / 1000) + DAY_SECONDS;

const toFailures = (item: Record<string, unknown>): LoginFailures => ({
  windowStart: Number(item.windowStart),
  count: Number(item.count),
});

const toToken = (item: Record<string, unknown>): RefreshTokenRecord => ({
  hash: String(item.hash),
  userId: String(item.userId),
  familyId: String(item.familyId),
  createdAt: String(item.createdAt),
  familyExpiresAt: Number(item.familyExpiresAt),
  ...(typeof item.usedAt === 'string' ? { usedAt: item.usedAt } : {}),
});

const toFamily = (item: Record<string, unknown>): TokenFamily => ({
  id: String(item.id),
  userId: String(item.userId),
  expiresAt: Number(item.expiresAt),
  ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
});

const tokenItem = (token: RefreshTokenRecord) => ({
  ...tokenKey(token.hash),
  ...token,
  ttl: ttlFor(token.familyExpiresAt),
});

const createSessionStore = (client: DynamoDBDocumentClient, tableName: string): SessionStore => {
  const get = async (key: { pk: string; sk: string }) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  /** Adds one to the window that is still open; refused when there is none. */
  const countInOpenWindow = async (userId: string, now: number, windowMs: number) => {
    const result = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: failuresKey(userId),
        UpdateExpression: 'SET windowStart = if_not_exists(windowStart, :now), #ttl = :ttl ADD #count :one',
        ConditionExpression: 'attribute_not_exists(pk) OR windowStart > :floor',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':now': now,
          ':one': 1,
          ':floor': now - windowMs,
          ':ttl': ttlFor(now + windowMs),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toFailures(result.Attributes ?? {});
  };

  return {
    async getLoginFailures(userId) {
      const item = await get(failuresKey(userId));
      return item ? toFailures(item) : null;
    },

    async recordLoginFailure(userId, now, windowMs) {
      try {
        return await countInOpenWindow(userId, now, windowMs);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      // The last window has passed: open a new one, unless a concurrent failure just did.
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...failuresKey(userId), windowStart: now, count: 1, ttl: ttlFor(now + windowMs) },
            ConditionExpression: 'attribute_not_exists(pk) OR windowStart <= :floor',
            ExpressionAttributeValues: { ':floor': now - windowMs },
          }),
        );
        return { windowStart: now, count: 1 };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        return countInOpenWindow(userId, now, windowMs);
      }
    },

    async clearLoginFailures(userId) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: failuresKey(userId) }));
    },

    async startFamily(family, token) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...familyKey(family.id), ...family, ttl: ttlFor(family.expiresAt) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: tokenItem(token),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    },

    async getRefreshToken(hash) {
      const item = await get(tokenKey(hash));
      return item ? toToken(item) : null;
    },

    async getFamily(id) {
      const item = await get(familyKey(id));
      return item ? toFamily(item) : null;
    },

    async rotate(usedHash, next, now) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: tokenKey(usedHash),
                  UpdateExpression: 'SET usedAt = :now, replacedBy = :next',
                  ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
                  ExpressionAttributeValues: { ':now': now, ':next': next.hash },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: tokenItem(next),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                ConditionCheck: {
                  TableName: tableName,
                  Key: familyKey(next.familyId),
                  ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
                },
              },
            ],
          }),
        );
        return 'rotated';
      } catch (error) {
        const codes = transactionCancellationCodes(error);
        if (codes?.[0] === CONDITIONAL_CHECK_FAILED) return 'reused';
        if (codes?.[2] === CONDITIONAL_CHECK_FAILED) return 'revoked';
        throw error;
      }
    },

    async revokeFamily(familyId, now) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: familyKey(familyId),
            UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
      } catch (error) {
        // A family that is already gone (expired) needs no revoking.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
};

export { createSessionStore };
