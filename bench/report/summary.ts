/**
 * The summary of a run: one row per headline figure, with its same-run baseline, the ratio, the
 * budget and PASS or FAIL. Used by the report's first table and by the console summary.
 */

import { BENCH_BUDGET_MS, BUDGETED_OPERATIONS } from '../lib/budgets.ts';
import type {
  BenchResults,
  BookingCapacityMeasurement,
  BookingCapacityResults,
  BundleRow,
  CapacityResults,
  MemoryReading,
  ObservabilityFunction,
  ObservabilityResults,
  ObservabilityVariant,
  RaceResults,
  RaceRound,
  WarmResults,
  WarmRow,
} from '../lib/results.ts';
import { median, ratio } from '../lib/stats.ts';
import { count, dollars, kib, mib, ms, seconds, times, us } from './format.ts';

interface SummaryRow {
  readonly metric: string;
  readonly figure: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly budget: string;
  /** null: no budget. */
  readonly pass: boolean | null;
}

/** The size the budget is checked against: what one cold start and its request load. */
const budgetedBytes = (row: BundleRow) => row.firstRequestBytes ?? row.coldStartBytes;

/**
 * `users-authorizer`: a function that runs another function's bundle (listed on its own row, whose
 * all-code size it shares). Runs before the manifests named it `users (authorizer)`.
 */
const isExportOfSharedBundle = (b: BundleRow) =>
  b.bundle === undefined ? b.name.includes(' (') : b.bundle !== b.name.replace(/^before: /, '');

const sizeBudget = (budgetBytes: number) => `≤ ${count(budgetBytes / 1000)} KB (${kib(budgetBytes)})`;

const sizeRows = (r: BenchResults): SummaryRow[] => {
  const size = r.size;
  if (!size) return [];
  return size.bundles
    .filter((b) => b.kind === 'service')
    .flatMap((b) => {
      const floor = size.bundles.find((f) => f.name === b.floor);
      const bytes = budgetedBytes(b);
      return [
        {
          metric: `Bundle size, ${b.name} (code loaded by one cold request)`,
          figure: kib(bytes),
          baseline: floor ? `${floor.name} ${kib(budgetedBytes(floor))}` : 'n/a',
          ratio: times(ratio(bytes, floor ? budgetedBytes(floor) : undefined)),
          budget: sizeBudget(size.budgetBytes),
          pass: bytes <= size.budgetBytes,
        },
        ...(isExportOfSharedBundle(b)
          ? []
          : [
              {
                metric: `Bundle size, ${b.name} (all code, lazy chunks included)`,
                figure: kib(b.rawBytes),
                baseline: floor ? `${floor.name} ${kib(floor.rawBytes)}` : 'n/a',
                ratio: times(ratio(b.rawBytes, floor?.rawBytes)),
                budget: sizeBudget(size.budgetBytes),
                pass: b.rawBytes <= size.budgetBytes,
              },
            ]),
      ];
    });
};

const coldRows = (r: BenchResults): SummaryRow[] => {
  const cold = r.cold;
  if (!cold) return [];
  return cold.variants
    .filter((v) => v.kind === 'service')
    .map((v) => {
      const floor = cold.variants.find((f) => f.name === v.floor);
      const value = ratio(v.wallMs.median, floor?.wallMs.median);
      if (!v.floor) {
        // A function that calls no AWS service has no SDK floor: shown beside the bare runtime.
        const node = cold.variants.find((n) => n.kind === 'node');
        return {
          metric: `Cold init, ${v.name} (${v.request ?? 'one request'})`,
          figure: `${ms(v.wallMs.median)} (p90 ${ms(v.wallMs.p90)})`,
          baseline: node ? `${node.name} ${ms(node.wallMs.median)}` : 'n/a',
          ratio: times(ratio(v.wallMs.median, node?.wallMs.median)),
          budget: 'no floor (no AWS client)',
          pass: null,
        };
      }
      return {
        metric: `Cold init, ${v.name} (${v.request ?? 'one request'})`,
        figure: `${ms(v.wallMs.median)} (p90 ${ms(v.wallMs.p90)})`,
        baseline: floor ? `${floor.name} ${ms(floor.wallMs.median)}` : 'n/a',
        ratio: times(value),
        budget: `≤ ${cold.budgetRatio}× floor`,
        pass: value === null || v.failures === cold.runs ? false : value <= cold.budgetRatio,
      };
    });
};

