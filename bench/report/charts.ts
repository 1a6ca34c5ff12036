/**
 * One chart per metric, from a run's results (and the before run's, for the before/after charts).
 * Returns file name -> SVG; the report links them from `docs/performance/`.
 */
import type { BenchResults } from '../lib/results.ts';
import { beforeView, coldOf } from './before.ts';
import {
  bookingAt,
  bookingUnits,
  budgetedBytes,
  capacityUnits,
  isBookingWrite,
  overheadUs,
} from './summary.ts';
import { barChart, COLORS } from './svg-chart.ts';

const grey = (kind: string) => (kind === 'service' ? undefined : COLORS.baseline);

const sizeChart = (r: BenchResults) => {
  const size = r.size;
  if (!size) return null;
  return barChart({
    title: 'Bundle size per function, KiB',
    subtitle: `grey: SDK-only floors; dashed: the budget, ${size.budgetBytes / 1000} KB (${(size.budgetBytes / 1024).toFixed(0)} KiB), for the code one request loads and for all code`,
    series: [
      { name: 'loaded by one request', color: COLORS.ours },
      { name: 'all code (lazy chunks too)', color: COLORS.before },
      { name: 'zip', color: COLORS.second },
    ],
    rows: size.bundles
      .filter((b) => b.kind !== 'compare')
      .map((b) => ({
        label: b.name,
        values: [budgetedBytes(b) / 1024, b.rawBytes / 1024, b.zipBytes / 1024],
        colors: [
          grey(b.kind),
          b.kind === 'service' ? undefined : '#c9c9c9',
          b.kind === 'service' ? undefined : '#c9c9c9',
        ],
      })),
    format: (v) => `${v.toFixed(0)} KiB`,
    marker: { value: size.budgetBytes / 1024, label: 'budget' },
  });
};

const coldChart = (r: BenchResults) => {
  const cold = r.cold;
  if (!cold) return null;
  return barChart({
    title: 'Cold init: fresh node process, import, one request, exit (ms)',
    subtitle: `${cold.runs} runs per variant, interleaved; grey: baselines; budget 1.2x the floor of each function`,
    series: [
      { name: 'median', color: COLORS.ours },
      { name: 'p90', color: COLORS.before },
    ],
    rows: cold.variants
      .filter((v) => v.kind !== 'compare')
      .map((v) => ({
        label: v.name,
        values: [v.wallMs.median, v.wallMs.p90],
        colors: [grey(v.kind), v.kind === 'service' ? undefined : '#c9c9c9'],
      })),
    format: (v) => `${v.toFixed(0)} ms`,
  });
};

const warmChart = (r: BenchResults) => {
  const warm = r.warm;
  if (!warm) return null;
  const floorOf = (operation: string) =>
    warm.rows.find((row) => row.operation === operation && row.role === 'floor');
  return barChart({
    title: 'Warm handler overhead, µs per request above the SDK floor (median)',
    subtitle: 'the bundles on one in-memory AWS stand-in; blue: ours, orange: peers',
    series: [{ name: 'overhead', color: COLORS.ours }],
    rows: warm.rows
      .filter((row) => row.role !== 'floor')
      .map((row) => ({
        label: `${row.operation.replace(/, unknown field \(400\)/, ' 400')} · ${row.implementation}`,
        values: [overheadUs(row, floorOf(row.operation))],
        colors: row.implementation === 'tessera' ? [] : [COLORS.peer],
      })),
    format: (v) => `${v.toFixed(1)} µs`,
  });
};

const capacityChart = (r: BenchResults) => {
  const capacity = r.capacity;
  if (!capacity) return null;
  const operations = [...new Set(capacity.measurements.map((m) => m.operation))];
  const palette = [COLORS.ours, COLORS.second, COLORS.peer];
  return barChart({
    title: 'DynamoDB capacity units per operation (log scale)',
    subtitle: 'ReturnConsumedCapacity on DynamoDB Local; the Scan-based list is the baseline',
    series: capacity.sizes.map((size, i) => ({
      name: `${size.toLocaleString('en')} tickets`,
      color: palette[i % 3] ?? COLORS.ours,
    })),
    rows: operations.map((operation) => ({
      label: operation.length > 44 ? `${operation.slice(0, 43)}…` : operation,
      values: capacity.sizes.map((size) => capacityUnits(capacity, operation, size) ?? null),
      colors: operation.startsWith('Scan') ? capacity.sizes.map(() => COLORS.fail) : [],
    })),
    format: (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1)),
    scale: 'log',
    width: 900,
  });
};

const bookingsChart = (r: BenchResults) => {
  const capacity = r.bookings?.capacity;
  if (!capacity || capacity.sizes.length === 0) return null;
  const large = Math.max(...capacity.sizes);
  const writes = [...new Set(capacity.measurements.map((m) => m.operation))].filter(isBookingWrite);
  return barChart({
    title: `Bookings: write units per write operation at ${large.toLocaleString('en')} bookings (log scale)`,
    subtitle: `by AWS's pricing rules and as DynamoDB Local reports them; dashed: the goal for a 1-hour booking`,
    series: [
      { name: "AWS's rules", color: COLORS.ours },
      { name: 'DynamoDB Local', color: COLORS.before },
    ],
    rows: writes.map((operation) => {
      const m = bookingAt(capacity, operation, large);
      const label = operation
        .replace(/^POST \/v1\/bookings, /, 'create, ')
        .replace(/^PATCH \/v1\/bookings\/\{id\}, /, '');
      return {
        label: label.length > 48 ? `${label.slice(0, 47)}…` : label,
        values: m ? [bookingUnits(m).aws || null, bookingUnits(m).write || null] : [null, null],
      };
    }),
    format: (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1)),
    scale: 'log',
    marker: { value: r.bookings?.writeGoal ?? 10, label: 'goal' },
    width: 900,
  });
};

