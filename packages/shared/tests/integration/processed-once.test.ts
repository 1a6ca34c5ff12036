/**
 * processedOnce on DynamoDB Local: the conditional claim, the duplicate, the release after a
 * failure, a claim held by another delivery, and a lease that ran out.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createProcessedOnce, EventInProgressError } from '../../src/consumer/processed-once.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;

beforeAll(async () => {
  table = await serviceTable('tickets');
});
afterAll(() => table.drop());

const movableClock = (start = Date.parse('2026-12-01T10:00:00.000Z')) => {
  let now = start;
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
};

const onceFor = (clock = movableClock(), consumer = `test-${randomUUID().slice(0, 8)}`) =>
  createProcessedOnce({
    client: table.documentClient,
    tableName: table.tableName,
    consumer,
    clock,
    leaseSeconds: 30,
  });

describe('Function: createProcessedOnce', () => {
  it('runs the work the first time and answers a duplicate after, without running it', async () => {
    // Prepare
    const once = onceFor();
    const eventId = randomUUID();
    let runs = 0;
    const work = async () => ++runs;

    // Act
    const first = await once(eventId, work);
    const second = await once(eventId, work);

    // Assess
    expect(first).toEqual({ outcome: 'processed', result: 1 });
    expect(second).toEqual({ outcome: 'duplicate' });
    expect(runs).toBe(1);
  });

  it('keeps records of two consumers of one event apart', async () => {
    const eventId = randomUUID();

    await onceFor(undefined, 'consumer-a')(eventId, async () => 'a');
    const other = await onceFor(undefined, 'consumer-b')(eventId, async () => 'b');

    expect(other).toEqual({ outcome: 'processed', result: 'b' });
  });

  it('releases the claim when the work fails, so the redelivery runs it', async () => {
    // Prepare
    const once = onceFor();
    const eventId = randomUUID();

    // Act
    const failed = once(eventId, async () => {
      throw new Error('downstream refused');
    });
    await expect(failed).rejects.toThrow('downstream refused');
    const retried = await once(eventId, async () => 'second time');

    // Assess
    expect(retried).toEqual({ outcome: 'processed', result: 'second time' });
  });

  it('refuses a delivery while another holds the claim, and runs the work once', async () => {
    // Prepare
    const once = onceFor();
    const eventId = randomUUID();
    let release: () => void = () => undefined;
    let runs = 0;
    const slow = once(eventId, async () => {
      runs++;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return 'slow';
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    const concurrent = once(eventId, async () => {
      runs++;
      return 'concurrent';
    });

    // Assess
    await expect(concurrent).rejects.toBeInstanceOf(EventInProgressError);
    release();
    await expect(slow).resolves.toEqual({ outcome: 'processed', result: 'slow' });
    expect(runs).toBe(1);
  });

  it('lets a redelivery take over a claim whose lease ran out', async () => {
    // Prepare
    const clock = movableClock();
    const consumer = `test-${randomUUID().slice(0, 8)}`;
    const once = onceFor(clock, consumer);
    const eventId = randomUUID();
    let release: () => void = () => undefined;
    const stuck = once(eventId, () => new Promise<string>((resolve) => (release = () => resolve('late'))));
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    clock.advance(31);
    const takeover = await once(eventId, async () => 'took over');
    release();
    await stuck;

    // Assess
    expect(takeover).toEqual({ outcome: 'processed', result: 'took over' });
    const record = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: `PROCESSED#${consumer}#${eventId}`, sk: 'PROCESSED' },
      }),
    );
    expect(record.Item).toMatchObject({ status: 'DONE', eventId });
    expect(record.Item?.ttl).toBe(Math.floor(clock.now().getTime() / 1000) + 7 * 24 * 3600);
  });
});