/**
 * Our row of a warm operation, the fastest peer's (by median) and the floor's (the data path alone),
 * each absent when not measured.
 */
const warmPeers = (warm: WarmResults, operation: string) => {
  const rows = warm.rows.filter((row) => row.operation === operation);
  return {
    floor: rows.find((row) => row.role === 'floor'),
    ours: rows.find((row) => row.implementation === 'tessera'),
    fastest: rows
      .filter((row) => row.implementation !== 'tessera' && row.role !== 'floor')
      .sort(
        (a, b) =>
          (a.overheadUs?.median ?? a.usPerRequest.median) - (b.overheadUs?.median ?? b.usPerRequest.median),
      )[0],
  };
};

/**
 * A warm row's µs above the floor of its operation (the data path alone): the median of its
 * paired differences when measured so, else the difference of medians; its µs when there is no floor.
 */
const overheadUs = (row: WarmRow, floor: WarmRow | undefined) =>
  row.overheadUs?.median ?? row.usPerRequest.median - (floor?.usPerRequest.median ?? 0);

const warmRows = (r: BenchResults): SummaryRow[] => {
  const warm = r.warm;
  if (!warm) return [];
  return BUDGETED_OPERATIONS.flatMap((operation) => {
    const { ours, fastest, floor } = warmPeers(warm, operation);
    if (!ours || !fastest) return [];
    const above = floor ? ` above the SDK floor's ${us(floor.usPerRequest.median)}` : '';
    return [
      {
        metric: `Warm overhead, ${operation}`,
        figure: `${us(overheadUs(ours, floor))}${above} (ours ${us(ours.usPerRequest.median)} in all, p90 ${us(ours.usPerRequest.p90)})`,
        baseline: `${fastest.implementation} ${us(overheadUs(fastest, floor))}${floor ? ' above it' : ''}`,
        ratio: times(ratio(overheadUs(ours, floor), overheadUs(fastest, floor))),
        budget: '≤ fastest peer',
        pass: overheadUs(ours, floor) <= overheadUs(fastest, floor),
      },
    ];
  });
};

/** Read and write units an operation consumed at a table size; undefined when not measured. */
const capacityUnits = (capacity: CapacityResults, operation: string, size: number): number | undefined => {
  const m = capacity.measurements.find((x) => x.operation === operation && x.size === size);
  return m ? m.readUnits + m.writeUnits : undefined;
};

/** Operations other than the Scan baseline and the writes: every get and list. */
const isReadOperation = (operation: string) => operation.startsWith('GET ');

const capacityRows = (r: BenchResults): SummaryRow[] => {
  const capacity = r.capacity;
  if (!capacity || capacity.sizes.length < 2) return [];
  const [small, large] = [Math.min(...capacity.sizes), Math.max(...capacity.sizes)];
  const at = (operation: string, size: number) => capacityUnits(capacity, operation, size) ?? Number.NaN;
  const reads = [...new Set(capacity.measurements.map((m) => m.operation))].filter(isReadOperation);
  const changed = reads.filter((operation) => at(operation, small) !== at(operation, large));
  const scan = capacity.measurements.find((m) => m.operation.startsWith('Scan'))?.operation ?? '';
  return [
    {
      metric: `DynamoDB capacity, ${reads.length} gets and lists, ${count(small)} vs ${count(large)} items`,
      figure:
        changed.length === 0 ? 'the same at both sizes' : `${changed.length} differ: ${changed.join('; ')}`,
      baseline: `Scan-based list ${at(scan, small)} -> ${at(scan, large)} RCU`,
      ratio: `ours ${times(changed.length === 0 ? 1 : Number.NaN)}, Scan ${times(ratio(at(scan, large), at(scan, small)), 1)}`,
      budget: 'same cost at both sizes',
      pass: changed.length === 0,
    },
  ];
};

/** A bookings measurement's units in all: read and write as DynamoDB Local reported them, and the
 * write units by AWS's rules; table and indexes added up. */