const loadChart = (r: BenchResults) => {
  const load = r.load;
  if (!load) return null;
  return barChart({
    title: 'Local load: requests per second (log scale)',
    subtitle: 'autocannon, 16 connections; grey: a bare node:http server on the same machine (the ceiling)',
    series: [{ name: 'req/s', color: COLORS.ours }],
    rows: load.runs.map((run) => ({
      label: `${run.target} · ${run.operation}`,
      values: [run.rps],
      colors: [run.target === 'ceiling' ? COLORS.baseline : undefined],
    })),
    format: (v) => (v < 1 ? `${v}/s` : `${Math.round(v).toLocaleString('en')}/s`),
    scale: 'log',
  });
};

const startChart = (r: BenchResults) => {
  const start = r.start;
  if (!start) return null;
  const rows: Array<{ label: string; values: number[]; colors?: string[] }> = [
    {
      label: 'DynamoDB Local alone',
      values: [start.dynamodbLocal.readyMs.median / 1000],
      colors: [COLORS.baseline],
    },
    { label: 'devstack, cold to ready', values: [start.devstack.readyMs.median / 1000] },
  ];
  if (start.unitTests)
    rows.push({
      label: 'unit project alone',
      values: [start.unitTests.ms / 1000],
      colors: [COLORS.baseline],
    });
  if (start.npmTest) {
    rows.push({ label: 'npm test', values: [start.npmTest.ms / 1000] });
    for (const step of start.npmTest.steps)
      rows.push({ label: `  step: ${step.name}`, values: [step.ms / 1000], colors: [COLORS.before] });
  }
  return barChart({
    title: 'Devstack start and test suite, seconds (median)',
    subtitle: 'grey: same-run baselines; light blue: the steps of npm test (the first six run in parallel)',
    series: [{ name: 's', color: COLORS.ours }],
    rows,
    format: (v) => `${v.toFixed(1)} s`,
  });
};

const costChart = (r: BenchResults) => {
  const cost = r.cost;
  if (!cost) return null;
  return barChart({
    title: 'Cost per million requests on AWS, by component ($)',
    subtitle: 'us-east-1, on-demand; totals in dark blue',
    series: [{ name: '$ per million', color: COLORS.before }],
    rows: cost.operations.flatMap((operation) => [
      { label: `${operation.operation}: total`, values: [operation.totalPerMillion], colors: [COLORS.ours] },
      ...operation.components.map((c) => ({ label: `  ${c.component}`, values: [c.dollarsPerMillion] })),
    ]),
    format: (v) => `$${v < 0.1 ? v.toFixed(3) : v.toFixed(2)}`,
  });
};

const beforeAfterCharts = (r: BenchResults, before: BenchResults | null) => {
  const view = beforeView(r, before);
  if (!view) return {};
  const charts: Record<string, string> = {};
  const services = (r.size?.bundles ?? []).filter((b) => b.kind === 'service').map((b) => b.name);
  if (r.size) {
    charts['before-after-size.svg'] = barChart({
      title: 'Before and after: code loaded by one request, KiB',
      series: [
        { name: 'before', color: COLORS.before },
        { name: 'after', color: COLORS.ours },
      ],
      rows: services.map((name) => {
        const was = view.size(name);
        const now = r.size?.bundles.find((b) => b.name === name);
        return {
          label: name,
          values: [was ? budgetedBytes(was) / 1024 : null, now ? budgetedBytes(now) / 1024 : null],
        };
      }),
      format: (v) => `${v.toFixed(0)} KiB`,
      marker: { value: r.size.budgetBytes / 1024, label: 'budget' },
    });
  }
  if (r.cold) {
    charts['before-after-cold.svg'] = view.sameRun
      ? barChart({
          title: 'Before and after: cold init, median ms (same run)',
          subtitle: 'grey: the floor each function is held to (budget: 1.2x its floor)',
          series: [
            { name: 'before', color: COLORS.before },
            { name: 'after', color: COLORS.ours },
          ],
          rows: [
            ...(r.cold.variants ?? [])
              .filter((v) => v.kind === 'floor')
              .map((v) => ({
                label: v.name,
                values: [null, v.wallMs.median],
                colors: [undefined, COLORS.baseline],
              })),
            ...services.map((name) => ({
              label: name,
              values: [view.cold(name).median ?? null, coldOf(r, name).median ?? null],
            })),
          ],
          format: (v) => `${v.toFixed(0)} ms`,
        })
      : barChart({
          title: 'Before and after: cold init as a multiple of its floor (each run its own)',
          series: [
            { name: 'before', color: COLORS.before },
            { name: 'after', color: COLORS.ours },
          ],
          rows: services
            .map((name) => ({ label: name, values: [view.cold(name).ratio, coldOf(r, name).ratio] }))
            .filter((row) => row.values.some((v) => v !== null)),
          format: (v) => `${v.toFixed(2)}x`,
          marker: { value: r.cold.budgetRatio, label: 'budget' },
        });
  }
  return charts;
};

/** Every chart of the report, by file name. */
const renderCharts = (r: BenchResults, before: BenchResults | null): Record<string, string> => {
  const charts: Record<string, string | null> = {
    'size.svg': sizeChart(r),
    'cold.svg': coldChart(r),
    'warm.svg': warmChart(r),
    'capacity.svg': capacityChart(r),
    'bookings.svg': bookingsChart(r),
    'load.svg': loadChart(r),
    'start.svg': startChart(r),
    'cost.svg': costChart(r),
    ...beforeAfterCharts(r, before),
  };
  return Object.fromEntries(
    Object.entries(charts).filter((entry): entry is [string, string] => entry[1] !== null),
  );
};

export { renderCharts };
