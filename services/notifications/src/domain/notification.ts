/**
 * What a notification is: the message a person gets about an event that concerns them, pushed to
 * their open connections and kept 30 days in their inbox.
 *
 * - `audienceOf` says who an event concerns: the booking's owner and the room's provider for a
 *   booking event; the booking's owner for a payment; the reporter and the assignee (and an
 *   assignee replaced) for a ticket; and, for a room's availability change, no person but the
 *   connections subscribed to the room.
 * - `messageOf` is what the client receives: `{ type, data, occurredAt, correlationId, id }`, the
 *   event's data without what only its consumers may read (the payment token of `booking.created`).
 * - `notificationId` is a ULID-shaped id: the time the inbox stored it, then 80 bits of a hash of
 *   the event and the recipient, so ids sort in storing order and never repeat for two recipients.
 */
import { createHash } from 'node:crypto';
import type { AnyTesseraEvent } from '@tessera/shared/events';

/** The client's message for one event and one recipient. */
interface NotificationMessage {
  readonly id: string;
  /** The event's detail-type. */
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly occurredAt: string;
  readonly correlationId: string;
}

/** A notification in a person's inbox. */
interface Notification extends NotificationMessage {
  readonly userId: string;
}

/** Who an event concerns: people (pushed and kept in their inbox) and rooms (pushed to their subscribers). */
interface Audience {
  readonly users: readonly string[];
  readonly rooms: readonly string[];
}

/** How long an inbox keeps a notification. */
const INBOX_RETENTION_SECONDS = 30 * 24 * 60 * 60;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A notification id: 26 characters of Crockford base32. */
const NOTIFICATION_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const distinct = (values: readonly (string | null | undefined)[]): string[] => [
  ...new Set(values.filter((value): value is string => typeof value === 'string' && value !== '')),
];

/**
 * The people and rooms an event concerns.
 *
 * @example
 * audienceOf(bookingConfirmed); // { users: [ownerId, providerId], rooms: [] }
 */
const audienceOf = (event: AnyTesseraEvent): Audience => {
  switch (event.detailType) {
    case 'booking.created':
    case 'booking.confirmed':
    case 'booking.payment_failed':
    case 'booking.cancelled':
    case 'booking.rescheduled':
    case 'booking.expired':
    case 'booking.reminder': {
      const { booking } = event.detail.data;
      return { users: distinct([booking.userId, booking.providerId]), rooms: [] };
    }
    case 'payment.succeeded':
    case 'payment.failed':
    case 'payment.refunded':
      return { users: [event.detail.data.payment.userId], rooms: [] };
    case 'ticket.created': {
      const { ticket } = event.detail.data;
      return { users: distinct([ticket.reporterId, ticket.assigneeId]), rooms: [] };
    }
    case 'ticket.updated': {
      const { ticket, previousAssigneeId } = event.detail.data;
      return { users: distinct([ticket.reporterId, ticket.assigneeId, previousAssigneeId]), rooms: [] };
    }
    case 'ticket.deleted': {
      const { reporterId, assigneeId } = event.detail.data;
      return { users: distinct([reporterId, assigneeId]), rooms: [] };
    }
    case 'room.availability_changed':
      return { users: [], rooms: [event.detail.data.roomId] };
    default:
      return { users: [], rooms: [] };
  }
};

/** The event's data as a client may read it: `booking.created` without its payment token. */
const publicDataOf = (event: AnyTesseraEvent): Record<string, unknown> => {
  if (event.detailType === 'booking.created') {
    const { paymentToken: _token, ...rest } = event.detail.data;
    return rest;
  }
  return { ...event.detail.data };
};

const base32 = (value: bigint, length: number): string => {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[Number(rest % 32n)] + out;
    rest /= 32n;
  }
  return out;
};

/**
 * The id of the notification of `eventId` for `recipient`, stored at `at`.
 *
 * @example
 * notificationId(new Date('2026-12-03T10:00:00Z'), eventId, userId); // '01KB...' (26 characters)
 */
const notificationId = (at: Date, eventId: string, recipient: string): string => {
  const time = base32(BigInt(at.getTime()), 10);
  const digest = createHash('sha256').update(`${eventId}\n${recipient}`).digest();
  const tail = base32(BigInt(`0x${digest.subarray(0, 10).toString('hex')}`), 16);
  return time + tail;
};

/**
 * The message of an event for one recipient.
 *
 * @example
 * messageOf(event, notificationId(now, event.detail.eventId, userId));
 */
const messageOf = (event: AnyTesseraEvent, id: string): NotificationMessage => ({
  id,
  type: event.detailType,
  data: publicDataOf(event),
  occurredAt: event.detail.occurredAt,
  correlationId: event.detail.correlationId,
});

export type { Audience, Notification, NotificationMessage };
export { audienceOf, INBOX_RETENTION_SECONDS, messageOf, NOTIFICATION_ID, notificationId, publicDataOf };