const bookingUnits = (m: BookingCapacityMeasurement) => {
  const indexes = Object.values(m.indexes);
  const indexRead = indexes.reduce((sum, u) => sum + u.read, 0);
  const indexWrite = indexes.reduce((sum, u) => sum + u.write, 0);
  const awsIndexes = Object.values(m.awsWrites.indexes).reduce((sum, u) => sum + u, 0);
  return {
    read: m.table.read + indexRead,
    write: m.table.write + indexWrite,
    indexRead,
    indexWrite,
    aws: m.awsWrites.table + awsIndexes,
    awsIndexes,
  };
};

const bookingAt = (capacity: BookingCapacityResults, operation: string, size: number) =>
  capacity.measurements.find((m) => m.operation === operation && m.size === size);

/** The measured 1-hour booking's operation name. */
const HOUR_BOOKING = 'POST /v1/bookings, 1 hour';

/** Writes: every create, reschedule and cancel. */
const isBookingWrite = (operation: string) => operation.startsWith('POST ') || operation.startsWith('PATCH ');

/** Operations of the bookings capacity whose units differ between two sizes (Local's or AWS's). */
const bookingsThatDiffer = (capacity: BookingCapacityResults, small: number, large: number) =>
  [...new Set(capacity.measurements.map((m) => m.operation))].filter((operation) => {
    const a = bookingAt(capacity, operation, small);
    const b = bookingAt(capacity, operation, large);
    if (!a || !b) return true;
    const [ua, ub] = [bookingUnits(a), bookingUnits(b)];
    return ua.read !== ub.read || ua.write !== ub.write || ua.aws !== ub.aws;
  });

