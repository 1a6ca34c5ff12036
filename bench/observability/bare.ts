/**
 * Observability benchmark, entry (a), the baseline: the booking handler and nothing else, no
 * metrics and no trace. Bundled with the build's options (`bench/metrics/observability.ts`).
 */
import { answerBooking, type BookingEvent, type BookingResponse, correlationIdOf } from './booking.ts';

const handler = async (event: BookingEvent): Promise<BookingResponse> =>
  answerBooking(event, correlationIdOf(event));

export { handler };
