export type { EventData, EventType } from './catalog.ts';
export {
  catalog,
  EVENT_TYPES,
  isEventType,
  TICKET_FIELDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
} from './catalog.ts';
export type {
  AnyTesseraEvent,
  EventBridgeDelivery,
  EventDetail,
  NewEventOptions,
  TesseraEvent,
} from './envelope.ts';
export { InvalidEventError, newEvent, parseEvent } from './envelope.ts';
export type { OutboxItem } from './outbox.ts';
export { isOutboxItem, OUTBOX_PREFIX, OUTBOX_RETENTION_SECONDS, outboxItem, outboxPut } from './outbox.ts';
