/**
 * The payments store and consumer on DynamoDB Local: a write and its event land together or not at
 * all, and many deliveries of one booking's events at once, through the real consumer (with
 * processedOnce in the table), still make one charge and one event.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '@tessera/shared/clock';
import type { Logger } from '@tessera/shared/logger';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { capturedMetrics } from '../../../../tests/support/metrics.ts';
import { createPaymentStore } from '../../src/adapters/payment-store.ts';
import { pendingPaymentOf } from '../../src/domain/charges.ts';
import { paymentIdOf } from '../../src/domain/payment.ts';
import type { Dependencies } from '../../src/domain/ports.ts';
import { emulatedProvider } from '../../src/domain/provider.ts';
import { createPaymentsConsumer } from '../../src/handlers/events.ts';
import { createdEvent, deliveryOf, sqsRecord } from '../unit/fakes.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;
let deps: Dependencies;

const silent = { debug: async () => {}, info: async () => {}, warn: async () => {}, error: async () => {} };

beforeAll(async () => {
  table = await serviceTable('payments');
  deps = {
    store: createPaymentStore(table.documentClient, table.tableName),
    provider: emulatedProvider,
    clock: systemClock,
    metrics: capturedMetrics('payments'),
  };
});
afterAll(() => table.drop());

/** The outbox items of this booking's payment, by event type. */
const outboxOf = async (bookingId: string) => {
  const { Items = [] } = await table.documentClient.send(
    new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
  );
  return Items.filter(
    (item) =>
      item.sk === 'OUTBOX' && (item.detail?.data?.payment as { bookingId?: string })?.bookingId === bookingId,
  ).map((item) => item.detailType as string);
};

describe('The payment store', () => {
  it('creates a payment once, and changes it only at the version read; a refused write leaves no event', async () => {
    const event = createdEvent('tok_ok');
    // A payment as its first write stores it.
    const payment = {
      ...pendingPaymentOf(event.detail.data.booking, '2027-01-10T08:00:00.000Z'),
      version: 1,
    };

    expect(await deps.store.create(payment)).toBe('written');
    expect(await deps.store.create(payment)).toBe('exists');
    const next = { ...payment, status: 'SUCCEEDED' as const, version: 2 };
    expect(await deps.store.update(next, 1, event)).toBe('written');
    expect(await deps.store.update({ ...next, version: 3 }, 1, event)).toBe('stale');

    expect(await deps.store.get(payment.id)).toEqual(next);
    const { Items = [] } = await table.documentClient.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
    );
    expect(Items.filter((item) => item.pk === `OUTBOX#${event.detail.eventId}`)).toHaveLength(1);
  });
});

describe('The payments consumer', () => {
  it('ten deliveries of one booking.created at once, some under new ids, make one charge and one event', async () => {
    const consumer = createPaymentsConsumer({
      client: table.documentClient,
      tableName: table.tableName,
      dependencies: deps,
      logger: silent as unknown as Logger,
    });
    const event = createdEvent('tok_ok');
    const bodyOf = (eventId: string) => deliveryOf({ ...event, detail: { ...event.detail, eventId } });

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        consumer.sqs({
          Records: [sqsRecord(`m${i}`, bodyOf(i % 2 === 0 ? event.detail.eventId : crypto.randomUUID()))],
        } as SQSEvent),
      ),
    );
    // Those that met another delivery at work come back (EventInProgress); deliver them again.
    const retried = responses.flatMap((r, i) => (r.batchItemFailures.length > 0 ? [i] : []));
    for (const i of retried)
      await consumer.sqs({ Records: [sqsRecord(`m${i}`, bodyOf(event.detail.eventId), 2)] } as SQSEvent);

    const payment = await deps.store.get(paymentIdOf(event.detail.data.booking.id));
    expect(payment?.status).toBe('SUCCEEDED');
    expect(payment?.attempts.map((a) => a.outcome)).toEqual(['SUCCEEDED']);
    expect(await outboxOf(event.detail.data.booking.id)).toEqual(['payment.succeeded']);
  });
});
