/**
 * The states the catalog's events carry, apart from the catalog so a domain can name them without
 * loading the catalog's schemas (and zod with them) on a cold start that publishes nothing.
 */

/** A booking's statuses: the bookings service's domain and the catalog's booking events use these. */
const BOOKING_STATUSES = ['PENDING_PAYMENT', 'CONFIRMED', 'PAYMENT_FAILED', 'EXPIRED', 'CANCELLED'] as const;

export { BOOKING_STATUSES };
