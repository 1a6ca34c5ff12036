/**
 * Observability benchmark, entry (c), the peer: the same handler, metrics and subsegment as ours
 * (`tessera.ts`) with Powertools for AWS Lambda: `Metrics` (namespace `Tessera`, the dimensions
 * `service` and `environment`, `addMetric` and `publishStoredMetrics`, one line for the business
 * metric and one for the request's, by operation and by status class) and `Tracer` (a subsegment of
 * Lambda's facade segment with the same annotations, streamed to the daemon when it closes), each
 * with its defaults. Bench code, not product.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import {
  answerBooking,
  type BookingEvent,
  type BookingResponse,
  correlationIdOf,
  OPERATION,
  SERVICE,
  statusClassOf,
} from './booking.ts';

const metrics = new Metrics({
  namespace: 'Tessera',
  serviceName: SERVICE,
  defaultDimensions: { environment: process.env.ENVIRONMENT ?? 'local' },
});
const tracer = new Tracer({ serviceName: SERVICE });

const handler = async (event: BookingEvent): Promise<BookingResponse> => {
  const started = performance.now();
  const correlationId = correlationIdOf(event);
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment(OPERATION);
  if (subsegment) tracer.setSegment(subsegment);
  let response: BookingResponse;
  try {
    tracer.putAnnotation('correlationId', correlationId);
    tracer.putAnnotation('operation', OPERATION);
    tracer.putAnnotation('service', SERVICE);
    response = answerBooking(event, correlationId);
    metrics.addMetric('BookingsCreated', MetricUnit.Count, 1);
    metrics.addMetadata('correlationId', correlationId);
    metrics.publishStoredMetrics();
  } finally {
    subsegment?.close();
    if (segment) tracer.setSegment(segment);
  }
  metrics.addDimensions({ operation: OPERATION });
  metrics.addDimensions({ statusClass: statusClassOf(response.statusCode) });
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  metrics.addMetric(
    'Latency',
    MetricUnit.Milliseconds,
    Math.round((performance.now() - started) * 100) / 100,
  );
  metrics.addMetadata('correlationId', correlationId);
  metrics.addMetadata('status', String(response.statusCode));
  metrics.publishStoredMetrics();
  return response;
};

export { handler };
