/**
 * The transactional outbox: a use case writes its state change and its event in one
 * TransactWriteItems, the event as an outbox item in the service's own table. The table's stream
 * carries the item to the publisher, which sends it to the bus; if the process dies after the
 * write, the event still goes out. Outbox items expire through the table's `ttl` attribute.
 *
 * @example
 * await documentClient.send(new TransactWriteCommand({
 *   TransactItems: [{ Put: { TableName, Item: user } }, outboxPut(TableName, event)],
 * }));
 */
import type { TesseraEvent } from './envelope.ts';

const OUTBOX_PREFIX = 'OUTBOX#';
const OUTBOX_RETENTION_SECONDS = 2 * 24 * 60 * 60;

interface OutboxItem {
  readonly pk: string;
  readonly sk: 'OUTBOX';
  readonly source: string;
  readonly detailType: string;
  readonly detail: TesseraEvent['detail'];
  readonly ttl: number;
}

const outboxItem = (event: TesseraEvent): OutboxItem => ({
  pk: `${OUTBOX_PREFIX}${event.detail.eventId}`,
  sk: 'OUTBOX',
  source: event.source,
  detailType: event.detailType,
  detail: event.detail,
  ttl: Math.floor(Date.parse(event.detail.occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS,
});

/** The `Put` of a TransactWriteItems that records an event in the outbox, exactly once. */
const outboxPut = (tableName: string, event: TesseraEvent) => ({
  Put: {
    TableName: tableName,
    Item: outboxItem(event),
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

const isOutboxItem = (
  item: { readonly [key: string]: unknown } | undefined,
): item is OutboxItem & { readonly [key: string]: unknown } =>
  typeof item?.pk === 'string' &&
  item.pk.startsWith(OUTBOX_PREFIX) &&
  item.sk === 'OUTBOX' &&
  typeof item.source === 'string' &&
  typeof item.detailType === 'string' &&
  typeof item.detail === 'object' &&
  item.detail !== null;

export type { OutboxItem };
export { isOutboxItem, OUTBOX_PREFIX, OUTBOX_RETENTION_SECONDS, outboxItem, outboxPut };
