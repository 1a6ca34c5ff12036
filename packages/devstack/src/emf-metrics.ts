/**
 * What CloudWatch would make of the functions' metrics, for `GET /_devstack/metrics`: every line a
 * function writes that is a CloudWatch Embedded Metric Format (EMF) document (a JSON object whose
 * `_aws.CloudWatchMetrics` is an array) is taken as metrics, not as a log line, and added to one
 * aggregate since the devstack started, served in Prometheus's text format (0.0.4), so a `curl` or a
 * local Prometheus shows it.
 *
 * How a line becomes series, directive by directive (a directive of another namespace than
 * `Tessera` is skipped):
 * - the labels of each of its metrics are the union of the keys of the directive's dimension sets,
 *   snake_cased (`statusClass` -> `status_class`), valued from the line's root (a key the root has
 *   no string for is left out);
 * - the name is `tessera_` and the metric's snake_cased name; a `Count` metric is a counter
 *   `tessera_<name>_total` (each value added, an array's every value), a `Milliseconds` one a
 *   histogram `tessera_<name>_milliseconds` (`_bucket{le}` at 5, 10, 25, 50, 100, 250, 500, 1000,
 *   2500, 5000, 10000 and +Inf, `_sum`, `_count`), any other unit a gauge `tessera_<name>` holding
 *   the last value;
 * - `# HELP` says when the metric moves, from the catalog (`@tessera/shared/metrics-catalog`); a
 *   name the catalog does not have still gets its series, with a generic help line.
 *
 * Families go by name, series by their labels (sorted by key), so two reads of the same state are
 * the same text. A malformed line, directive or value is skipped, never thrown on. The number of
 * series is capped (10,000 unless told): beyond it, a new series is dropped, counted in `dropped`.
 */
import { METRICS } from '@tessera/shared/metrics-catalog';

type MetricType = 'counter' | 'histogram' | 'gauge';

type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly labels: Labels;
  /** Counter: the total; gauge: the last value. */
  value: number;
  /** Histogram: the count in each bucket (not cumulative), +Inf last. */
  readonly buckets?: number[];
  sum: number;
  count: number;
}

interface Family {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** By the series' label key. */
  readonly series: Map<string, Series>;
}

/** One sample as the text format writes it: `name{labels} value`. */
interface Sample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

/** A family with its samples, for the JSON view (`?format=json`). */
interface FamilySnapshot {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly samples: readonly Sample[];
}

const NAMESPACE = 'Tessera';
const HISTOGRAM_BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A name in Prometheus's snake case: `BatchItemFailures` -> `batch_item_failures`,
 * `statusClass` -> `status_class`, `HTTPLatency` -> `http_latency`; anything but letters, digits and
 * `_` becomes `_`, and a leading digit gets a `_` before it.
 *
 * @example
 * snakeCase('statusClass'); // 'status_class'
 */
const snakeCase = (name: string): string => {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
  return /^[0-9]/.test(snake) ? `_${snake}` : snake;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The `_aws` metadata of an EMF line, or undefined for a line that is not one. */
const emfDocument = (
  line: string,
): { readonly root: Record<string, unknown>; readonly directives: readonly unknown[] } | undefined => {
  const text = line.trim();
  // Most lines are logs: only a JSON object that names `_aws` is worth parsing.
  if (!text.startsWith('{') || !text.includes('"_aws"')) return undefined;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(root) || !isRecord(root._aws) || !Array.isArray(root._aws.CloudWatchMetrics))
    return undefined;
  return { root, directives: root._aws.CloudWatchMetrics };
};

/**
 * True when the line is an EMF document: metrics, which the devstack serves and does not print.
 *
 * @example
 * isEmfLine('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}}'); // true
 * isEmfLine('{"level":"INFO","message":"hello"}'); // false
 */
const isEmfLine = (line: string): boolean => emfDocument(line) !== undefined;

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

const labelKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((key) => `${key}="${escapeLabel(labels[key] as string)}"`)
    .join(',');

// Sums of milliseconds carry binary-fraction noise (463.34000000000003): 12 significant digits
// say what was measured.
const formatNumber = (value: number): string =>
  Number.isNaN(value)
    ? 'NaN'
    : value === Infinity
      ? '+Inf'
      : value === -Infinity
        ? '-Inf'
        : String(Number(value.toPrecision(12)));

const helpOf = (metric: string, unit: string): string => {
  const known = (METRICS as Readonly<Record<string, { readonly moves: string; readonly unit: string }>>)[
    metric
  ];
  if (known) return `${metric} (${known.unit}): moves ${known.moves}.`;
  return `${metric} (${unit || 'None'}): a Tessera metric the catalog does not name, from the functions' EMF lines.`;
};

const typeOf = (unit: string): MetricType =>
  unit === 'Count' ? 'counter' : unit === 'Milliseconds' ? 'histogram' : 'gauge';

const familyName = (metric: string, type: MetricType): string =>
  `tessera_${snakeCase(metric)}${type === 'counter' ? '_total' : type === 'histogram' ? '_milliseconds' : ''}`;

/** The numbers a metric's root value holds: a number, or an array of numbers (others skipped). */
const valuesOf = (value: unknown): number[] =>
  (Array.isArray(value) ? value : [value]).filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v),
  );

class EmfMetrics {
  private readonly families = new Map<string, Family>();
  private seriesCount = 0;
  private readonly maxSeries: number;
  /** Series not made because the cap was reached. */
  dropped = 0;

  constructor(options: { readonly maxSeries?: number } = {}) {
    this.maxSeries = options.maxSeries ?? 10_000;
  }

