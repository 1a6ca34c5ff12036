/**
 * `processedOnce`: runs a consumer's work for an event at most once to completion, however often the
 * event is delivered. Every AWS delivery Tessera uses (EventBridge rules, SQS, Scheduler) is at least
 * once, and a consumer's effect must not be (a second push, a second charge).
 *
 * The record is an item of the consumer's own table, `PROCESSED#<consumer>#<eventId>` / `PROCESSED`:
 *
 * 1. Claim it with a conditional put (`IN_PROGRESS`, a lease, an owner token): it does not exist,
 *    or a claim whose lease ran out (its consumer crashed or timed out) is taken over.
 * 2. Claimed: run the work. Done: mark the record `DONE`. Failed: delete the claim, so the
 *    redelivery runs the work again, then throw.
 * 3. Not claimed: `DONE` means a duplicate, answered without running anything; a live claim means
 *    another delivery is at work right now, and this one fails with `EventInProgressError`, to be
 *    delivered again later (by then the first has finished, or its lease has run out).
 *
 * Records expire through the table's `ttl` after `retentionSeconds` (7 days: longer than SQS keeps
 * a message and EventBridge retries an event). TTL deletes lag, which only keeps a record longer.
 *
 * When the work is itself one write to the same table, putting the `DONE` record in that write's
 * transaction (`processedPut`) makes the two atomic, with no claim needed.
 *
 * @example
 * const once = createProcessedOnce({ client, tableName, consumer: 'tickets.user-directory' });
 * const { outcome } = await once(event.detail.eventId, () => applyUserEvent(directory, event));
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../clock.ts';
import { isConditionalCheckFailed } from '../dynamodb.ts';

type ProcessedOnceResult<T> =
  | { readonly outcome: 'processed'; readonly result: T }
  | { readonly outcome: 'duplicate' };

/** Runs `work` for the event with this id unless it already ran to completion. */
type ProcessedOnce = <T>(eventId: string, work: () => Promise<T>) => Promise<ProcessedOnceResult<T>>;

interface ProcessedOnceOptions {
  readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;
  /** Who consumes, so two consumers of one event in one table keep their own records. */
  readonly consumer: string;
  readonly clock?: Clock;
  /** How long a claim holds before another delivery may take it over (60 s unless given). */
  readonly leaseSeconds?: number;
  /** How long a record is kept (7 days unless given). */
  readonly retentionSeconds?: number;
}

/** Another delivery of the same event is being processed right now; deliver this one again later. */
class EventInProgressError extends Error {
  constructor(readonly eventId: string) {
    super(`Event ${eventId} is being processed by another delivery; it will be retried`);
    this.name = 'EventInProgressError';
  }
}

const RETENTION_SECONDS = 7 * 24 * 60 * 60;
const LEASE_SECONDS = 60;

const recordKey = (consumer: string, eventId: string) => ({
  pk: `PROCESSED#${consumer}#${eventId}`,
  sk: 'PROCESSED',
});

/**
 * The `Put` of a TransactWriteItems that records the event as processed, in the same transaction as
 * the consumer's write; the transaction fails its condition when the event was processed already.
 */
const processedPut = (
  tableName: string,
  consumer: string,
  eventId: string,
  now: Date,
  retentionSeconds = RETENTION_SECONDS,
) => ({
  Put: {
    TableName: tableName,
    Item: {
      ...recordKey(consumer, eventId),
      status: 'DONE',
      eventId,
      processedAt: now.toISOString(),
      ttl: Math.floor(now.getTime() / 1000) + retentionSeconds,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

const createProcessedOnce = (options: ProcessedOnceOptions): ProcessedOnce => {
  const clock = options.clock ?? systemClock;
  const lease = options.leaseSeconds ?? LEASE_SECONDS;
  const retention = options.retentionSeconds ?? RETENTION_SECONDS;
  const { client, tableName, consumer } = options;

  const claim = async (eventId: string, token: string): Promise<boolean> => {
    const now = clock.now().getTime();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...recordKey(consumer, eventId),
            status: 'IN_PROGRESS',
            eventId,
            token,
            leaseUntil: now + lease * 1000,
            ttl: Math.floor(now / 1000) + retention,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  };

  // `token` and `status` are reserved words in DynamoDB expressions.
  const ownedBy = (token: string) => ({
    ConditionExpression: '#token = :token',
    ExpressionAttributeNames: { '#token': 'token' } as Record<string, string>,
    ExpressionAttributeValues: { ':token': token } as Record<string, unknown>,
  });

  return async <T>(eventId: string, work: () => Promise<T>): Promise<ProcessedOnceResult<T>> => {
    const token = randomUUID();
    if (!(await claim(eventId, token))) {
      const found = await client.send(
        new GetCommand({ TableName: tableName, Key: recordKey(consumer, eventId), ConsistentRead: true }),
      );
      if (found.Item?.status === 'DONE') return { outcome: 'duplicate' };
      throw new EventInProgressError(eventId);
    }
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await client
        .send(
          new DeleteCommand({ TableName: tableName, Key: recordKey(consumer, eventId), ...ownedBy(token) }),
        )
        .catch((releaseError: unknown) => {
          // Taken over meanwhile, or unreachable: the lease runs out and a redelivery takes it.
          if (!isConditionalCheckFailed(releaseError)) throw releaseError;
        });
      throw error;
    }
    try {
      const owned = ownedBy(token);
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: recordKey(consumer, eventId),
          UpdateExpression: 'SET #status = :done, processedAt = :at REMOVE leaseUntil',
          ConditionExpression: owned.ConditionExpression,
          ExpressionAttributeNames: { ...owned.ExpressionAttributeNames, '#status': 'status' },
          ExpressionAttributeValues: {
            ...owned.ExpressionAttributeValues,
            ':done': 'DONE',
            ':at': clock.now().toISOString(),
          },
        }),
      );
    } catch (error) {
      // Our lease ran out and another delivery took the claim: it finishes the record.
      if (!isConditionalCheckFailed(error)) throw error;
    }
    return { outcome: 'processed', result };
  };
};

export type { ProcessedOnce, ProcessedOnceOptions, ProcessedOnceResult };
export { createProcessedOnce, EventInProgressError, processedPut };
