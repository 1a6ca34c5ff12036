export type { EventData, EventType } from './catalog.ts';
export {
  BOOKING_STATUSES,
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
export type { CarriedEvent, OutboxItem } from './outbox.ts';
export {
  CARRIED_EVENTS_ATTRIBUTE,
  eventsOf,
  isOutboxItem,
  OUTBOX_PREFIX,
  OUTBOX_RETENTION_SECONDS,
  outboxItem,
  outboxPut,
  recordWithEvents,
} from './outbox.ts';
