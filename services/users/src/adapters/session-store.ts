/**
 * Sessions in the users table: login failures, refresh tokens and their families.
 *
 * Items:
 * - `LOGIN#<email key>` / `FAILURES`: the login attempts of that email, account or not, in
 *   `LOCKOUT.threshold` slots `a0`, `a1`, ... each holding the epoch ms of the attempt that took it
 *   (ADR 0018, 0023); an attempt takes a slot that is empty or older than the window with a write
 *   conditional on the value it read, so two logins can never take the same slot;
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
import { WriteContendedError } from '@tessera/shared/store';
import type { LoginAttempt, RefreshTokenRecord, SessionStore, TokenFamily } from '#domain/ports';

const failuresKey = (emailKey: string) => ({ pk: `LOGIN#${emailKey}`, sk: 'FAILURES' });
const tokenKey = (hash: string) => ({ pk: `REFRESH#${hash}`, sk: 'REFRESH' });
const familyKey = (id: string) => ({ pk: `FAMILY#${id}`, sk: 'FAMILY' });
const DAY_SECONDS = 24 * 60 * 60;

const ttlFor = (epochMs: number) => Math.ceil(epochMs / 1000) + DAY_SECONDS;

const slotName = (index: number) => `a${index}`;

/** The time held by each slot, or undefined for an empty one. */
const slotTimes = (item: Record<string, unknown> | undefined, threshold: number): Array<number | undefined> =>
  Array.from({ length: threshold }, (_, i) => {
    const value = item?.[slotName(i)];
    return typeof value === 'number' ? value : undefined;
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

  /** Takes slot `index`, which held `seen`, for an attempt at `at`; false when another took it first. */
  const takeSlot = async (
    emailKey: string,
    index: number,
    seen: number | undefined,
    at: number,
    windowMs: number,
  ) => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: failuresKey(emailKey),
          UpdateExpression: 'SET #slot = :at, #ttl = :ttl',
          ConditionExpression: seen === undefined ? 'attribute_not_exists(#slot)' : '#slot = :seen',
          ExpressionAttributeNames: { '#slot': slotName(index), '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':at': at,
            ':ttl': ttlFor(at + windowMs),
            ...(seen === undefined ? {} : { ':seen': seen }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  };

  return {
    async reserveLoginAttempt(emailKey, at, { threshold, windowMs }): Promise<LoginAttempt> {
      // Each lost race means another login took a slot, and there are only `threshold` to take in a
      // window: after that many, every slot is taken and the answer is "none left". Any free slot
      // will do (empty, or holding an attempt older than the window); a random one makes racing
      // logins collide less.
      for (let round = 0; round <= threshold + 1; round++) {
        const slots = slotTimes(await get(failuresKey(emailKey)), threshold);
        const free = slots
          .map((time, index) => ({ time, index }))
          .filter(({ time }) => time === undefined || time <= at - windowMs);
        const pick = free[Math.floor(Math.random() * free.length)];
        if (!pick)
          return { reserved: false, times: slots.filter((time): time is number => time !== undefined) };
        if (await takeSlot(emailKey, pick.index, pick.time, at, windowMs)) return { reserved: true };
      }
      throw new WriteContendedError(new Error('login attempts kept racing for the same slots'));
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