const raceSummary = (race: RaceResults, scenario: RaceRound['scenario']) => {
  const rounds = race.rounds.filter((round) => round.scenario === scenario);
  const statuses: Record<string, number> = {};
  for (const round of rounds)
    for (const [status, n] of Object.entries(round.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  return {
    rounds,
    wallMs: median(rounds.map((round) => round.wallMs)),
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    statuses,
    asExpected: rounds.filter((round) => round.expected).length,
  };
};

const statusList = (statuses: Readonly<Record<string, number>>) =>
  Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${n}×${status}`)
    .join(' ');

const bookingsRows = (r: BenchResults): SummaryRow[] => {
  const bookings = r.bookings;
  if (!bookings) return [];
  const rows: SummaryRow[] = [];
  const capacity = bookings.capacity;
  if (capacity && capacity.sizes.length > 0) {
    const [small, large] = [Math.min(...capacity.sizes), Math.max(...capacity.sizes)];
    const hours = capacity.sizes.flatMap((size) => {
      const m = bookingAt(capacity, HOUR_BOOKING, size);
      return m ? [{ size, ...bookingUnits(m) }] : [];
    });
    const worst = Math.max(...hours.map((h) => h.aws));
    const alike = hours.every((h) => h.aws === hours[0]?.aws && h.write === hours[0]?.write);
    const shown = alike ? hours.slice(0, 1) : hours;
    const where = (h: (typeof hours)[number]) => (alike ? 'at every size' : `at ${count(h.size)}`);
    rows.push({
      metric: `Bookings, write units of a 1-hour booking (${capacity.sizes.map(count).join(' and ')} bookings)`,
      figure: shown
        .map(
          (h) =>
            `${h.aws} by AWS's rules ${where(h)} (table ${h.aws - h.awsIndexes} + indexes ${h.awsIndexes})`,
        )
        .join('; '),
      baseline: `DynamoDB Local reports ${shown.map((h) => `${h.write} (table ${h.write - h.indexWrite} + indexes ${h.indexWrite})`).join(', ')}`,
      ratio: times(ratio(worst, bookings.writeGoal)),
      budget: `≤ ${bookings.writeGoal} write units`,
      pass: hours.length > 0 && worst <= bookings.writeGoal,
    });
    if (capacity.sizes.length >= 2) {
      const differ = bookingsThatDiffer(capacity, small, large);
      const writes = [...new Set(capacity.measurements.map((m) => m.operation))].filter(isBookingWrite);
      const writesDiffer = differ.filter(isBookingWrite);
      rows.push({
        metric: `Bookings, ${writes.length} writes (creates, a replay, reschedules, a cancel), ${count(small)} vs ${count(large)} bookings`,
        figure:
          writesDiffer.length === 0
            ? 'the same units at both sizes'
            : `${writesDiffer.length} differ: ${writesDiffer.join('; ')}`,
        baseline: `1-hour booking ${hours.map((h) => h.aws).join(' -> ')} by AWS's rules, ${hours.map((h) => h.write).join(' -> ')} as Local reports`,
        ratio: times(writesDiffer.length === 0 ? 1 : Number.NaN),
        budget: 'same cost at both sizes',
        pass: writesDiffer.length === 0,
      });
      const readsDiffer = differ.filter((operation) => !isBookingWrite(operation));
      const reads = [...new Set(capacity.measurements.map((m) => m.operation))].filter(
        (o) => !isBookingWrite(o),
      );
      rows.push({
        metric: `Bookings, ${reads.length} gets, lists, searches and availability reads, ${count(small)} vs ${count(large)} bookings`,
        figure:
          readsDiffer.length === 0
            ? 'the same units at both sizes'
            : `${reads.length - readsDiffer.length} the same; ${readsDiffer
                .map((operation) => {
                  const a = bookingAt(capacity, operation, small);
                  const b = bookingAt(capacity, operation, large);
                  return `${operation}: ${a ? bookingUnits(a).read : 'n/a'} -> ${b ? bookingUnits(b).read : 'n/a'} RCU (${a?.calls ?? 'n/a'} -> ${b?.calls ?? 'n/a'} calls, ${a?.itemsRead ?? 'n/a'} -> ${b?.itemsRead ?? 'n/a'} items read)`;
                })
                .join('; ')}`,
        baseline: '—',
        ratio: '—',
        budget: '— (see section 8)',
        pass: null,
      });
    }
  }
  const race = bookings.race;
  if (race) {
    for (const scenario of ['overlapping', 'disjoint'] as const) {
      const summary = raceSummary(race, scenario);
      if (summary.rounds.length === 0) continue;
      rows.push({
        metric: `Bookings race, ${race.requests} concurrent POST /v1/bookings, ${scenario === 'overlapping' ? 'overlapping intervals of one room' : 'disjoint intervals of one room and day'} (devstack, ${summary.rounds.length} rounds)`,
        figure: `${ms(summary.wallMs)} wall, ${count(summary.requestsPerSecond)} req/s (medians); ${statusList(summary.statuses)} in all`,
        baseline: '—',
        ratio: '—',
        budget:
          scenario === 'overlapping'
            ? `1×201 and ${race.requests - 1}×409 each round, one busy interval`
            : `${race.requests}×201 each round, as many busy intervals`,
        pass: summary.asExpected === summary.rounds.length,
      });
    }
  }
  return rows;
};

const loadRows = (r: BenchResults): SummaryRow[] => {
  const load = r.load;
  if (!load) return [];
  const rows: SummaryRow[] = [];
  for (const operation of ['GET /v1/tickets/{id}', 'POST /v1/tickets']) {
    const devstack = load.runs.find((x) => x.target === 'devstack' && x.operation === operation);
    const ceiling = load.runs.find((x) => x.target === 'ceiling' && x.operation === operation);
    if (!devstack) continue;
    rows.push({
      metric: `Local load, ${operation} (c=${devstack.connections}, ${devstack.seconds} s)`,
      figure: `${count(devstack.rps)} req/s, p50 ${ms(devstack.latencyP50Ms)}, p99 ${ms(devstack.latencyP99Ms)}, ${devstack.non2xx + devstack.errors} errors`,
      baseline: ceiling ? `bare node:http ${count(ceiling.rps)} req/s` : 'n/a',
      ratio: times(ratio(devstack.rps, ceiling?.rps), 3),
      budget: '—',
      pass: null,
    });
  }
  const own = load.rss.filter((p) => p.process !== 'esbuild');
  const total = own.reduce((sum, p) => sum + p.peakSampledBytes, 0);
  const ceiling = load.ceilingRss
    .filter((p) => p.process !== 'esbuild')
    .reduce((sum, p) => sum + p.peakSampledBytes, 0);
  rows.push({
    metric: 'Local load, peak RSS of the devstack (node + java)',
    figure: `${mib(total)} (${own.map((p) => `${p.process} ${mib(p.peakSampledBytes)}`).join(', ')})`,
    baseline: `bare node:http ${mib(ceiling)}`,
    ratio: times(ratio(total, ceiling), 1),
    budget: '—',
    pass: null,
  });
  return rows;
};

