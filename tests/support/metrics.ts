/**
 * The kit's real EMF writer with its lines captured instead of written to stdout, for tests that
 * check what a use case or an adapter counts: `total('BookingsCreated')` sums a metric over every
 * line, `lines` holds each line parsed.
 *
 * @example
 * const metrics = capturedMetrics('bookings');
 * await createBooking({ ...deps, metrics }, principal, body, context);
 * expect(metrics.total('BookingsCreated')).toBe(1);
 */

import { createMetrics, type Metrics } from '@tessera/shared/metrics';
import type { MetricName } from '@tessera/shared/metrics-catalog';

type EmfLine = Readonly<Record<string, unknown>> & {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
};

interface CapturedMetrics extends Metrics {
  readonly lines: EmfLine[];
  /** The sum of a metric's values over every line, optionally only lines with these root values. */
  total(name: MetricName, where?: Readonly<Record<string, string>>): number;
  /** Every value of a metric, in the order written. */
  values(name: MetricName): number[];
  /**
   * Each line that moved `name`, as CloudWatch reads it: the value, the dimension sets it is
   * published under, the service it names and the correlation id it carries for Logs Insights.
   */
  published(name: MetricName): {
    readonly value: unknown;
    readonly dimensions: readonly (readonly string[])[];
    readonly service: unknown;
    readonly correlationId: unknown;
  }[];
}

const capturedMetrics = (service = 'test', environment = 'local'): CapturedMetrics => {
  const lines: EmfLine[] = [];
  const metrics = createMetrics({ service, environment, write: (line) => lines.push(JSON.parse(line)) });
  const matching = (name: MetricName, where: Readonly<Record<string, string>> = {}) =>
    lines.filter(
      (line) =>
        line._aws.CloudWatchMetrics.some((directive) => directive.Metrics.some((m) => m.Name === name)) &&
        Object.entries(where).every(([key, value]) => line[key] === value),
    );
  return {
    ...metrics,
    lines,
    total: (name, where) => matching(name, where).reduce((sum, line) => sum + Number(line[name]), 0),
    values: (name) => matching(name).map((line) => Number(line[name])),
    published: (name) =>
      matching(name).map((line) => ({
        value: line[name],
        dimensions: line._aws.CloudWatchMetrics.flatMap((directive) => directive.Dimensions),
        service: line.service,
        correlationId: line.correlationId,
      })),
  };
};

export type { CapturedMetrics, EmfLine };
export { capturedMetrics };
