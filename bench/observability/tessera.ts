/**
 * Observability benchmark, entry (b), ours: the baseline's handler inside `traced()` (one
 * subsegment, annotated with the correlation id and the operation, sent to the X-Ray daemon when the
 * trace is sampled), counting `BookingsCreated` inside it and emitting the request's `Requests` and
 * `Latency` by operation and status class after it, as the HTTP adapter does, through the kit's EMF
 * writer (`@tessera/shared/metrics`) and tracer (`@tessera/shared/tracing`).
 */
import { createMetrics } from '@tessera/shared/metrics';
import { traced } from '@tessera/shared/tracing';
import {
  answerBooking,
  type BookingEvent,
  type BookingResponse,
  correlationIdOf,
  OPERATION,
  SERVICE,
  statusClassOf,
} from './booking.ts';

const metrics = createMetrics({ service: SERVICE, environment: process.env.ENVIRONMENT ?? 'local' });

const handler = async (event: BookingEvent): Promise<BookingResponse> => {
  const started = performance.now();
  const correlationId = correlationIdOf(event);
  const response = await traced(
    OPERATION,
    { correlationId, operation: OPERATION, service: SERVICE },
    async () => {
      const answer = answerBooking(event, correlationId);
      metrics.count('BookingsCreated', { correlationId });
      return answer;
    },
  );
  metrics.emit(
    { Requests: 1, Latency: Math.round((performance.now() - started) * 100) / 100 },
    {
      dimensions: { operation: OPERATION, statusClass: statusClassOf(response.statusCode) },
      properties: { correlationId, status: response.statusCode },
    },
  );
  return response;
};

export { handler };