const startRows = (r: BenchResults): SummaryRow[] => {
  const start = r.start;
  if (!start) return [];
  const rows: SummaryRow[] = [
    {
      metric: 'Devstack start, cold to ready',
      figure: `${seconds(start.devstack.readyMs.median)} (spawn to ready ${seconds(start.devstack.wallMs.median)})`,
      baseline: `DynamoDB Local alone ${seconds(start.dynamodbLocal.readyMs.median)}`,
      ratio: times(ratio(start.devstack.readyMs.median, start.dynamodbLocal.readyMs.median)),
      budget: '—',
      pass: null,
    },
  ];
  if (start.npmTest) {
    rows.push({
      metric: `npm test (${start.npmTest.ok ? 'passed' : 'FAILED'})`,
      figure: seconds(start.npmTest.ms),
      baseline: start.unitTests ? `unit project alone ${seconds(start.unitTests.ms)}` : 'n/a',
      ratio: times(ratio(start.npmTest.ms, start.unitTests?.ms), 1),
      budget: '—',
      pass: null,
    });
  }
  return rows;
};

const paymentsRows = (r: BenchResults): SummaryRow[] => {
  const payments = r.payments;
  if (!payments) return [];
  const rows: SummaryRow[] = [];
  for (const mode of ['sequential', 'concurrent'] as const) {
    const confirmed = payments.latency?.variants.find((v) => v.mode === mode && v.kind === 'confirmed');
    const baseline = payments.latency?.variants.find((v) => v.mode === mode && v.kind === 'baseline');
    if (!confirmed || confirmed.observedMs.n === 0) continue;
    rows.push({
      metric: `Payments, POST /v1/bookings to CONFIRMED, ${mode === 'sequential' ? 'one at a time' : `${confirmed.concurrency} at once`} (devstack, ${confirmed.observedMs.n} bookings, polled every ${confirmed.pollIntervalMs} ms)`,
      figure: `p50 ${ms(confirmed.observedMs.median, 1)}, p99 ${ms(confirmed.observedMs.p99, 1)}, max ${ms(confirmed.observedMs.max, 1)}${confirmed.failures ? `; ${confirmed.failures} failed` : ''}`,
      baseline: baseline
        ? `bus path alone (tok_pending to its booking.created) p50 ${ms(baseline.observedMs.median, 1)}, p99 ${ms(baseline.observedMs.p99, 1)}`
        : '—',
      ratio: times(ratio(confirmed.observedMs.median, baseline?.observedMs.median)),
      budget: '—',
      pass: null,
    });
  }
  const cost = payments.cost;
  if (cost) {
    const dynamodb = cost.lines
      .filter((l) => l.component.startsWith('DynamoDB'))
      .reduce((sum, l) => sum + l.dollarsPerMillion, 0);
    rows.push({
      metric: 'Cost per million confirmed bookings (POST and payment saga)',
      figure: dollars(cost.totalPerMillion),
      baseline: `of which DynamoDB ${dollars(dynamodb)}; the saga alone ${dollars(cost.sagaPerMillion)}`,
      ratio: `${((dynamodb / cost.totalPerMillion) * 100).toFixed(0)}% DynamoDB`,
      budget: '—',
      pass: null,
    });
  }
  return rows;
};

