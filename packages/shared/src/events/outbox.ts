/**
 * The transactional outbox: a use case writes its state change and its event in one
 * TransactWriteItems, the event as an outbox item in the service's own table. The table's stream
 * carries the item to the publisher, which sends it to the bus; if the process dies after the
 * write, the event still goes out. Outbox items expire through the table's `ttl` attribute.
 *
 * Each event keeps the X-Ray trace header current when it was written (`traceHeader`), which the
 * publisher puts on its `PutEvents` entry, so the trace goes on across the stream, the bus and the
 * consumers (ADR 0040).
 *
 * @example
 * await documentClient.send(new TransactWriteCommand({
 *   TransactItems: [{ Put: { TableName, Item: user } }, outboxPut(TableName, event)],
 * }));
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { currentTraceHeader } from '../tracing/tracing.ts';
import type { TesseraEvent } from './envelope.ts';

const OUTBOX_PREFIX = 'OUTBOX#';
const OUTBOX_RETENTION_SECONDS = 2 * 24 * 60 * 60;

interface OutboxItem {
  readonly pk: string;
  readonly sk: 'OUTBOX';
  readonly source: string;
  readonly detailType: string;
  readonly detail: TesseraEvent['detail'];
  readonly traceHeader?: string;
  readonly ttl: number;
}

/** `{ traceHeader }` of the work running now, or nothing outside a trace. */
const traceOfNow = (): { traceHeader?: string } => {
  const traceHeader = currentTraceHeader();
  return traceHeader ? { traceHeader } : {};
};

const outboxItem = (event: TesseraEvent): OutboxItem => ({
  pk: `${OUTBOX_PREFIX}${event.detail.eventId}`,
  sk: 'OUTBOX',
  source: event.source,
  detailType: event.detailType,
  detail: event.detail,
  ...traceOfNow(),
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

/** The events a kept record carries, as the publisher sends them. */
interface CarriedEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: TesseraEvent['detail'];
  /** The X-Ray trace header of the work that wrote it. */
  readonly traceHeader?: string;
}

/** The attribute of a kept record that holds the events it carries (binary: deflated JSON). */
const CARRIED_EVENTS_ATTRIBUTE = 'outboxEvents';

const packEvents = (events: readonly CarriedEvent[]): Uint8Array =>
  deflateRawSync(Buffer.from(JSON.stringify(events), 'utf8'));

const unpackEvents = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (!(value instanceof Uint8Array)) return [];
  try {
    const parsed: unknown = JSON.parse(inflateRawSync(value).toString('utf8'));
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
};

/**
 * The `Put` of a new record (`pk`, `sk` and its own attributes) that carries `events` to the bus, in
 * order, when it reaches the stream. The record stays; its events go out once, on its insert.
 */
const recordWithEvents = (
  tableName: string,
  record: { readonly pk: string; readonly sk: string; readonly [attribute: string]: unknown },
  events: readonly TesseraEvent[],
) => ({
  Put: {
    TableName: tableName,
    Item: {
      ...record,
      [CARRIED_EVENTS_ATTRIBUTE]: packEvents(
        events.map(
          (event): CarriedEvent => ({
            source: event.source,
            detailType: event.detailType,
            detail: event.detail,
            ...traceOfNow(),
          }),
        ),
      ),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

const isCarriedEvent = (value: unknown): value is CarriedEvent => {
  const entry = value as Partial<CarriedEvent> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.source === 'string' &&
    typeof entry.detailType === 'string' &&
    typeof entry.detail === 'object' &&
    entry.detail !== null
  );
};

/** The events an inserted item sends to the bus: an outbox item's one, a record's carried ones, or none. */
const eventsOf = (item: { readonly [key: string]: unknown } | undefined): readonly CarriedEvent[] => {
  if (isOutboxItem(item)) {
    const { source, detailType, detail, traceHeader } = item;
    return [{ source, detailType, detail, ...(typeof traceHeader === 'string' ? { traceHeader } : {}) }];
  }
  return unpackEvents(item?.[CARRIED_EVENTS_ATTRIBUTE]).filter(isCarriedEvent);
};

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

export type { CarriedEvent, OutboxItem };
export {
  CARRIED_EVENTS_ATTRIBUTE,
  eventsOf,
  isOutboxItem,
  OUTBOX_PREFIX,
  OUTBOX_RETENTION_SECONDS,
  outboxItem,
  outboxPut,
  recordWithEvents,
};
