/**
 * The metric catalog: every metric a Tessera function emits, in one place. The EMF writer
 * (`metrics.ts`) takes only these names, the devstack's `/_devstack/metrics` names its Prometheus
 * series from them, and `scripts/generate.ts` writes them to `terraform/metrics.json` for the
 * dashboard and the alarms, so no metric name is copied by hand.
 *
 * Every metric is in the namespace `Tessera` with the dimensions `service` and `environment`. A
 * metric with `by` is also published per value of those extra dimensions, each of which takes its
 * values from a closed set (the contract's operation ids, the four status classes): cardinality stays
 * bounded, and no user, booking or connection id is ever a dimension (ADR 0037).
 *
 * `Metrics` is the port use cases move their business metrics through; `metrics.ts`
 * writes it as EMF, knowing of each metric only what `shapes.ts` says (its unit and extra
 * dimensions), so no function bundles this file's descriptions.
 *
 * A `Count` metric is a counter (Prometheus `tessera_<name>_total`); a `Milliseconds` one a
 * distribution (CloudWatch percentiles; Prometheus histogram `tessera_<name>_milliseconds`).
 */

import { BASE_DIMENSIONS, type Dimension, NAMESPACE, statusClassOf } from './shapes.ts';

/** Where a metric comes from: the kit moves the technical ones, use cases the business ones. */
type MetricKind = 'technical' | 'business';

interface MetricDefinition {
  readonly unit: 'Count' | 'Milliseconds';
  readonly kind: MetricKind;
  /** Dimensions beyond `service` and `environment`, each published as its own dimension set. */
  readonly by?: readonly ('operation' | 'statusClass')[];
  /** When it moves, as the closing note's catalog and the Prometheus HELP line say. */
  readonly moves: string;
}

const METRICS = {
  // Technical: moved by the kit (HTTP adapter, entry, consumers, outbox publisher).
  Requests: {
    unit: 'Count',
    kind: 'technical',
    by: ['operation', 'statusClass'],
    moves: 'once per HTTP request (or WebSocket command) a function answers, by operation and status class',
  },
  Latency: {
    unit: 'Milliseconds',
    kind: 'technical',
    by: ['operation'],
    moves: 'once per HTTP request: the time from the event to the response, in the function',
  },
  ColdStarts: {
    unit: 'Count',
    kind: 'technical',
    moves: 'once per execution environment, on its first invocation',
  },
  EventDeliveries: {
    unit: 'Count',
    kind: 'technical',
    moves: 'once per event a consumer is handed, by a rule or a queue, duplicates included',
  },
  EventDuplicates: {
    unit: 'Count',
    kind: 'technical',
    moves: 'once per delivery of an event its consumer had already processed (nothing runs twice)',
  },
  EventFailures: {
    unit: 'Count',
    kind: 'technical',
    moves: 'once per delivery whose handler failed (it is delivered again, then dead-lettered)',
  },
  BatchItemFailures: {
    unit: 'Count',
    kind: 'technical',
    moves: 'once per SQS message a batch reports failed (it comes back until maxReceiveCount)',
  },
  EventsPublished: {
    unit: 'Count',
    kind: 'technical',
    moves: 'once per outbox event the publisher puts on the bus',
  },
  PublishFailures: {
    unit: 'Count',
    kind: 'technical',
    moves: 'once per outbox event the bus did not take (the stream retries it)',
  },
  // Business: moved by use cases, once their write has committed.
  BookingsCreated: {
    unit: 'Count',
    kind: 'business',
    moves: 'a booking is created (an Idempotency-Key replay moves nothing)',
  },
  BookingsConfirmed: { unit: 'Count', kind: 'business', moves: 'a booking is confirmed by its payment' },
  BookingsCancelled: { unit: 'Count', kind: 'business', moves: 'a booking is cancelled' },
  BookingsExpired: {
    unit: 'Count',
    kind: 'business',
    moves: 'a payment hold lapses and its booking expires',
  },
  PaymentsSucceeded: { unit: 'Count', kind: 'business', moves: 'a charge succeeds' },
  PaymentsFailed: {
    unit: 'Count',
    kind: 'business',
    moves: 'a charge fails for good (declined, or its last attempt)',
  },
  PaymentsRefunded: { unit: 'Count', kind: 'business', moves: 'a succeeded charge is refunded' },
  RemindersSent: { unit: 'Count', kind: 'business', moves: "a booking's reminder is published" },
  ReminderLag: {
    unit: 'Milliseconds',
    kind: 'business',
    moves: 'once per reminder sent: how long after its due time it went out',
  },
  NotificationsPushed: {
    unit: 'Count',
    kind: 'business',
    moves: 'once per WebSocket connection a notification is pushed to',
  },
  NotificationsDropped: {
    unit: 'Count',
    kind: 'business',
    moves: 'once per push answered Gone (the connection is forgotten)',
  },
  SocketsConnected: { unit: 'Count', kind: 'business', moves: 'a WebSocket connection is accepted' },
  SocketsDisconnected: { unit: 'Count', kind: 'business', moves: 'a WebSocket connection closes' },
  LoginFailures: {
    unit: 'Count',
    kind: 'business',
    moves: 'a login is refused for a wrong email or password',
  },
  LoginLockouts: {
    unit: 'Count',
    kind: 'business',
    moves: 'a login is refused because its account is locked out (429)',
  },
} as const satisfies Readonly<Record<string, MetricDefinition>>;

type MetricName = keyof typeof METRICS;

/** The metrics a use case moves (the kit moves the technical ones itself). */
type BusinessMetric = {
  [K in MetricName]: (typeof METRICS)[K]['kind'] extends 'business' ? K : never;
}[MetricName];

/** The port use cases move their business metrics through (`metrics.ts` writes it as EMF). */
type Properties = Readonly<Record<string, string | number | boolean | undefined>>;

interface EmitOptions {
  /** Values of the extra dimensions, for the metrics whose catalog entry has them. */
  readonly dimensions?: Readonly<Partial<Record<Dimension, string>>>;
  readonly properties?: Properties;
}

interface Metrics {
  /** The service the metrics are of (their `service` dimension). */
  readonly service: string;
  /** Writes one EMF line with these values. */
  emit(values: Readonly<Partial<Record<MetricName, number>>>, options?: EmitOptions): void;
  /** Writes one business metric of 1 (a booking created, a payment refunded). */
  count(name: BusinessMetric, properties?: Properties): void;
}

export type {
  BusinessMetric,
  Dimension,
  EmitOptions,
  MetricDefinition,
  MetricKind,
  MetricName,
  Metrics,
  Properties,
};
export { BASE_DIMENSIONS, METRICS, NAMESPACE, statusClassOf };