const notificationsRows = (r: BenchResults): SummaryRow[] => {
  const notifications = r.notifications;
  if (!notifications) return [];
  const rows: SummaryRow[] = [];
  for (const v of notifications.latency?.variants ?? []) {
    if (v.createdOnSocketMs.n === 0) continue;
    const mode = v.mode === 'sequential' ? 'one at a time' : `${v.concurrency} at once`;
    for (const [message, socket, bus] of [
      ['booking.created', v.createdOnSocketMs, v.createdOnBusMs],
      ['booking.confirmed', v.confirmedOnSocketMs, v.confirmedOnBusMs],
    ] as const) {
      rows.push({
        metric: `Notifications, POST /v1/bookings to ${message} on the owner's socket, ${mode} (devstack, ${socket.n} bookings)`,
        figure: `p50 ${ms(socket.median, 1)}, p99 ${ms(socket.p99, 1)}${v.failures ? `; ${v.failures} failed` : ''}`,
        baseline: `the same bookings' ${message} on the bus p50 ${ms(bus.median, 1)}, p99 ${ms(bus.p99, 1)}`,
        ratio: times(ratio(socket.median, bus.median)),
        budget: '—',
        pass: null,
      });
    }
  }
  for (const f of notifications.fanOut) {
    rows.push({
      metric: `Notifications fan-out, one booking to ${f.sockets} sockets (${f.scenario === 'owner' ? 'one user' : `${f.users} followers of a room`}, ${f.rounds.length} rounds)`,
      figure: `last socket p50 ${ms(f.lastMs.median, 1)}; per socket p50 ${ms(f.perSocketMs.median, 1)}, p99 ${ms(f.perSocketMs.p99, 1)}`,
      baseline: `${f.message} on the bus p50 ${ms(f.busMs.median, 1)}`,
      ratio: times(ratio(f.lastMs.median, f.busMs.median)),
      budget: '—',
      pass: null,
    });
  }
  const devstack = (m: MemoryReading | undefined) =>
    m?.processes.find((p) => p.process === 'devstack (node)')?.rssBytes;
  const java = (m: MemoryReading | undefined) =>
    m?.processes.find((p) => p.process === 'java (DynamoDB Local)')?.rssBytes;
  const heapDelta = (m: MemoryReading, before: MemoryReading | undefined) => {
    if (!m.mainThread || !before?.mainThread) return 'n/a';
    const delta = (m.mainThread.heapUsedBytes - before.mainThread.heapUsedBytes) / 1024 / 1024;
    return `${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(1)} MiB`;
  };
  for (const m of notifications.memory.filter((x) => x.connections > 0 && x.state.includes('idle'))) {
    const before = notifications.memory.find((x) => x.state === m.baseline);
    rows.push({
      metric: `Devstack memory (node RSS, its functions' workers included), ${m.state}`,
      figure: `${mib(devstack(m))} (DynamoDB Local's java ${mib(java(m))}); main-thread heap after a GC ${heapDelta(m, before)}`,
      baseline: `${before?.state ?? 'no sockets'} ${mib(devstack(before))} (java ${mib(java(before))})`,
      ratio: times(ratio(devstack(m), devstack(before))),
      budget: '—',
      pass: null,
    });
  }
  return rows;
};

const schedulesRows = (r: BenchResults): SummaryRow[] => {
  const schedules = r.schedules;
  if (!schedules) return [];
  const rows: SummaryRow[] = [];
  const x = schedules.exactness;
  if (x) {
    rows.push({
      metric: `Schedules, fired − scheduled (devstack, ${x.schedules} one-time schedules over ${x.distinctSeconds} s, ticking clock)`,
      figure: `p50 ${ms(x.firedMs.median, 1)}, p99 ${ms(x.firedMs.p99, 1)}, max ${ms(x.firedMs.max, 1)}; ${x.fired} of ${x.schedules} fired, ${x.firedTwice} twice`,
      baseline: `a plain setTimeout of the devstack's process, same due times: p50 ${ms(x.timerMs.median, 1)}, p99 ${ms(x.timerMs.p99, 1)} (of the bench's p50 ${ms(x.benchTimerMs?.median, 1)})`,
      ratio: times(ratio(x.firedMs.median, x.timerMs.median)),
      budget: '—',
      pass: null,
    });
  }
  const p = schedules.reminders;
  if (p && p.busMs.n > 0) {
    rows.push({
      metric: `Reminders, due time to booking.reminder on the bus (devstack, ${p.busMs.n} confirmed bookings${p.distinctDueTimes === 1 ? ', due together' : ''})`,
      figure: `p50 ${ms(p.busMs.median, 1)}, p99 ${ms(p.busMs.p99, 1)}; on the owner's socket p50 ${ms(p.socketMs.median, 1)}${p.failures ? `; ${p.failures} failed` : ''}`,
      baseline: `due to the hand-off to the function p50 ${ms(p.firedMs.median, 1)}`,
      ratio: times(ratio(p.busMs.median, p.firedMs.median)),
      budget: '—',
      pass: null,
    });
  }
  const cost = schedules.cost;
  if (cost) {
    const dynamodb = cost.lines
      .filter((l) => l.component.startsWith('DynamoDB'))
      .reduce((sum, l) => sum + l.dollarsPerMillion, 0);
    const scheduler = cost.lines
      .filter((l) => l.component.startsWith('EventBridge Scheduler'))
      .reduce((sum, l) => sum + l.dollarsPerMillion, 0);
    rows.push({
      metric: 'Cost per million reminders (reconcile, firing, publish, inbox and push)',
      figure: dollars(cost.totalPerMillion),
      baseline: `of which DynamoDB ${dollars(dynamodb)}, EventBridge Scheduler ${dollars(scheduler)}`,
      ratio: `${((dynamodb / cost.totalPerMillion) * 100).toFixed(0)}% DynamoDB`,
      budget: '—',
      pass: null,
    });
  }
  return rows;
};

