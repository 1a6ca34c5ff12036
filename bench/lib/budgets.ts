/**
 * The budgets of issue #5, in one place: the report checks each figure against these.
 */

/**
 * At most 250 KB (250,000 bytes, the strict reading) per service, checked twice: on the code one
 * cold start and its request load (in AWS: secrets read from SSM), and on all code in the bundle.
 */
const SIZE_BUDGET_BYTES = 250_000;

/** Cold init at most 1.2 times the SDK-only floor bundle of the same function. */
const COLD_BUDGET_RATIO = 1.2;

/** Warm overhead no slower than the fastest peer, for these operations (the 400 path is shown only). */
const BUDGETED_OPERATIONS: readonly string[] = ['GET /v1/tickets/{id}', 'POST /v1/tickets'];

/** At most 10 write units for a 1-hour booking (the bookings issue). */
const BOOKING_WRITE_GOAL = 10;

/** `npm run bench` within 15 minutes on a 2-core machine. */
const BENCH_BUDGET_MS = 15 * 60 * 1000;

export { BENCH_BUDGET_MS, BOOKING_WRITE_GOAL, BUDGETED_OPERATIONS, COLD_BUDGET_RATIO, SIZE_BUDGET_BYTES };
