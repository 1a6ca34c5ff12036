/**
 * The states the catalog's events carry, apart from the catalog so a domain can name them without
 * loading the catalog's schemas (and zod with them) on a cold start that publishes nothing.
 */

/** A booking's statuses: the bookings service's domain and the catalog's booking events use these. */
const BOOKING_STATUSES = ['PENDING_PAYMENT', 'CONFIRMED', 'PAYMENT_FAILED', 'EXPIRED', 'CANCELLED'] as const;

/** A payment's statuses: the payments service's domain and the catalog's payment events use these. */
const PAYMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED'] as const;

/** What one attempt at a charge answered. */
const PAYMENT_ATTEMPT_OUTCOMES = ['SUCCEEDED', 'DECLINED', 'ERROR', 'PENDING'] as const;

/** A ticket's statuses, priorities and the fields a change names: the tickets domain and the catalog's ticket events use these. */
const TICKET_STATUSES = ['NEW', 'OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const;
const TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
const TICKET_FIELDS = ['title', 'description', 'priority', 'status', 'assigneeId'] as const;

export {
  BOOKING_STATUSES,
  PAYMENT_ATTEMPT_OUTCOMES,
  PAYMENT_STATUSES,
  TICKET_FIELDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
};