/** What an observability entry costs over the bare handler: each of its figures minus the baseline's. */
interface ObservabilityCost {
  readonly rawBytes: number;
  readonly gzipBytes: number;
  readonly firstRequestBytes: number | null;
  readonly wallP50Ms: number;
  readonly wallP90Ms: number;
  readonly importP50Ms: number | null;
  readonly invocationP50Ms: number | null;
  readonly warmUs: number | null;
}

const difference = (value: number | null | undefined, baseline: number | null | undefined) =>
  value === null || value === undefined || baseline === null || baseline === undefined
    ? null
    : value - baseline;

/**
 * The cost of an entry: its figures minus the baseline's of the same run (median minus median,
 * p90 minus p90).
 *
 * @example
 * observabilityCost(tessera, baseline).rawBytes // => 3119
 */
const observabilityCost = (
  variant: ObservabilityVariant,
  baseline: ObservabilityVariant,
): ObservabilityCost => ({
  rawBytes: variant.rawBytes - baseline.rawBytes,
  gzipBytes: variant.gzipBytes - baseline.gzipBytes,
  firstRequestBytes: difference(variant.firstRequestBytes, baseline.firstRequestBytes),
  wallP50Ms: variant.wallMs.median - baseline.wallMs.median,
  wallP90Ms: variant.wallMs.p90 - baseline.wallMs.p90,
  importP50Ms: difference(variant.importMs?.median, baseline.importMs?.median),
  invocationP50Ms: difference(variant.invocationMs?.median, baseline.invocationMs?.median),
  warmUs: difference(variant.warmUs?.median, baseline.warmUs?.median),
});

/** The three entries of a run, each absent when not measured. */
const observabilityEntries = (o: ObservabilityResults) => ({
  baseline: o.variants.find((v) => v.name === 'baseline'),
  tessera: o.variants.find((v) => v.name === 'tessera'),
  powertools: o.variants.find((v) => v.name === 'powertools'),
});

/** The functions whose first request loads the most, closest to the budget first. */
const closestToBudget = (functions: readonly ObservabilityFunction[]): ObservabilityFunction[] =>
  functions
    .filter((f) => f.firstRequestBytes !== null)
    .sort((a, b) => (b.firstRequestBytes ?? 0) - (a.firstRequestBytes ?? 0));

/** `+1.2 KiB`, `−0.3 ms`: a difference with its sign. */
const signed = (value: number | null, format: (n: number) => string) =>
  value === null || !Number.isFinite(value) ? 'n/a' : `${value < 0 ? '−' : '+'}${format(Math.abs(value))}`;

