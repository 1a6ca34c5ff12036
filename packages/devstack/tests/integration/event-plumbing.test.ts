import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newEvent, outboxPut, type TesseraEvent } from '@tessera/shared/events';
import type { Logger } from '@tessera/shared/logger';
import { noMetrics } from '@tessera/shared/metrics';
import { createOutboxPublisher } from '@tessera/shared/outbox-publisher';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { endpoint, serviceTable } from '../../../../tests/support/dynamodb.ts';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { DynamoDbStreamSource } from '../../src/dynamodb-stream-source.ts';
import { type EventBridgeEvent, LocalEventBus } from '../../src/event-bus.ts';

const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() } as unknown as Logger;

let table: Awaited<ReturnType<typeof serviceTable>>;
let bus: LocalEventBus;
let publish: (event: DynamoDBStreamEvent) => ReturnType<ReturnType<typeof createOutboxPublisher>>;
const delivered: EventBridgeEvent[] = [];
const folder = mkdtempSync(join(tmpdir(), 'tessera-plumbing-'));
const pumps: DynamoDbStreamSource[] = [];

beforeAll(async () => {
  table = await serviceTable('users');
  bus = new LocalEventBus({
    rules: [
      {
        name: 'registrations',
        pattern: { source: ['tessera.users'], 'detail-type': ['user.registered'] },
        deliver: async (event) => {
          delivered.push(event);
        },
      },
    ],
  });
  const busEndpoint = await bus.start();
  const eventBridge = new EventBridgeClient({
    endpoint: busEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  publish = createOutboxPublisher({ eventBridge, busName: 'tessera', logger, metrics: noMetrics });
});

afterEach(async () => {
  await Promise.all(pumps.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await bus.stop();
  await table.drop();
  rmSync(folder, { recursive: true, force: true });
});

const pump = (checkpointFile: string, wrap = publish) => {
  const instance = new DynamoDbStreamSource({
    endpoint: endpoint(),
    streams: [{ tableName: table.tableName, streamArn: table.streamArn ?? '' }],
    invoke: wrap,
    checkpointFile,
    pollIntervalMs: 20,
  });
  void instance.start();
  pumps.push(instance);
  return instance;
};

const registration = (
  name: string,
  type: 'user.registered' | 'user.role_changed' = 'user.registered',
): TesseraEvent => {
  const userId = crypto.randomUUID();
  return type === 'user.registered'
    ? newEvent(
        'user.registered',
        { userId, email: `${name}@example.com`, name, role: 'user', registeredAt: new Date().toISOString() },
        { correlationId: `corr-${name}`, occurredAt: new Date() },
      )
    : newEvent(
        'user.role_changed',
        {
          userId,
          role: 'admin',
          previousRole: 'user',
          changedBy: userId,
          changedAt: new Date().toISOString(),
        },
        { correlationId: `corr-${name}`, occurredAt: new Date() },
      );
};

const write = (event: TesseraEvent) =>
  table.documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table.tableName, Item: { pk: `THING#${event.detail.eventId}`, sk: 'THING' } } },
        outboxPut(table.tableName, event),
      ],
    }),
  );

const published = (eventId: string) =>
  bus.events.filter((e) => (e.detail as { eventId?: string }).eventId === eventId);

const eventually = async (check: () => boolean, timeoutMs = 10_000) => {
  if (!(await pollUntil(check, (met) => met, { timeoutMs, intervalMs: 20 })))
    throw new Error('condition not met in time');
};

describe('Devstack: stream -> publisher -> bus', () => {
  it('publishes an outbox write to the bus with its envelope, and only the outbox item', async () => {
    pump(join(folder, 'a.json'));
    const event = registration('ada');

    await write(event);

    await eventually(() => published(event.detail.eventId).length === 1);
    expect(published(event.detail.eventId)[0]).toMatchObject({
      source: 'tessera.users',
      detailType: 'user.registered',
      detail: { correlationId: 'corr-ada', data: { email: 'ada@example.com' } },
    });
    expect(bus.events.some((e) => JSON.stringify(e.detail).includes('THING#'))).toBe(false);
  });

  it('publishes, after a restart, what was written while it was stopped, and nothing twice', async () => {
    const checkpoint = join(folder, 'b.json');
    const first = pump(checkpoint);
    const before = registration('before');
    await write(before);
    await eventually(() => published(before.detail.eventId).length === 1);
    await first.stop();
    const during = registration('during');

    await write(during);
    pump(checkpoint);

    await eventually(() => published(during.detail.eventId).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(published(before.detail.eventId)).toHaveLength(1);
    expect(published(during.detail.eventId)).toHaveLength(1);
  });

  it('retries a batch the publisher failed, until it goes out', async () => {
    let failuresLeft = 2;
    pump(join(folder, 'c.json'), async (event) => {
      if (failuresLeft-- > 0) throw new Error('bus unreachable');
      return publish(event);
    });
    const event = registration('retried');

    await write(event);

    await eventually(() => published(event.detail.eventId).length >= 1);
    expect(failuresLeft).toBeLessThan(0);
  });

  it('reads again from the first record the publisher reported failed, and not the ones before it', async () => {
    // Prepare: two outbox writes, one transaction each; the publisher fails the second, once.
    const first = registration('partial-first');
    const second = registration('partial-second');
    const eventIdOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S?.replace('OUTBOX#', '') ?? '';
    const calls: string[][] = [];
    let failedOnce = false;
    pump(join(folder, 'e.json'), async (event) => {
      const ids = event.Records.map(eventIdOf);
      calls.push(ids);
      const at = ids.indexOf(second.detail.eventId);
      if (failedOnce || at === -1) return publish(event);
      failedOnce = true;
      if (at > 0) await publish({ Records: event.Records.slice(0, at) });
      return { batchItemFailures: [{ itemIdentifier: event.Records[at]?.dynamodb?.SequenceNumber ?? '' }] };
    });

    // Act
    await write(first);
    await write(second);

    // Assess
    await eventually(() => published(second.detail.eventId).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(published(first.detail.eventId)).toHaveLength(1);
    expect(published(second.detail.eventId)).toHaveLength(1);
    expect(calls.filter((ids) => ids.includes(first.detail.eventId))).toHaveLength(1);
    expect(calls.filter((ids) => ids.includes(second.detail.eventId)).length).toBeGreaterThanOrEqual(2);
    // The retry starts at the failed record: nothing before it comes again.
    const [failing, retry] = calls.filter((ids) => ids.includes(second.detail.eventId));
    expect(failing).toBeDefined();
    expect(retry?.[0]).toBe(second.detail.eventId);
  });

  it('delivers to the rules whose pattern matches, and to no others', async () => {
    pump(join(folder, 'd.json'));
    const registered = registration('ruled');
    const promoted = registration('promoted', 'user.role_changed');

    await write(registered);
    await write(promoted);

    await eventually(
      () =>
        published(promoted.detail.eventId).length === 1 &&
        delivered.some((e) => (e.detail as { eventId: string }).eventId === registered.detail.eventId),
    );
    await bus.settled();
    expect(delivered.some((e) => (e.detail as { eventId: string }).eventId === promoted.detail.eventId)).toBe(
      false,
    );
  });
});