  /**
   * Adds the metrics of a line the functions wrote; answers whether the line was an EMF document
   * (then it is metrics, not a log line), whatever of it could be used.
   *
   * @example
   * metrics.ingest('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"Tessera","Dimensions":[["service"]],"Metrics":[{"Name":"Requests","Unit":"Count"}]}]},"service":"bookings","Requests":1}'); // true
   */
  ingest(line: string): boolean {
    const document = emfDocument(line);
    if (!document) return false;
    for (const directive of document.directives) {
      try {
        this.directive(directive, document.root);
      } catch {
        // A directive that is not what EMF says is skipped; the others still count.
      }
    }
    return true;
  }

  private directive(directive: unknown, root: Readonly<Record<string, unknown>>) {
    if (!isRecord(directive) || directive.Namespace !== NAMESPACE) return;
    if (!Array.isArray(directive.Metrics)) return;
    const keys = new Set<string>();
    if (Array.isArray(directive.Dimensions)) {
      for (const set of directive.Dimensions) {
        if (!Array.isArray(set)) continue;
        for (const key of set) if (typeof key === 'string') keys.add(key);
      }
    }
    const labels: Record<string, string> = {};
    for (const key of keys) {
      const value = root[key];
      if (typeof value === 'string') labels[snakeCase(key)] = value;
    }
    for (const metric of directive.Metrics) {
      if (!isRecord(metric) || typeof metric.Name !== 'string' || metric.Name === '') continue;
      const values = valuesOf(root[metric.Name]);
      if (values.length === 0) continue;
      this.record(metric.Name, typeof metric.Unit === 'string' ? metric.Unit : '', labels, values);
    }
  }

  private record(metric: string, unit: string, labels: Labels, values: readonly number[]) {
    const type = typeOf(unit);
    const name = familyName(metric, type);
    let family = this.families.get(name);
    if (!family) {
      family = { name, type, help: helpOf(metric, unit), series: new Map() };
      this.families.set(name, family);
    }
    const key = labelKey(labels);
    let series = family.series.get(key);
    if (!series) {
      if (this.seriesCount >= this.maxSeries) {
        this.dropped++;
        return;
      }
      series = {
        labels: { ...labels },
        value: 0,
        sum: 0,
        count: 0,
        ...(family.type === 'histogram'
          ? { buckets: new Array<number>(HISTOGRAM_BUCKETS.length + 1).fill(0) }
          : {}),
      };
      family.series.set(key, series);
      this.seriesCount++;
    }
    for (const value of values) {
      if (family.type === 'counter') series.value += value;
      else if (family.type === 'gauge') series.value = value;
      else if (series.buckets) {
        const at = HISTOGRAM_BUCKETS.findIndex((bound) => value <= bound);
        const index = at < 0 ? HISTOGRAM_BUCKETS.length : at;
        series.buckets[index] = (series.buckets[index] ?? 0) + 1;
      }
      series.sum += value;
      series.count++;
    }
  }

  /** Every family, by name, with its samples as the text format writes them. */
  snapshot(): FamilySnapshot[] {
    return [...this.families.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((family) => ({
        name: family.name,
        type: family.type,
        help: family.help,
        samples: [...family.series.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .flatMap(([, series]) => EmfMetrics.samplesOf(family, series)),
      }));
  }

  private static samplesOf(family: Family, series: Series): Sample[] {
    if (family.type !== 'histogram' || !series.buckets) {
      return [{ name: family.name, labels: series.labels, value: series.value }];
    }
    let cumulative = 0;
    const buckets = series.buckets.map((count, index) => {
      cumulative += count;
      const bound = HISTOGRAM_BUCKETS[index];
      return {
        name: `${family.name}_bucket`,
        labels: { ...series.labels, le: bound === undefined ? '+Inf' : String(bound) },
        value: cumulative,
      };
    });
    return [
      ...buckets,
      { name: `${family.name}_sum`, labels: series.labels, value: series.sum },
      { name: `${family.name}_count`, labels: series.labels, value: series.count },
    ];
  }

  /**
   * The aggregate in Prometheus's text format (0.0.4): `# HELP`, `# TYPE`, then the samples.
   *
   * @example
   * metrics.prometheus(); // '# HELP tessera_requests_total Requests (Count): moves ...\n# TYPE tessera_requests_total counter\n...'
   */
  prometheus(): string {
    const lines: string[] = [];
    for (const family of this.snapshot()) {
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
      for (const sample of family.samples) {
        // The series' own labels by key, then a bucket's `le` last, as Prometheus's clients write them.
        const { le, ...own } = sample.labels;
        const labels = [labelKey(own), ...(le === undefined ? [] : [`le="${le}"`])].filter(Boolean).join(',');
        lines.push(`${sample.name}${labels ? `{${labels}}` : ''} ${formatNumber(sample.value)}`);
      }
    }
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }

  /**
   * The sum of the samples named `name` (as the text format names them: `tessera_requests_total`,
   * `tessera_latency_milliseconds_count`, `..._sum`, `..._bucket`) whose labels include every one
   * given; 0 when none has. For tests that compare before and after.
   *
   * @example
   * metrics.value('tessera_requests_total', { service: 'bookings', status_class: '2xx' }); // 3
   */
  value(name: string, labels: Labels = {}): number {
    let total = 0;
    for (const family of this.snapshot()) {
      if (!name.startsWith(family.name)) continue;
      for (const sample of family.samples) {
        if (sample.name !== name) continue;
        if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
          total += sample.value;
      }
    }
    return total;
  }
}

export type { FamilySnapshot, Labels, MetricType, Sample };
export { CONTENT_TYPE as PROMETHEUS_CONTENT_TYPE, EmfMetrics, isEmfLine, snakeCase };
