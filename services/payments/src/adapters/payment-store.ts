/**
 * The payments table: one item per payment, `PAYMENT#<paymentId>` / `PAYMENT` (the id is derived
 * from the booking's, so the item is keyed by booking), beside the consumers' processed-once records
 * and the outbox. A write is conditional (`attribute_not_exists` for a new payment, the version read
 * for a change) and carries its event in the same transaction; a failed condition is an outcome.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TesseraEvent } from '@tessera/shared/events';
import { outboxPut } from '@tessera/shared/outbox';
import { conditionalWrite, transactWrite } from '@tessera/shared/store';
import type { StoredPayment } from '#domain/payment';
import type { PaymentStore } from '#domain/ports';

const keyOf = (id: string) => ({ pk: `PAYMENT#${id}`, sk: 'PAYMENT' });

const ATTRIBUTES = [
  'id',
  'bookingId',
  'userId',
  'status',
  'amount',
  'currency',
  'attempts',
  'failureReason',
  'refundReason',
  'createdAt',
  'updatedAt',
  'version',
  'closedBy',
] as const;

const toPayment = (item: Record<string, unknown>): StoredPayment =>
  Object.fromEntries(ATTRIBUTES.map((name) => [name, item[name] ?? null])) as unknown as StoredPayment;

const toItem = (payment: StoredPayment) => ({ ...keyOf(payment.id), ...payment });

const createPaymentStore = (
  client: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
): PaymentStore => {
  const put = (payment: StoredPayment, condition: string, values?: Record<string, unknown>) => ({
    TableName: tableName,
    Item: toItem(payment),
    ConditionExpression: condition,
    ...(values ? { ExpressionAttributeValues: values } : {}),
  });

  const write = async <O extends string>(
    item: ReturnType<typeof put>,
    outcome: O,
    event: TesseraEvent | undefined,
  ): Promise<'written' | O> =>
    event
      ? transactWrite(client, [{ Put: item, onConditionFailed: outcome }, outboxPut(tableName, event)])
      : conditionalWrite(client, new PutCommand(item), outcome);

  return {
    async get(id) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: keyOf(id), ConsistentRead: true }),
      );
      return result.Item ? toPayment(result.Item) : null;
    },

    create: (payment, event) => write(put(payment, 'attribute_not_exists(pk)'), 'exists', event),

    update: (payment, expectedVersion, event) =>
      write(put(payment, 'version = :expected', { ':expected': expectedVersion }), 'stale', event),
  };
};

export { createPaymentStore };
