/**
 * The work the observability benchmark's three entries share (`bench/observability/*.ts`): answer
 * `POST /v1/bookings` with a 201 and the booking, from the event alone and with no I/O, so what
 * differs between them is only what they observe (nothing, our EMF writer and tracer, or Powertools
 * Metrics and Tracer). Bench code, not product.
 */
import { randomUUID } from 'node:crypto';

/** The parts of an API Gateway HTTP API event (payload 2.0) the entries read. */
interface BookingEvent {
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
}

interface BookingResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The operation every entry answers, as the contract names it. */
const OPERATION = 'createBooking';

/** The service the entries play: the one whose functions are closest to the size budget. */
const SERVICE = 'bookings';

/** The request's correlation id (the header the bench sends), or a new one. */
const correlationIdOf = (event: BookingEvent): string => event.headers?.['x-correlation-id'] ?? randomUUID();

/**
 * The 201 for a booking request: the booking with a new id, PENDING, echoing the room and interval.
 *
 * @example
 * answerBooking({ body: '{"roomId":"r1","startsAt":"...","endsAt":"..."}' }, 'corr-1').statusCode // => 201
 */
const answerBooking = (event: BookingEvent, correlationId: string): BookingResponse => {
  const input = JSON.parse(event.body ?? '{}') as Readonly<Record<string, unknown>>;
  const booking = {
    bookingId: randomUUID(),
    roomId: input.roomId,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    status: 'PENDING',
  };
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
    body: JSON.stringify(booking),
  };
};

/** `2xx` ... `5xx`. */
const statusClassOf = (status: number): string => `${Math.floor(status / 100)}xx`;

export type { BookingEvent, BookingResponse };
export { answerBooking, correlationIdOf, OPERATION, SERVICE, statusClassOf };