const observabilityRows = (r: BenchResults): SummaryRow[] => {
  const o = r.observability;
  if (!o) return [];
  const { baseline, tessera, powertools } = observabilityEntries(o);
  if (!baseline || !tessera || !powertools) return [];
  const ours = observabilityCost(tessera, baseline);
  const theirs = observabilityCost(powertools, baseline);
  const measured = o.functions.filter((f) => f.firstRequestBytes !== null);
  const over = measured.filter((f) => (f.firstRequestBytes ?? 0) > o.budgetBytes);
  const closest = closestToBudget(o.functions)[0];
  return [
    {
      metric: 'Observability, code one invocation loads for metrics + tracing, over a bare handler',
      figure: `Tessera ${signed(ours.firstRequestBytes, kib)} (gzip ${signed(ours.gzipBytes, kib)})`,
      baseline: `Powertools Metrics + Tracer ${signed(theirs.firstRequestBytes, kib)} (gzip ${signed(theirs.gzipBytes, kib)})`,
      ratio: times(ratio(ours.firstRequestBytes ?? undefined, theirs.firstRequestBytes ?? undefined), 3),
      budget: `every function's first request ≤ ${count(o.budgetBytes / 1000)} KB${closest ? ` (closest: ${closest.name} ${count(closest.firstRequestBytes ?? 0)} B)` : ''}`,
      pass: measured.length === 0 ? null : over.length === 0,
    },
    {
      metric: `Observability, cold init cost over a bare handler (spawn to exit, ${o.runs} runs each)`,
      figure: `Tessera ${signed(ours.wallP50Ms, (n) => ms(n, 1))} (p90 ${signed(ours.wallP90Ms, (n) => ms(n, 1))})`,
      baseline: `Powertools ${signed(theirs.wallP50Ms, (n) => ms(n, 1))} (p90 ${signed(theirs.wallP90Ms, (n) => ms(n, 1))}); bare handler ${ms(baseline.wallMs.median, 1)}`,
      ratio: times(ratio(tessera.wallMs.median, baseline.wallMs.median)),
      budget: '—',
      pass: null,
    },
    {
      metric: 'Observability, warm cost per invocation over a bare handler',
      figure: `Tessera ${signed(ours.warmUs, us)}`,
      baseline: `Powertools ${signed(theirs.warmUs, us)}; bare handler ${us(baseline.warmUs?.median)}`,
      ratio: times(ratio(ours.warmUs ?? undefined, theirs.warmUs ?? undefined)),
      budget: '—',
      pass: null,
    },
  ];
};

const costRows = (r: BenchResults): SummaryRow[] =>
  (r.cost?.operations ?? []).map((operation) => {
    const dynamodb = operation.components.filter((c) => c.component.startsWith('DynamoDB'));
    const share = dynamodb.reduce((sum, c) => sum + c.dollarsPerMillion, 0) / operation.totalPerMillion;
    return {
      metric: `Cost per million, ${operation.operation}`,
      figure: dollars(operation.totalPerMillion),
      baseline: `of which DynamoDB ${dollars(share * operation.totalPerMillion)}`,
      ratio: `${(share * 100).toFixed(0)}% DynamoDB`,
      budget: '—',
      pass: null,
    };
  });

/**
 * Every summary row of a run, the bench's own duration last.
 *
 * @example
 * for (const row of summaryRows(results)) console.log(row.metric, row.figure);
 */
const summaryRows = (r: BenchResults): SummaryRow[] => [
  ...sizeRows(r),
  ...coldRows(r),
  ...warmRows(r),
  ...capacityRows(r),
  ...bookingsRows(r),
  ...paymentsRows(r),
  ...notificationsRows(r),
  ...schedulesRows(r),
  ...observabilityRows(r),
  ...loadRows(r),
  ...startRows(r),
  ...costRows(r),
  {
    metric: r.partial
      ? 'This benchmark (a subset: the sum of the parts run)'
      : 'This benchmark, `npm run bench`',
    figure: seconds(r.totalMs),
    baseline: '—',
    ratio: '—',
    budget: `< ${seconds(BENCH_BUDGET_MS)}`,
    pass: r.partial ? null : r.totalMs < BENCH_BUDGET_MS,
  },
];

export type { ObservabilityCost, SummaryRow };
export {
  bookingAt,
  bookingUnits,
  budgetedBytes,
  capacityUnits,
  closestToBudget,
  HOUR_BOOKING,
  isBookingWrite,
  isExportOfSharedBundle,
  observabilityCost,
  observabilityEntries,
  observabilityRows,
  overheadUs,
  raceSummary,
  signed,
  statusList,
  summaryRows,
  warmPeers,
};
