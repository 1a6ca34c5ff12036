/**
 * Sessions in the users table: login failures, refresh tokens and their families.
 *
 * Items:
 * - `LOGIN#<email key>` / `FAILURES`: `failures`, the epoch ms of the most recent failed logins
 *   for that email, account or not (ADR 0018);
 * - `REFRESH#<sha256 of the token>` / `REFRESH`: one refresh token, `usedAt` once rotated;
 * - `FAMILY#<id>` / `FAMILY`: a login's chain of refresh tokens, `revokedAt` once revoked.
 * All expire through `ttl`; the code checks expiry itself, since TTL deletes lag.
 */

import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  CONDITIONAL_CHECK_FAILED,
  isConditionalCheckFailed,
  transactionCancellationCodes,
} from '@tessera/shared/dynamodb';
import type { RefreshTokenRecord, SessionStore, TokenFamily } from '#domain/ports';

const failuresKey = (emailKey: string) => ({ pk: `LOGIN#${emailKey}`, sk: 'FAILURES' });
const tokenKey = (hash: string) => ({ pk: `REFRESH#${hash}`, sk: 'REFRESH' });
const familyKey = (id: string) => ({ pk: `FAMILY#${id}`, sk: 'FAMILY' });
const DAY_SECONDS = 24 * 60 * 60;
/** The most list entries one trim removes, well inside DynamoDB's 4 KB expression limit. */
const MAX_TRIM = 100;

const ttlFor = (epochMs: number) => Math.ceil(epochMs / 1000) + DAY_SECONDS;

const failureTimes = (item: Record<string, unknown> | undefined): number[] =>
  Array.isArray(item?.failures) ? item.failures.map(Number) : [];

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

  /**
   * Drops the oldest entries of a list that has grown past `keep`, only if it still holds `size`:
   * when a concurrent failure was appended since, its recorder trims instead. A trim leaves the
   * `keep` latest entries, so whichever runs last leaves the list at `keep` (after a burst of more
   * than `MAX_TRIM` concurrent failures, later failures finish the job; readers use the latest
   * `keep` meanwhile).
   */
  const trim = async (emailKey: string, size: number, keep: number) => {
    const excess = Array.from({ length: Math.min(size - keep, MAX_TRIM) }, (_, i) => `failures[${i}]`);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: failuresKey(emailKey),
          UpdateExpression: `REMOVE ${excess.join(', ')}`,
          ConditionExpression: 'size(failures) = :size',
          ExpressionAttributeValues: { ':size': size },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  };

  return {
    async getLoginFailures(emailKey) {
      const item = await get(failuresKey(emailKey));
      return item ? { times: failureTimes(item) } : null;
    },

    async recordLoginFailure(emailKey, at, { threshold, windowMs }) {
      // One atomic append: concurrent failures each add their own entry, so none is lost and no
      // write has to be retried. The list is trimmed back to `threshold` entries afterwards.
      const result = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: failuresKey(emailKey),
          UpdateExpression: 'SET failures = list_append(if_not_exists(failures, :none), :at), #ttl = :ttl',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':none': [], ':at': [at], ':ttl': ttlFor(at + windowMs) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const times = failureTimes(result.Attributes);
      if (times.length > threshold) await trim(emailKey, times.length, threshold);
    },

    async clearLoginFailures(emailKey) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: failuresKey(emailKey) }));
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
