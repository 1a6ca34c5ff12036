import { describe, expect, it } from 'vitest';
import type { BenchResults, ObservabilityResults, ObservabilityVariant } from '../../../lib/results.ts';
import { summarize } from '../../../lib/stats.ts';
import { observabilitySection, renderMarkdown } from '../../../report/markdown.ts';
import {
  closestToBudget,
  observabilityCost,
  observabilityRows,
  signed,
  summaryRows,
} from '../../../report/summary.ts';

const environment = {
  cpu: 'Test CPU',
  cores: 2,
  memoryGiB: 8,
  node: 'v22.23.3',
  os: 'Linux',
  commit: '0123456789abcdef0123',
  uncommitted: [],
  loadAverage: { start: 0.5, end: 0.6 },
};

const variant = (
  name: ObservabilityVariant['name'],
  figures: { bytes: number; gzip: number; wall: number[]; imported: number[]; warm: number[] },
  extra: Partial<ObservabilityVariant> = {},
): ObservabilityVariant => ({
  name,
  does: `${name} work`,
  rawBytes: figures.bytes,
  coldStartBytes: figures.bytes,
  gzipBytes: figures.gzip,
  zipBytes: figures.gzip + 100,
  files: 1,
  firstRequestBytes: figures.bytes,
  wallMs: summarize(figures.wall),
  importMs: summarize(figures.imported),
  responseMs: summarize(figures.imported.map((ms) => ms + 1)),
  invocationMs: summarize([1, 1, 1]),
  warmUs: summarize(figures.warm),
  emfLinesPerInvocation: name === 'baseline' ? 0 : 2,
  subsegmentsPerInvocation: name === 'baseline' ? 0 : 1,
  failures: 0,
  warmFailures: 0,
  ...extra,
});

const BASELINE = variant('baseline', {
  bytes: 400,
  gzip: 300,
  wall: [40, 41, 42],
  imported: [20, 21, 22],
  warm: [2, 3, 4],
});
const TESSERA = variant('tessera', {
  bytes: 3_500,
  gzip: 1_900,
  wall: [42, 43, 44],
  imported: [21, 22, 23],
  warm: [20, 21, 22],
});
const POWERTOOLS = variant('powertools', {
  bytes: 140_400,
  gzip: 41_600,
  wall: [60, 62, 64],
  imported: [38, 40, 42],
  warm: [40, 41, 42],
});

const observability = (overrides: Partial<ObservabilityResults> = {}): ObservabilityResults => ({
  environment,
  startedAt: '2026-12-04T20:00:00.000Z',
  packages: { '@aws-lambda-powertools/metrics': '2.36.0', '@aws-lambda-powertools/tracer': '2.36.0' },
  runs: 3,
  warm: { rounds: 1, warmup: 10, batches: 3, batch: 5 },
  variants: [BASELINE, TESSERA, POWERTOOLS],
  budgetBytes: 250_000,
  functions: [
    {
      name: 'payments',
      request: 'GET /v1/payments/{paymentId}',
      firstRequestBytes: 200_000,
      rawBytes: 280_000,
    },
    {
      name: 'bookings',
      request: 'GET /v1/bookings/{bookingId}',
      firstRequestBytes: 248_000,
      rawBytes: 380_000,
    },
    {
      name: 'notifications',
      request: 'GET /v1/notifications',
      firstRequestBytes: 249_000,
      rawBytes: 310_000,
    },
  ],
  functionsFrom: 'observability',
  ...overrides,
});

const results = (o: ObservabilityResults): BenchResults => ({
  schema: 1,
  label: 'current',
  date: '2026-12-04',
  startedAt: o.startedAt,
  dist: 'dist',
  environment,
  durationsMs: { observability: 1000 },
  totalMs: 1000,
  partial: true,
  observability: o,
  errors: [],
});

describe('Function: observabilityCost', () => {
  it('is each figure minus the baseline of the same run, medians minus medians', () => {
    // Act
    const cost = observabilityCost(TESSERA, BASELINE);

    // Assess
    expect(cost).toEqual({
      rawBytes: 3_100,
      gzipBytes: 1_600,
      firstRequestBytes: 3_100,
      wallP50Ms: 2,
      wallP90Ms: TESSERA.wallMs.p90 - BASELINE.wallMs.p90,
      importP50Ms: 1,
      invocationP50Ms: 0,
      warmUs: 18,
    });
  });

  it('has no first-request cost when a traced run failed', () => {
    // Act
    const cost = observabilityCost({ ...TESSERA, firstRequestBytes: null }, BASELINE);

    // Assess
    expect(cost.firstRequestBytes).toBeNull();
  });
});

describe('Function: signed', () => {
  it('writes the sign of a difference, and n/a for none', () => {
    // Act & Assess
    expect(signed(2.5, (n) => `${n} ms`)).toBe('+2.5 ms');
    expect(signed(-1, (n) => `${n} ms`)).toBe('−1 ms');
    expect(signed(null, (n) => `${n} ms`)).toBe('n/a');
  });
});

