/**
 * The event catalog: every event type Tessera publishes, its source, and one zod schema for its
 * `data` (built on first use: `catalog[type].data()`). Publishers validate against it before
 * writing to the outbox; consumers parse with it.
 * A service adds its events here when it starts publishing them.
 */
import * as z from 'zod/mini';
import { ROLES } from '../auth.ts';
import { EMAIL_PATTERN, MAX_EMAIL_LENGTH } from '../email.ts';
import { memo } from '../once.ts';
import {
  BOOKING_STATUSES,
  PAYMENT_ATTEMPT_OUTCOMES,
  PAYMENT_STATUSES,
  TICKET_FIELDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
} from './statuses.ts';

// Every schema is built on its first use, not at import: most cold starts (a GET) publish and parse
// no event, and building zod schemas is most of what this module would cost them.
const role = () => z.enum(ROLES);
const uuid = () => z.uuid();
const timestamp = () => z.iso.datetime({ offset: false });
/** The contract's `format: email`, the one definition (`email.ts`), so a registration the API accepts is publishable. */
const email = () => z.string().check(z.regex(EMAIL_PATTERN), z.maxLength(MAX_EMAIL_LENGTH));

/** The ticket's statuses, priorities and changeable fields: the tickets service's domain uses these. */

const ticketStatus = () => z.enum(TICKET_STATUSES);
const ticket = memo(() =>
  z.strictObject({
    id: uuid(),
    title: z.string(),
    description: z.string(),
    priority: z.enum(TICKET_PRIORITIES),
    status: ticketStatus(),
    reporterId: uuid(),
    assigneeId: z.nullable(uuid()),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    version: z.number().check(z.int(), z.minimum(1)),
  }),
);

const bookingStatus = () => z.enum(BOOKING_STATUSES);
/** A booking as events carry it: never its payment token, which only `booking.created` holds. */
const booking = memo(() =>
  z.strictObject({
    id: uuid(),
    roomId: uuid(),
    userId: uuid(),
    providerId: uuid(),
    title: z.nullable(z.string()),
    startTime: timestamp(),
    endTime: timestamp(),
    status: bookingStatus(),
    amount: z.number().check(z.int(), z.positive()),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    version: z.number().check(z.int(), z.minimum(1)),
  }),
);
/** Who changed a booking: a user (with their role) or, for payments, expiry and reminders, the system (null). */
const changedBy = () => z.nullable(uuid());
/** A booking change with the status it left. */
const bookingChange = memo(() =>
  z.strictObject({ booking: booking(), previousStatus: bookingStatus(), changedBy: changedBy() }),
);

/** A payment as events and the API carry it: never the payment token. */
const payment = memo(() =>
  z.strictObject({
    id: uuid(),
    bookingId: uuid(),
    userId: uuid(),
    status: z.enum(PAYMENT_STATUSES),
    amount: z.number().check(z.int(), z.positive()),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
    attempts: z.array(
      z.strictObject({
        number: z.number().check(z.int(), z.minimum(1)),
        at: timestamp(),
        outcome: z.enum(PAYMENT_ATTEMPT_OUTCOMES),
      }),
    ),
    failureReason: z.nullable(z.enum(['DECLINED', 'ERROR', 'BOOKING_CLOSED'])),
    refundReason: z.nullable(z.enum(['BOOKING_CANCELLED', 'BOOKING_EXPIRED', 'BOOKING_FAILED'])),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    version: z.number().check(z.int(), z.minimum(1)),
  }),
);
const paymentChange = memo(() => z.strictObject({ payment: payment() }));

const catalog = {
  'user.registered': {
    source: 'tessera.users',
    data: memo(() =>
      z.strictObject({
        userId: uuid(),
        email: email(),
        name: z.string(),
        role: role(),
        registeredAt: timestamp(),
      }),
    ),
  },
  'user.role_changed': {
    source: 'tessera.users',
    data: memo(() =>
      z.strictObject({
        userId: uuid(),
        role: role(),
        previousRole: role(),
        changedBy: uuid(),
        changedAt: timestamp(),
      }),
    ),
  },
  'ticket.created': {
    source: 'tessera.tickets',
    data: memo(() => z.strictObject({ ticket: ticket() })),
  },
  'ticket.updated': {
    source: 'tessera.tickets',
    data: memo(() =>
      z.strictObject({
        ticket: ticket(),
        changes: z.array(z.enum(TICKET_FIELDS)).check(z.minLength(1)),
        previousStatus: ticketStatus(),
        previousAssigneeId: z.nullable(uuid()),
        changedBy: uuid(),
      }),
    ),
  },
  'ticket.deleted': {
    source: 'tessera.tickets',
    data: memo(() =>
      z.strictObject({
        ticketId: uuid(),
        reporterId: uuid(),
        assigneeId: z.nullable(uuid()),
        deletedBy: uuid(),
      }),
    ),
  },
  'booking.created': {
    source: 'tessera.bookings',
    data: memo(() =>
      z.strictObject({
        booking: booking(),
        /** For the payments service only: chooses the emulated payment's outcome. */
        paymentToken: z.nullable(z.string()),
        changedBy: changedBy(),
      }),
    ),
  },
  'booking.rescheduled': {
    source: 'tessera.bookings',
    data: memo(() =>
      z.strictObject({
        booking: booking(),
        previous: z.strictObject({
          startTime: timestamp(),
          endTime: timestamp(),
          amount: z.number().check(z.int(), z.positive()),
        }),
        changedBy: changedBy(),
      }),
    ),
  },
  'booking.cancelled': { source: 'tessera.bookings', data: bookingChange },
  'booking.confirmed': { source: 'tessera.bookings', data: bookingChange },
  'booking.payment_failed': { source: 'tessera.bookings', data: bookingChange },
  'booking.expired': { source: 'tessera.bookings', data: bookingChange },
  'booking.reminder': {
    source: 'tessera.bookings',
    data: memo(() =>
      z.strictObject({ booking: booking(), leadSeconds: z.number().check(z.int(), z.minimum(0)) }),
    ),
  },
  /** The booking's charge went through (once per booking, whatever was redelivered). */
  'payment.succeeded': { source: 'tessera.payments', data: paymentChange },
  /** The charge was declined, or errored on every attempt; the booking is to fail. */
  'payment.failed': { source: 'tessera.payments', data: paymentChange },
  /** A charge the booking no longer wanted (cancelled, expired, failed) was given back. */
  'payment.refunded': { source: 'tessera.payments', data: paymentChange },
  /** A room's interval was taken or freed; nothing about who booked it. */
  'room.availability_changed': {
    source: 'tessera.bookings',
    data: memo(() =>
      z.strictObject({
        roomId: uuid(),
        change: z.enum(['taken', 'freed']),
        startTime: timestamp(),
        endTime: timestamp(),
      }),
    ),
  },
} as const;

type Catalog = typeof catalog;
type EventType = keyof Catalog;
type EventData<T extends EventType> = z.output<ReturnType<Catalog[T]['data']>>;

const EVENT_TYPES = Object.keys(catalog) as EventType[];

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && Object.hasOwn(catalog, value);

export type { EventData, EventType };
export {
  BOOKING_STATUSES,
  catalog,
  EVENT_TYPES,
  isEventType,
  PAYMENT_STATUSES,
  TICKET_FIELDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
};
