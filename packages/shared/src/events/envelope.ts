/**
 * The EventBridge envelope every Tessera event travels in:
 * `source` = `tessera.<service>`, `detail-type` = `<entity>.<verb>`,
 * `detail` = `{ eventId, occurredAt, correlationId, data }`.
 *
 * `eventId` is stable across redeliveries (EventBridge's own `id` is not), so consumers dedupe on it.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { memo } from '../once.ts';
import { catalog, type EventData, type EventType, isEventType } from './catalog.ts';

interface EventDetail<T extends EventType = EventType> {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly data: EventData<T>;
}

interface TesseraEvent<T extends EventType = EventType> {
  readonly source: string;
  readonly detailType: T;
  readonly detail: EventDetail<T>;
}

/** Any event of the catalog; narrowing on `detailType` narrows `detail.data`. */
type AnyTesseraEvent = { [T in EventType]: TesseraEvent<T> }[EventType];

interface NewEventOptions {
  readonly correlationId: string;
  readonly occurredAt: Date;
  readonly eventId?: string;
}

/** The envelope's `detail`, built on the first event parsed. */
const detailSchema = memo(() =>
  z.object({
    eventId: z.uuid(),
    occurredAt: z.iso.datetime({ offset: false }),
    correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
    data: z.unknown(),
  }),
);

/**
 * Makes an event, validating its data against the catalog.
 *
 * @example
 * const event = newEvent('user.registered', { userId, email, name, role: 'user', registeredAt }, {
 *   correlationId, occurredAt: clock.now(),
 * });
 */
const newEvent = <T extends EventType>(
  type: T,
  data: EventData<T>,
  options: NewEventOptions,
): TesseraEvent<T> => {
  const entry = catalog[type];
  return {
    source: entry.source,
    detailType: type,
    detail: {
      eventId: options.eventId ?? randomUUID(),
      occurredAt: options.occurredAt.toISOString(),
      correlationId: options.correlationId,
      data: z.parse(entry.data(), data) as EventData<T>,
    },
  };
};

/** What EventBridge hands a rule target, reduced to the fields Tessera reads. */
interface EventBridgeDelivery {
  readonly source?: unknown;
  readonly 'detail-type'?: unknown;
  readonly detail?: unknown;
}

class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * Parses an event as delivered by EventBridge (or carried in an SQS message), checking its source
 * and its data against the catalog. Throws `InvalidEventError` for anything else.
 */
const parseEvent = (delivery: EventBridgeDelivery): AnyTesseraEvent => {
  const type = delivery['detail-type'];
  if (!isEventType(type)) throw new InvalidEventError(`Unknown event type ${String(type)}`);
  const entry = catalog[type];
  if (delivery.source !== entry.source) throw new InvalidEventError(`${type} must come from ${entry.source}`);
  const detail = z.safeParse(detailSchema(), delivery.detail);
  if (!detail.success) throw new InvalidEventError(`${type} has a malformed detail: ${detail.error.message}`);
  const data = z.safeParse(entry.data(), detail.data.data);
  if (!data.success) throw new InvalidEventError(`${type} has malformed data: ${data.error.message}`);
  return {
    source: entry.source,
    detailType: type,
    detail: { ...detail.data, data: data.data },
  } as TesseraEvent;
};

export type { AnyTesseraEvent, EventBridgeDelivery, EventDetail, NewEventOptions, TesseraEvent };
export { InvalidEventError, newEvent, parseEvent };