describe('Function: closestToBudget', () => {
  it('orders the measured functions by what their first request loads, the largest first', () => {
    // Prepare
    const functions = [...observability().functions, { name: 'users', firstRequestBytes: null, rawBytes: 1 }];

    // Act
    const closest = closestToBudget(functions);

    // Assess
    expect(closest.map((f) => f.name)).toEqual(['notifications', 'bookings', 'payments']);
  });
});

describe('Function: observabilityRows', () => {
  it("gives the bundle, cold and warm costs, the first passing while every function's first request is in budget", () => {
    // Act
    const rows = observabilityRows(results(observability()));

    // Assess
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      figure: 'Tessera +3.0 KiB (gzip +1.6 KiB)',
      baseline: 'Powertools Metrics + Tracer +136.7 KiB (gzip +40.3 KiB)',
      pass: true,
    });
    expect(rows[0]?.budget).toContain('notifications 249,000 B');
    expect(rows[1]?.figure).toBe('Tessera +2.0 ms (p90 +2.0 ms)');
    expect(rows[2]?.figure).toBe('Tessera +18.0 µs');
    expect(rows[2]?.baseline).toBe('Powertools +38.0 µs; bare handler 3.0 µs');
  });

  it('fails the budget row when a function is over it, and has no verdict when none was measured', () => {
    // Prepare
    const over = observability({
      functions: [{ name: 'bookings', firstRequestBytes: 250_001, rawBytes: 380_000 }],
    });
    const none = observability({ functions: [], functionsError: 'no dist' });

    // Act & Assess
    expect(observabilityRows(results(over))[0]?.pass).toBe(false);
    expect(observabilityRows(results(none))[0]?.pass).toBeNull();
  });

  it('is part of the summary of a run', () => {
    // Act
    const rows = summaryRows(results(observability()));

    // Assess
    expect(rows.filter((row) => row.metric.startsWith('Observability,'))).toHaveLength(3);
  });
});

describe('Function: observabilitySection', () => {
  it('tabulates the three entries and their cost over the baseline', () => {
    // Act
    const section = observabilitySection(observability());

    // Assess
    expect(section).toContain('## 12. Observability');
    expect(section).toContain(
      '| (a) baseline: a bare handler | baseline work | 0.4 KiB | 0.3 KiB | 0.4 KiB | 41.0 ms |',
    );
    expect(section).toContain(
      '| **Tessera − baseline** | the cost | **+3.0 KiB** | +1.6 KiB | **+3.0 KiB** | **+2.0 ms** |',
    );
    expect(section).toContain('| **Powertools − baseline** | the cost | **+136.7 KiB** |');
    expect(section).toContain('| 21.0 ms | 1.0 ms | 3.0 µs | 3 of 3; warm 1 of 1 |');
    expect(section).toContain('**+18.0 µs**');
    expect(section).toContain('Every run did its work');
  });

  it("cites the functions closest to the budget and says which ones Powertools' extra code would put over it", () => {
    // Act
    const section = observabilitySection(observability());

    // Assess
    expect(section).toContain(
      'the closest are notifications (GET /v1/notifications) 249,000 bytes, 1,000 under it and bookings (GET /v1/bookings/{bookingId}) 248,000 bytes, 2,000 under it.',
    );
    expect(section).toContain('Our writer and tracer add +3,100 bytes');
    expect(section).toContain(
      'would put 3 of the 3 functions over the budget (notifications, bookings, payments)',
    );
    expect(section).toContain(
      '| notifications | GET /v1/notifications | 249,000 B (243.2 KiB) | 1,000 B | **PASS** |',
    );
  });

  it('says a function over the budget is over it', () => {
    // Prepare
    const over = observability({
      functions: [
        {
          name: 'bookings',
          request: 'GET /v1/bookings/{bookingId}',
          firstRequestBytes: 251_000,
          rawBytes: 1,
        },
      ],
    });

    // Act
    const section = observabilitySection(over);

    // Assess
    expect(section).toContain('**bookings (251,000 bytes) is over it**');
    expect(section).toContain('| -1,000 B | **FAIL** |');
  });

  it('shows the runs that did not do their work, which the figures leave out', () => {
    // Prepare
    const failing = observability({
      variants: [
        BASELINE,
        { ...TESSERA, failures: 2, error: '0 subsegments at the daemon, expected 1' },
        POWERTOOLS,
      ],
    });

    // Act
    const section = observabilitySection(failing);

    // Assess
    expect(section).toContain('3 of 3 (**2 failed**)');
    expect(section).toContain(
      '**Runs that did not do their work are left out of the figures: tessera: 0 subsegments at the daemon, expected 1.**',
    );
  });

  it('says so when not measured, and is section 12 of the whole report', () => {
    // Act
    const alone = observabilitySection(undefined);
    const whole = renderMarkdown(results(observability()), null, null, 'bench/results/2026-12-04.json');

    // Assess
    expect(alone).toContain('Not measured in this run.');
    expect(whole).toContain('## 12. Observability: what metrics and tracing cost a function');
    expect(whole.indexOf('## 11. Schedules')).toBeLessThan(whole.indexOf('## 12. Observability'));
  });
});
