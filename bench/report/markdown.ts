/**
 * Renders `docs/PERFORMANCE.md` from a run's results (and the before run's): the summary table,
 * a section per metric (table, chart, method), before and after, and the environment.
 *
 * The section between `<!-- optimisations:start -->` and `<!-- optimisations:end -->` is written
 * by hand (what the bundle work changed) and is carried over from the existing document.
 */

import { BUDGETED_OPERATIONS } from '../lib/budgets.ts';
import type {
  BenchResults,
  BookingsResults,
  MemoryReading,
  NotificationsResults,
  ObservabilityResults,
  ObservabilityVariant,
  PaymentsLatencyVariant,
  PaymentsResults,
  RssPeak,
  SchedulesResults,
  Spread,
} from '../lib/results.ts';
import { ratio } from '../lib/stats.ts';
import { beforeView, coldOf } from './before.ts';
import { count, dollars, kib, mib, ms, seconds, times, us, verdict } from './format.ts';
import {
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
  overheadUs,
  raceSummary,
  signed,
  statusList,
  summaryRows,
  warmPeers,
} from './summary.ts';

const START = '<!-- optimisations:start -->';
const END = '<!-- optimisations:end -->';
const PLACEHOLDER =
  '_Written by hand, kept across runs: the list of what the bundle work changed (scripts/build.ts, services/*, packages/*), one line each, with the figure it moved._';

const table = (head: readonly string[], rows: ReadonlyArray<readonly string[]>) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const chart = (file: string, alt: string) => `![${alt}](performance/${file})`;

/** The hand-written block of the existing document, or the placeholder. */
const handWritten = (existing: string | null) => {
  const start = existing?.indexOf(START) ?? -1;
  const end = existing?.indexOf(END) ?? -1;
  if (existing && start >= 0 && end > start)
    return existing.slice(start + START.length, end).trim() || PLACEHOLDER;
  return PLACEHOLDER;
};

const summarySection = (r: BenchResults) => {
  const rows = summaryRows(r);
  const failed = rows.filter((row) => row.pass === false).length;
  return [
    '## Summary',
    '',
    failed === 0
      ? 'Every budget holds in this run.'
      : `**${failed} budget${failed === 1 ? '' : 's'} failed in this run** (marked FAIL below).`,
    'Each figure is a median (with its p90 where it has a distribution), beside a baseline measured in the same run; the ratio is figure / baseline.',
    '',
    table(
      ['metric', 'figure', 'same-run baseline', 'ratio', 'budget', 'result'],
      rows.map((row) => [row.metric, row.figure, row.baseline, row.ratio, row.budget, verdict(row.pass)]),
    ),
  ].join('\n');
};

const sizeSection = (r: BenchResults) => {
  const size = r.size;
  if (!size) return '## 1. Bundle size\n\nNot measured in this run.';
  const rows = size.bundles
    .filter((b) => b.kind !== 'compare')
    .map((b) => {
      const floor = size.bundles.find((f) => f.name === b.floor);
      const bytes = budgetedBytes(b);
      return [
        b.kind === 'floor' ? `${b.name} (baseline)` : b.name,
        kib(bytes),
        kib(b.coldStartBytes),
        kib(b.rawBytes),
        kib(b.gzipBytes),
        kib(b.zipBytes),
        String(b.files),
        floor
          ? `${times(ratio(bytes, budgetedBytes(floor)))} / ${times(ratio(b.rawBytes, floor.rawBytes))}`
          : '—',
        b.kind === 'service'
          ? `${verdict(bytes <= size.budgetBytes)} / ${isExportOfSharedBundle(b) ? 'as its bundle' : verdict(b.rawBytes <= size.budgetBytes)}`
          : '—',
      ];
    });
  const overall = size.bundles.filter(
    (b) => b.kind === 'service' && !isExportOfSharedBundle(b) && b.rawBytes > size.budgetBytes,
  );
  return [
    '## 1. Bundle size',
    '',
    table(
      [
        'bundle',
        'loaded by one request',
        'static cold-start code',
        'all code',
        'gzip (all)',
        'zip',
        '.mjs files',
        'vs floor (one request / all code)',
        `≤ ${count(size.budgetBytes / 1000)} KB (one request / all code)`,
      ],
      rows,
    ),
    '',
    chart('size.svg', 'Bundle size per function'),
    '',
    `**Method.** Each folder of \`${size.dist}\` is measured from its files: *all code* is every \`.mjs\` (lazy chunks included), *static cold-start code* is the entry and every chunk it reaches through static imports, *gzip* is each file at level 9, *zip* is the folder zipped as \`scripts/build.ts\` zips it. *Loaded by one request* is traced, per function of every manifest (the users bundle twice: its \`handler\` and its \`authorizer\` export): a fresh \`node\` with a module-load hook imports the bundle and serves the request of the cold-init benchmark (below), on the AWS path (its secrets read from SSM, as in AWS), and the sizes of the bundle files it loaded are added up. The bundles are a copy of \`dist\` taken when the run starts, so a build meanwhile changes nothing under it. The floors are \`bench/floors/*.ts\` (the same SDK clients, one call, nothing of ours), built with the esbuild options the build exports (\`esbuildOptions\`, \`packages/tooling/src/build.ts\`) into a temporary folder.`,
    '',
    `**The budget, 250 KB = 250,000 bytes, is checked twice.** On the code one cold request loads, which is what a cold start reads, parses and compiles before it answers; and on all code in the bundle, lazy chunks included. ${
      overall.length === 0
        ? 'Every bundle meets both.'
        : `${overall.map((b) => `${b.name} (${kib(b.rawBytes)})`).join(', ')} ${overall.length === 1 ? 'is' : 'are'} over it on all code: the lazy chunks are the other operations' code, the Powertools logger, argon2 (users) and the SDK's event-stream codec, each loaded only by the request that needs it. The floor alone (the DynamoDB client and nothing of ours) is ${kib(size.bundles.find((b) => b.name === 'floor-dynamodb')?.rawBytes)} of all code, so a whole service on the AWS SDK cannot fit 250 KB; the budget that a cold start feels is the first one.`
    } Other requests load more than the one measured (a login loads argon2).`,
  ].join('\n');
};

const coldSection = (r: BenchResults) => {
  const cold = r.cold;
  if (!cold) return '## 2. Cold init\n\nNot measured in this run.';
  const node = cold.variants.find((v) => v.kind === 'node');
  const rows = cold.variants
    .filter((v) => v.kind !== 'compare')
    .map((v) => {
      const floor = cold.variants.find((f) => f.name === v.floor);
      const value = ratio(v.wallMs.median, floor?.wallMs.median);
      return [
        v.kind === 'service' ? v.name : `${v.name} (baseline)`,
        v.request ?? '—',
        ms(v.wallMs.median),
        ms(v.wallMs.p90),
        ms(v.importMs?.median),
        ms(v.responseMs?.median),
        times(ratio(v.wallMs.median, node?.wallMs.median)),
        floor ? times(value) : '—',
        v.kind === 'service' && v.floor ? verdict(value !== null && value <= cold.budgetRatio) : '—',
        String(v.failures),
      ];
    });
  return [
    '## 2. Cold init',
    '',
    table(
      [
        'variant',
        'request',
        'median',
        'p90',
        'import done (median)',
        'response (median)',
        "vs node -e ''",
        'vs floor',
        `≤ ${cold.budgetRatio}× floor`,
        'failed runs',
      ],
      rows,
    ),
    '',
    chart('cold.svg', 'Cold init per variant'),
    '',
    `**Method.** The variants are every function of every manifest (\`loadManifests()\`: \`services/*/service.json\` and \`packages/shared/publisher.json\`), each with the bundle, export and memory size its manifest declares and the environment Lambda would give it, built from the manifest's variables and their sources (\`bench/lib/functions.ts\`): the table's name, secrets as \`ssm:\` references to \`/tessera/bench/<service>/<id>\` (generated by their declared kind), settings at their defaults, the bus's name, and the endpoint of what the function uses. Each run spawns a fresh \`node\` (${r.environment.node}, the project's pinned Node) that imports the bundle and invokes that export once (\`bench/metrics/cold-child.mjs\`), then exits; *median* and *p90* are the wall time from spawn to exit measured by the parent, which covers everything a cold start pays. The child also reports, in ms since its own start, when the import finished and when the response came back. Every call goes to the bench's AWS stand-in in the bench process (\`bench/lib/aws-endpoint.ts\`: DynamoDB in memory, EventBridge, SSM, answered at once), with Lambda's own variables (region, credentials in the environment, function name, memory size) and an empty HOME, so no \`~/.aws\` file is read. The request comes from what invokes the function: a function serving HTTP operations gets its service's request (tickets a \`GET /v1/tickets/{ticketId}\`, users a \`GET /v1/users/me\`, bookings a \`GET /v1/bookings/{bookingId}\` of a booking made in a room made first), the API authorizer an ES256 access token signed with jose by the private half of the key set it reads, with its issuer and audience, and the outbox publisher the stream record of an outbox item. What the requests read was written first, untimed, by the same bundles through the same exports (a ticket created, a user registered; the outbox item is the one of those writes that the publisher publishes), so the stand-in holds what the stores wrote. A run counts only if the response is the expected one (200, no failed records, or an authorized caller) and the run reached its data at the stand-in (a DynamoDB read, a PutEvents, or for the authorizer its SSM read); failed runs are listed. A function with no request the bench knows is not measured and is named in the run's errors. ${cold.runs} runs per variant after one untimed warm-up each (the page cache is warm for every variant alike), all variants in a new random order each round. Baselines in the same run: \`node -e ''\` and the SDK-only floor of each function, chosen from its manifest (a function with a table: the DynamoDB clients and one GetItem; with the bus: the EventBridge client and util-dynamodb and one PutEvents, of the same record). The API authorizer reads its public keys from SSM once and verifies one token, with no SDK client: it has no floor and no budget here, and is shown beside \`node -e ''\`. This is a warm machine's cold start: Lambda's own cold start adds its sandbox and the download of the zip, the same for every bundle of a size.`,
  ].join('\n');
};

const warmSection = (r: BenchResults) => {
  const warm = r.warm;
  if (!warm) return '## 3. Warm handler overhead\n\nNot measured in this run.';
  const rows = warm.rows.map((row) => {
    const same = warm.rows.filter((x) => x.operation === row.operation);
    const ours = same.find((x) => x.implementation === 'tessera');
    const floor = same.find((x) => x.role === 'floor');
    const isFloor = row.role === 'floor';
    return [
      row.operation,
      isFloor ? `${row.implementation} (floor: the DynamoDB calls alone)` : row.implementation,
      us(row.usPerRequest.median),
      us(row.usPerRequest.p90),
      isFloor ? '—' : floor ? us(overheadUs(row, floor)) : `${us(row.usPerRequest.median)} (no data path)`,
      isFloor || !ours ? '—' : times(ratio(overheadUs(row, floor), overheadUs(ours, floor))),
      String(row.status),
    ];
  });
  const verdicts = BUDGETED_OPERATIONS.map((operation) => {
    const { ours, fastest, floor } = warmPeers(warm, operation);
    return `${operation}: ${verdict(Boolean(ours && fastest && overheadUs(ours, floor) <= overheadUs(fastest, floor)))}`;
  });
  const measuredSo = warm.rows.some((row) => row.role === 'floor');
  return [
    '## 3. Warm handler overhead',
    '',
    table(
      [
        'operation',
        'implementation',
        'median',
        'p90',
        'overhead (above the floor)',
        'overhead vs ours',
        'status',
      ],
      rows,
    ),
    '',
    `Budget, no slower than the fastest peer: ${verdicts.join('; ')}.`,
    '',
    chart('warm.svg', 'Warm handler overhead'),
    '',
    measuredSo
      ? `**Method.** *Ours* is the tickets bundle as it ships (\`dist/tickets/index.mjs\`, the \`handler\` export its manifest names), imported by a child process (\`bench/processes/warm.ts\`) whose environment is the tickets function's, built from its manifest. Beside it in that process: the peers (\`bench/baselines/\`), middy 7 (\`@middy/core\`, \`http-json-body-parser\`, \`http-error-handler\`, run with its defaults) and the Powertools event-handler HTTP router 2.35 (Standard Schema validation), and the *floor*, the same DynamoDB calls with no framework, validation or rules; each is a Lambda entry bundled for the run with the build's esbuild options, so all four run the AWS SDK bundled the same way. **The same data path for all:** every side calls DynamoDB through the AWS SDK on one in-memory AWS stand-in in the same process (\`bench/lib/aws-endpoint.ts\`): a get is one consistent GetItem, a create one TransactWriteItems of the ticket and its outbox item, which is checked for every implementation before timing. The floor's time is that data path (the SDK's work and a loopback round trip); an implementation's *overhead* is what its framework and logic add: the median, over every cycle, of its time minus the floor's in the same cycle. **Fairness:** the peers take the same API Gateway v2 event with a Lambda-authorizer context and do the work our adapter and use cases do, in their own code (bench code, nothing of ours is imported): a correlation id, the principal from the authorizer context with its expiry, the 64 KiB / JSON content-type limits, the same shapes validated (zod schemas equivalent to the contract, unknown fields refused, \`bench/baselines/schemas.ts\`), a \`NEW\` ticket with its \`ticket.created\` event checked against a schema, the visibility rule on a get, the same JSON body and headers (\`etag\`, \`location\`, \`x-request-id\`, \`cache-control\`), and errors as problem+json. Each implementation is checked to answer every operation with the same status and body members as ours, and with the same DynamoDB calls, before timing. Then ${count(warm.warmup)} warm-up requests each, and ${count(warm.rounds * warm.batch)} cycles of one request of each implementation, in a new random order each cycle, so a slow moment of the machine falls on all of them alike; every request is timed on its own (\`process.hrtime\`), the event built before the clock starts. The figures are µs of this machine's CPU per request; the 400 row (an unknown field) reaches no data path, so its whole time is overhead; it is shown, not budgeted.`
      : '**Method.** In this process, with the stores replaced at their ports by in-memory ones, so only code ran: no SDK, no network (a run before the bench measured the bundles).',
  ].join('\n');
};

const capacitySection = (r: BenchResults) => {
  const capacity = r.capacity;
  if (!capacity) return '## 4. DynamoDB capacity per operation\n\nNot measured in this run.';
  const operations = [...new Set(capacity.measurements.map((m) => m.operation))];
  const cell = (operation: string, size: number) => {
    const m = capacity.measurements.find((x) => x.operation === operation && x.size === size);
    return m
      ? `${(m.readUnits + m.writeUnits).toFixed(1)} (${m.readUnits.toFixed(1)} R, ${m.writeUnits.toFixed(1)} W; ${m.items} items)`
      : '—';
  };
  const [small, large] = [Math.min(...capacity.sizes), Math.max(...capacity.sizes)];
  const total = (operation: string, size: number) => capacityUnits(capacity, operation, size) ?? Number.NaN;
  return [
    '## 4. DynamoDB capacity per operation',
    '',
    table(
      [
        'operation',
        ...capacity.sizes.map((s) => `${count(s)} tickets`),
        `${count(large)} / ${count(small)}`,
        'same at both sizes',
      ],
      operations.map((operation) => {
        const same = total(operation, small) === total(operation, large);
        return [
          operation,
          ...capacity.sizes.map((s) => cell(operation, s)),
          times(ratio(total(operation, large), total(operation, small)), 1),
          operation.startsWith('GET ') ? verdict(same) : same ? 'yes' : '**no** (baseline)',
        ];
      }),
    ),
    '',
    chart('capacity.svg', 'DynamoDB capacity per operation'),
    '',
    `**Method.** \`bench/capacity.ts\` sends API Gateway v2 events to the tickets bundle as it ships (its \`handler\` export, in a process of its own with the environment its manifest declares), whose DynamoDB endpoint is the bench's AWS stand-in forwarding every call to DynamoDB Local with \`ReturnConsumedCapacity: TOTAL\` added; an operation's figure is the units DynamoDB Local reported for every call the function made while serving that one request. For each size a fresh table is seeded (${Object.entries(
      capacity.seedMs,
    )
      .map(([s, t]) => `${count(Number(s))} in ${seconds(t)}`)
      .join(
        ', ',
      )}) with tickets from 200 reporters, one of whom (the caller of the lists) always has exactly 50 and one provider always 30 assigned, so a list that reads only the caller's index partitions reads the same items at every size; pages are ${capacity.page} items. The seeded tickets are copies of templates the bundle wrote itself, one per status, unassigned and assigned to the provider, read back through the bundle, with their ids, reporter and times replaced, so the bench never learns the store's format; to assign them, the provider's role reaches the tickets service as in AWS (the users bundle registers it and an admin changes its role, the publisher bundle publishes the outbox items of those writes, and the tickets bundle receives the events its manifest subscribes to). The baseline is the Scan-based list of seed 004: scan the table with a filter on the reporter (the attribute the template holds it in) until a page is full, through the same stand-in; its cost grows with the table. Units are DynamoDB Local's report. **Caveat:** DynamoDB Local reports 16 write units for the create (a TransactWriteItems of the ticket and its outbox item, with two index entries); by DynamoDB's pricing rules (2 write units per KB per item in a transaction) it is 8, so the measured write cost, and the cost model that uses it, may be twice what AWS bills.`,
  ].join('\n');
};

/** A number of units as the report writes them: whole, or with one decimal. */
const units = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value)
    ? 'n/a'
    : Number.isInteger(value)
      ? String(value)
      : value.toFixed(1);

/**
 * Section 8, from the bookings results alone (`npm run bench:bookings` prints it too).
 *
 * @example
 * console.log(bookingsSection(results.bookings));
 */
const bookingsSection = (bookings: BookingsResults | undefined) => {
  if (!bookings) return '## 8. Bookings: capacity and the 50-way race\n\nNot measured in this run.';
  const lines = ['## 8. Bookings: capacity and the 50-way race', ''];
  const capacity = bookings.capacity;
  if (capacity) {
    const operations = [...new Set(capacity.measurements.map((m) => m.operation))];
    const sizes = capacity.sizes;
    const large = Math.max(...sizes);
    const rows = operations.map((operation) => {
      const at = sizes.map((size) => bookingAt(capacity, operation, size));
      const totals = at.map((m) => (m ? bookingUnits(m) : undefined));
      const same = totals.every(
        (t) =>
          t !== undefined &&
          t.read === totals[0]?.read &&
          t.write === totals[0]?.write &&
          t.aws === totals[0]?.aws,
      );
      const last = at.at(-1);
      const byIndex = last
        ? Object.entries(last.indexes)
            .filter(([, u]) => u.read > 0 || u.write > 0)
            .map(
              ([name, u]) =>
                `${name} ${[u.read ? `R ${units(u.read)}` : '', u.write ? `W ${units(u.write)}` : ''].filter(Boolean).join(' ')}`,
            )
            .join(', ') || '—'
        : 'n/a';
      return [
        operation === HOUR_BOOKING ? `**${operation}**` : operation,
        ...at.flatMap((m, i) => {
          const t = totals[i];
          return m && t
            ? [
                `${units(m.table.read)} + ${units(t.indexRead)}`,
                `${units(m.table.write)} + ${units(t.indexWrite)}`,
              ]
            : ['n/a', 'n/a'];
        }),
        totals
          .map((t) => (t ? `${units(t.aws - t.awsIndexes)} + ${units(t.awsIndexes)}` : 'n/a'))
          .join(' / '),
        at.map((m) => (m ? `${m.calls} / ${count(m.itemsRead)} / ${m.items}` : 'n/a')).join(' · '),
        byIndex,
        isBookingWrite(operation) ? verdict(same) : same ? 'yes' : '**no**',
      ];
    });
    const hours = sizes.map((size) => bookingAt(capacity, HOUR_BOOKING, size));
    const hourUnits = hours.map((m) => (m ? bookingUnits(m) : undefined));
    const worst = Math.max(...hourUnits.map((t) => t?.aws ?? Number.NaN));
    const seeds = capacity.seeds;
    lines.push(
      table(
        [
          'operation',
          ...sizes.flatMap((size) => [
            `${count(size)}: RCU table + indexes`,
            `${count(size)}: WCU table + indexes`,
          ]),
          `WCU by AWS's rules, table + indexes (${sizes.map(count).join(' / ')})`,
          `calls / items read / answered (${sizes.map(count).join(' · ')})`,
          `index units at ${count(large)}`,
          'same at both sizes',
        ],
        rows,
      ),
      '',
      `**The goal, at most ${bookings.writeGoal} write units for a 1-hour booking:** ${verdict(hourUnits.length > 0 && worst <= bookings.writeGoal)} by AWS's pricing rules, ${hourUnits
        .map(
          (t, i) =>
            `${t ? units(t.aws) : 'n/a'} at ${count(sizes[i] ?? 0)} bookings (table ${t ? units(t.aws - t.awsIndexes) : 'n/a'}, indexes ${t ? units(t.awsIndexes) : 'n/a'})`,
        )
        .join(', ')}. DynamoDB Local reports ${hourUnits
        .map((t) =>
          t
            ? `${units(t.write)} (table ${units(t.write - t.indexWrite)}, indexes ${units(t.indexWrite)})`
            : 'n/a',
        )
        .join(
          ' and ',
        )}, ${hourUnits.every((t) => t && t.write <= bookings.writeGoal) ? 'also within it' : 'over it'}: its transactional figures are not AWS's (in this run a TransactWriteItems of one small Put reported ${units(capacity.localTransactions.oneItem)} units and one of two Puts ${units(capacity.localTransactions.twoItems)}, where AWS charges 2 and 4).`,
      ...(() => {
        const shown = operations
          .filter((operation) => operation === HOUR_BOOKING || operation.includes('holding 90 bookings'))
          .flatMap((operation) =>
            (bookingAt(capacity, operation, large)?.awsWrites.items ?? []).map((item) => ({
              operation,
              item,
            })),
          );
        return shown.length === 0
          ? []
          : [
              '',
              `What a 1-hour booking writes at ${count(large)} bookings, item by item, by AWS's rules (a calendar day stays under 1 KB however full):`,
              '',
              table(
                ['booking', 'action', 'item (key)', 'bytes', 'table units', 'index units'],
                shown.map(({ operation, item }) => [
                  operation === HOUR_BOOKING ? 'on the measured day' : 'on a day holding 90',
                  item.action,
                  `\`${item.key}\``,
                  count(item.bytes),
                  units(item.table),
                  units(item.indexes),
                ]),
              ),
            ];
      })(),
      '',
      chart('bookings.svg', 'Bookings: write units per write operation'),
      '',
      `**Method.** \`bench/metrics/bookings-capacity.ts\` sends API Gateway v2 events to the bookings bundle as it ships (its \`handler\` export, in a process of its own with the environment its manifest declares), whose DynamoDB endpoint is the bench's AWS stand-in forwarding every call to DynamoDB Local with \`ReturnConsumedCapacity: INDEXES\` added: an operation's figures are the units DynamoDB Local reported for every call the function made while serving that one request, for the table and for its indexes (by-user, by-provider, by-kind, by-type) apart. *WCU by AWS's rules* works the same writes out from the items on the wire (\`bench/lib/write-units.ts\`): 2 units per KB of each item a transaction puts, updates or checks, 1 per KB of each index entry written (two when its index key moves), the item's size as DynamoDB counts it, the larger of before and after (an updated item, whose after-image is not on the wire, and a checked one are read back from DynamoDB Local once the request is served). *Items read* counts a GetItem's item and every item a Query scanned, those its filter dropped included. Read units are DynamoDB Local's figures: a Query that finds no item reports 0 there (the free-room search's calendar reads of days nobody booked), so the search's calls are shown beside them. For each size a fresh table is seeded (${seeds
        .map((seed) => `${count(seed.size)} bookings, ${count(seed.items)} items, in ${seconds(seed.seedMs)}`)
        .join(
          '; ',
        )}) with bookings from 60 days back to 120 ahead in ${seeds[0]?.rooms ?? 120} rooms of four types, created through the bundle by 12 providers, for ${count(seeds[0]?.users ?? 401)} users, a tenth of them cancelled. The measured partitions hold the same ${count(seeds[0]?.fixedBookings ?? 0)} bookings at every size: the measured provider has two rooms, the measured meeting room (240 bookings over its days, 4 on the day the measured bookings go to, 90 quarter-hours filling a day to 22:30) and another (60); the measured user has 50 (10 in the measured room, 20 past); the other bookings are other users' in other providers' rooms, so the lists of the measured user and provider read the same items at every size, while an admin's lists read the partition of every booking (by-kind) and the free-room search (the meeting rooms, oldest first, until ${capacity.page} are free) meets more busy rooms as the table fills. **What the seeding writes:** each booking item and its change records are copies of templates the bundle wrote and read back through its API (a 1-hour, a 15-minute and a cancelled booking), with their ids, people and times replaced, so their format stays the store's; each calendar day (\`ROOM#<id>\` / \`DAY#<date>\`: a \`version\` and the numbers \`h<hour>\`, \`p<cell>\` and \`s<cell>\` of the whole hours and 15-minute cells its bookings hold) is put together from copies too: what each template booking wrote into a day of its own, moved to a seeded booking's time by the store's documented layout and merged with the day's other bookings (an hour's counts added up). Before seeding, a day put together so is held against the same day the bundle wrote from the same bookings (whole hours side by side, one of them cancelled, five quarter-hours in a row, four of them filling an hour, and the day's last quarter-hour); after seeding, the bundle lists a seeded booking of the measured user, reads the 4 seeded intervals of the measured day back, and the nearly full day as one busy stretch from 00:00 to 22:30. No Idempotency-Key records are seeded (they last 24 hours). The measured requests, in this order at each size: the creates (the 1-hour one at 10:00 on the measured day), a get, two reschedules and a cancel of that booking, then the lists (pages of ${capacity.page}), the search (10:00 to 12:00, three days ahead) and the measured room's availability.`,
    );
  }
  const race = bookings.race;
  if (race) {
    const rows = race.rounds.map((round) => [
      round.scenario,
      String(round.round),
      ms(round.wallMs),
      count(round.requestsPerSecond),
      statusList(round.statuses),
      `${ms(round.latencyMs.median)} / ${ms(round.latencyMs.max)}`,
      String(round.busyAfter),
      round.expected ? 'yes' : '**no**',
    ]);
    const summaries = (['overlapping', 'disjoint'] as const).map((scenario) => ({
      scenario,
      ...raceSummary(race, scenario),
    }));
    lines.push(
      '',
      '### The 50-way race',
      '',
      table(
        [
          'scenario',
          'round',
          'wall time',
          'req/s',
          'answers',
          'latency median / max',
          'busy intervals after',
          'as expected',
        ],
        rows,
      ),
      '',
      summaries
        .map(
          (s2) =>
            `**${s2.scenario}**: median ${ms(s2.wallMs)} for ${race.requests} requests, ${count(s2.requestsPerSecond)} req/s; ${statusList(s2.statuses)} over ${s2.rounds.length} rounds, ${s2.asExpected} of them as expected ${verdict(s2.asExpected === s2.rounds.length)}.`,
        )
        .join(' '),
      '',
      `**Method.** \`bench/metrics/bookings-race.ts\` starts the devstack alone in a child process (as the load benchmark does, with a bootstrap admin), registers ${race.users} users through the API, and has the admin offer one room. After an unmeasured warm-up, each round fires ${race.requests} \`POST /v1/bookings\` at once (the users in turn, \`fetch\` from the bench process) through the gateway, the users authorizer and the bookings function to DynamoDB Local, on a day of its own: *overlapping*, intervals of the room that all overlap (10:00 + i minutes, an hour long), of which exactly one may win; *disjoint*, 15-minute intervals a minute apart on one day (06:00 + 16·i minutes), all of which may win: they all write the same calendar day, but each only the cells and hours it needs, under conditions on those alone, so none fails another's. The wall time runs from the first request sent to the last answer; afterwards the room's availability that day, read through the API, must show as many busy intervals as there were 201s. Two cores serve the bench, the devstack and Java at once, so these are a laptop's figures, not AWS's (where the same item also answers \`TransactionConflict\`, which the store retries).`,
    );
  }
  return lines.join('\n');
};

const spreadMs = (value: Spread | undefined, pick: 'median' | 'p90' | 'p99' | 'max') =>
  value && value.n > 0 ? ms(value[pick], 1) : 'n/a';

const ordinal = (n: number) =>
  `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;

const variantName = (v: PaymentsLatencyVariant) =>
  v.kind === 'confirmed'
    ? 'confirmed (no token): POST to the first GET showing CONFIRMED'
    : 'baseline (tok_pending): POST to the first events poll showing its booking.created';

const MILESTONE_NOTES: Readonly<Record<string, string>> = {
  'POST answered': 'the 201 arrived',
  'booking.created occurredAt': "the create's clock reading, inside the POST",
  'booking.created on the bus': 'the outbox publisher put it on the bus (stream, publisher)',
  'payment.succeeded occurredAt': "the charge's clock reading (rule, queue, mapping, payments function)",
  'payment.succeeded on the bus': "the payment's write, its stream, the publisher",
  'booking.confirmed occurredAt': "the confirm's clock reading (rule, bookings function, its read)",
  'booking.confirmed on the bus': "the confirm's transaction, its stream, the publisher",
  'CONFIRMED seen (GET)': 'the first GET /v1/bookings/{id} showing CONFIRMED',
  'booking.created seen (events poll)': 'the first GET /_devstack/events showing it',
};

/**
 * Section 9: the time to CONFIRMED beside the bus path alone, and the cost per confirmed booking.
 *
 * @example
 * console.log(paymentsSection(results.payments));
 */
const paymentsSection = (payments: PaymentsResults | undefined) => {
  const title = '## 9. Payments: POST /v1/bookings to CONFIRMED, and the cost per confirmed booking';
  if (!payments) return `${title}\n\nNot measured in this run.`;
  const lines = [title, ''];
  const latency = payments.latency;
  const e = payments.environment;
  if (latency) {
    const find = (mode: string, kind: string) =>
      latency.variants.find((v) => v.mode === mode && v.kind === kind);
    lines.push(
      '### Time from POST /v1/bookings to CONFIRMED (devstack)',
      '',
      table(
        [
          'mode',
          'booking, timed',
          'bookings',
          'p50',
          'p90',
          'p99',
          'max',
          'POST answered p50',
          'polls p50',
          'failed',
        ],
        latency.variants.map((v) => [
          v.mode === 'sequential'
            ? `one at a time (poll ${v.pollIntervalMs} ms)`
            : `${v.concurrency} at once (poll ${v.pollIntervalMs} ms)`,
          variantName(v),
          count(v.bookings - v.failures),
          spreadMs(v.observedMs, 'median'),
          spreadMs(v.observedMs, 'p90'),
          spreadMs(v.observedMs, 'p99'),
          spreadMs(v.observedMs, 'max'),
          spreadMs(v.milestones.find((m) => m.name === 'POST answered')?.ms, 'median'),
          v.polls.n ? String(Math.round(v.polls.median)) : 'n/a',
          v.failures ? `${v.failures}: ${v.failureNotes.join('; ')}` : '0',
        ]),
      ),
      '',
    );
    for (const mode of ['sequential', 'concurrent'] as const) {
      const confirmed = find(mode, 'confirmed');
      const baseline = find(mode, 'baseline');
      if (!confirmed || !baseline) continue;
      lines.push(
        `${mode === 'sequential' ? 'One at a time' : `${confirmed.concurrency} at once`}: CONFIRMED ${spreadMs(confirmed.observedMs, 'median')} after the POST (p99 ${spreadMs(confirmed.observedMs, 'p99')}, max ${spreadMs(confirmed.observedMs, 'max')}); the bus path alone ${spreadMs(baseline.observedMs, 'median')} (p99 ${spreadMs(baseline.observedMs, 'p99')}; stamped as the bus recorded it, p50 ${spreadMs(baseline.milestones.find((m) => m.name === 'booking.created on the bus')?.ms, 'median')}): ${times(ratio(confirmed.observedMs.median, baseline.observedMs.median))} at the median.`,
        '',
      );
    }
    const sequential = find('sequential', 'confirmed');
    const concurrent = find('concurrent', 'confirmed');
    if (sequential) {
      // In the order they came (the GET may see CONFIRMED before booking.confirmed is published).
      const timeline = [...sequential.milestones].sort((a, b) => a.ms.median - b.ms.median);
      const rows = timeline.map((m, i) => {
        const previous = timeline[i - 1];
        const other = concurrent?.milestones.find((c) => c.name === m.name);
        return [
          m.name,
          MILESTONE_NOTES[m.name] ?? '',
          spreadMs(m.ms, 'median'),
          previous ? `+${ms(m.ms.median - previous.ms.median, 1)}` : '—',
          spreadMs(m.ms, 'p99'),
          spreadMs(m.ms, 'max'),
          ...(concurrent ? [spreadMs(other?.ms, 'median'), spreadMs(other?.ms, 'p99')] : []),
        ];
      });
      lines.push(
        'Where the time goes, booking by booking, from the POST sent (confirmed bookings):',
        '',
        table(
          [
            'stage',
            'what it covers',
            'one at a time p50',
            'step (difference of p50s)',
            'p99',
            'max',
            ...(concurrent
              ? [`${concurrent.concurrency} at once p50`, `${concurrent.concurrency} at once p99`]
              : []),
          ],
          rows,
        ),
        '',
      );
    }
    lines.push(
      `**Method.** \`bench/metrics/payments-latency.ts\` starts the devstack alone in a child process (\`bench/processes/saga-devstack.ts\`: \`startDevstack\` over the bundles measured, its own DynamoDB Local, a fresh data folder, a bootstrap admin), registers a provider (a user the admin makes one), 6 rooms and 10 users through the API, and after ${latency.warmup} unmeasured bookings of each kind times ${find('sequential', 'confirmed')?.bookings ?? 0} bookings of each kind one at a time, the kinds in a random order in each pair, ${latency.pauseMs} ms apart so one's tail does not overlap the next${concurrent ? `; then ${concurrent.bookings} of each kind in batches of ${concurrent.concurrency} sent at once, a batch of one kind then one of the other in a random order` : ''}. Each booking is 1 hour of an interval no other has. **Confirmed**: no payment token, so the emulated provider charges at once; its path is the bookings function's transaction (the booking PENDING_PAYMENT and \`booking.created\` in its outbox), the bookings table's stream (the devstack polls each stream every 50 ms), the outbox publisher, the bus, the rule to the \`payments-charges\` queue, the queue's event source mapping, the payments function (the charge, \`payment.succeeded\` in its outbox), the payments table's stream, the publisher, the bus, the rule to the bookings function, which confirms it. Timed from the POST sent to the first \`GET /v1/bookings/{id}\` answer showing \`CONFIRMED\`. **Baseline**: \`tok_pending\` (the charge stays pending: no outcome, no second hop), timed from the POST sent to the first \`GET /_devstack/events?correlationId=\` (the POST's \`X-Request-Id\`) answer showing its \`booking.created\`: one outbox hop, the bus path alone, which the confirmation makes twice with a queue and two functions between; it is the part of the wait the saga cannot lose without dropping the outbox. A booking is polled every ${find('sequential', 'confirmed')?.pollIntervalMs ?? 5} ms one at a time${concurrent ? ` and every ${concurrent.pollIntervalMs} ms ${concurrent.concurrency} at once` : ''} (a poll starts at most that often and never while one is in flight), which bounds the resolution: a figure is late by up to an interval and a poll's round trip, and the polls are load on the devstack too (a GET crosses the gateway, the authorizer and the bookings function; an events poll only the gateway). The stages come from the bus: each event's \`occurredAt\` (the clock reading of the use case that wrote it, in ms) and its arrival on the bus, stamped in the devstack's process as the bus records it; both processes read the same system clock. p99 interpolates between the two nearest ranks (of ${find('sequential', 'confirmed')?.observedMs.n ?? 0} bookings, between the ${ordinal(Math.floor(((find('sequential', 'confirmed')?.observedMs.n ?? 1) - 1) * 0.99) + 1)} and the next). ${e.cores} cores serve the bench, the devstack, Java and anything else running (load average ${e.loadAverage ? `${e.loadAverage.start.toFixed(2)} at the start, ${e.loadAverage.end?.toFixed(2) ?? 'n/a'} at the end of this part; above ~1, other work shared the machine` : 'n/a'}), so these are a laptop's figures, not AWS's: in AWS the stream pollers run four times a second, the queue's long poll answers at once, and each function's calls take the round trips of the cost model. No figure is a budget.`,
      '',
    );
  }
  const requests = payments.requests;
  const cost = payments.cost;
  if (requests && cost) {
    lines.push(
      '### Cost per million confirmed bookings (AWS, us-east-1)',
      '',
      table(
        ['step', 'item', 'per booking', 'price', '$ per million confirmed bookings', 'how'],
        [
          ...cost.lines.map((l) => [
            l.group === 'post' ? 'POST' : 'saga',
            l.component,
            Number(l.count.toFixed(2)).toLocaleString('en'),
            l.price,
            dollars(l.dollarsPerMillion),
            l.formula,
          ]),
          ['', '**the saga alone (after the POST)**', '', '', `**${dollars(cost.sagaPerMillion)}**`, ''],
          ['', '**total per confirmed booking**', '', '', `**${dollars(cost.totalPerMillion)}**`, ''],
        ],
      ),
      '',
      `Not per booking: ${cost.fixedMonthly.map((f) => `${f.component}, ${dollars(f.dollars)} a month (${f.formula})`).join('; ') || 'nothing'}. Not in the figures: the authorizer (cached per token, section 7), the client's GETs while it waits, retries (a flaky charge is delivered up to three times), CloudWatch Logs, X-Ray, alarms, data transfer, storage and the free tiers.`,
      '',
      'What one confirmed booking made DynamoDB do, as counted:',
      '',
      table(
        [
          'step',
          'table',
          'calls',
          'RRU (Local)',
          'WRU by AWS rules, table + indexes',
          'WRU as Local reported',
          'records carrying events',
        ],
        requests.steps.flatMap((step) =>
          step.tables.map((t) => [
            step.step === 'post' ? 'POST /v1/bookings' : 'saga (to confirmed)',
            t.service,
            t.calls.join(', '),
            String(t.readUnits),
            `${t.writeUnits} + ${t.indexWriteUnits}`,
            String(t.localWriteUnits),
            `${t.eventRecords} (${t.eventsCarried} event${t.eventsCarried === 1 ? '' : 's'})`,
          ]),
        ),
      ),
      '',
      `**Method.** \`bench/metrics/payments-requests.ts\` runs a second devstack whose DynamoDB endpoint is the bench's AWS stand-in forwarding to its own DynamoDB Local with \`ReturnConsumedCapacity: INDEXES\`, so every call of every function is kept with its request and answer. After the setup settled, a quiet ${seconds(requests.idleMs)} saw ${requests.idleDataCalls} data call(s) (the stream pollers' reads are not data calls). After 2 unmeasured bookings, ${requests.bookings} bookings with no payment token went one at a time: the calls from the POST sent to its answer are the request's (\`POST\`), those from its answer until its \`booking.confirmed\` was on the bus and 0.5 s more are the saga's, a table's calls being its service's function's; ${requests.identical ? `all ${requests.bookings} made the same calls with the same units` : "they did NOT all make the same calls with the same units; the figures are the first booking's"}. Write units are worked out by AWS's rules from the items on the wire (\`bench/lib/write-units.ts\`: 2 per KB of each item a transaction writes, 1 per KB of a single write and of each index entry); read units are DynamoDB Local's. The events are those the bus carried with the booking's correlation id; the rules each matched and how each reaches its function (a queue, or directly), from the manifests' subscriptions; each record written that carries events is a stream record and, at the quiet-traffic batch of 1, a publisher invocation with one PutEvents. A function's billed time is the sum of the assumed round trips of the calls it made and its own work, rounded up to the millisecond; memory from the manifests (${[
        ...new Set(requests.steps.flatMap((step) => step.tables.map((t) => t.service))),
      ]
        .flatMap((service) => {
          const f = requests.functions[service];
          return f ? [`${f.functionName} ${f.memoryMb} MB`] : [];
        })
        .join(', ')}, ${requests.publisher.functionName} ${requests.publisher.memoryMb} MB).`,
      '',
      '**Assumed** (no AWS account is used):',
      '',
      table(
        ['assumption', 'value', 'why'],
        Object.entries(cost.assumptions).map(([name, a]) => [name, String(a.value), a.note]),
      ),
      '',
      `Prices: ${cost.pricesAsOf}.`,
      '',
    );
  }
  lines.push(
    `This part ran on ${payments.startedAt}, on ${e.cpu} (${e.cores} cores), Node ${e.node}, at commit ${e.commit.slice(0, 12)}${e.uncommitted.length ? ` (with uncommitted changes to ${e.uncommitted.length} file(s) outside bench/ and docs/, by others sharing the tree)` : ''}.`,
  );
  return lines.join('\n');
};

/**
 * Section 10, the notifications: alone it is what `npm run bench:notifications` prints.
 *
 * @example
 * console.log(notificationsSection(results.notifications));
 */
const notificationsSection = (notifications: NotificationsResults | undefined) => {
  const title = '## 10. Notifications: POST /v1/bookings to the message on the WebSocket, fan-out, memory';
  if (!notifications) return `${title}\n\nNot measured in this run.`;
  const lines = [title, ''];
  const e = notifications.environment;
  const latency = notifications.latency;
  if (latency) {
    lines.push(
      "### Time from POST /v1/bookings to the owner's socket (devstack)",
      '',
      table(
        [
          'mode',
          'message',
          'bookings',
          'on the socket p50',
          'p90',
          'p99',
          'max',
          'baseline: on the bus p50',
          'bus p99',
          'socket minus bus p50',
          'p99',
          'failed',
        ],
        latency.variants.flatMap((v) => {
          const mode = v.mode === 'sequential' ? 'one at a time' : `${v.concurrency} at once`;
          const failed = v.failures ? `${v.failures}: ${v.failureNotes.join('; ')}` : '0';
          const ok = count(v.bookings - v.failures);
          return [
            [
              mode,
              '`booking.created`',
              ok,
              spreadMs(v.createdOnSocketMs, 'median'),
              spreadMs(v.createdOnSocketMs, 'p90'),
              spreadMs(v.createdOnSocketMs, 'p99'),
              spreadMs(v.createdOnSocketMs, 'max'),
              spreadMs(v.createdOnBusMs, 'median'),
              spreadMs(v.createdOnBusMs, 'p99'),
              spreadMs(v.createdPushMs, 'median'),
              spreadMs(v.createdPushMs, 'p99'),
              failed,
            ],
            [
              mode,
              '`booking.confirmed` (no token)',
              ok,
              spreadMs(v.confirmedOnSocketMs, 'median'),
              spreadMs(v.confirmedOnSocketMs, 'p90'),
              spreadMs(v.confirmedOnSocketMs, 'p99'),
              spreadMs(v.confirmedOnSocketMs, 'max'),
              spreadMs(v.confirmedOnBusMs, 'median'),
              spreadMs(v.confirmedOnBusMs, 'p99'),
              spreadMs(v.confirmedPushMs, 'median'),
              spreadMs(v.confirmedPushMs, 'p99'),
              failed,
            ],
          ];
        }),
      ),
      '',
    );
    const sequential = latency.variants.find((v) => v.mode === 'sequential');
    if (sequential) {
      lines.push(
        `One at a time, \`booking.created\` is on the owner's socket ${spreadMs(sequential.createdOnSocketMs, 'median')} after the POST is sent (p99 ${spreadMs(sequential.createdOnSocketMs, 'p99')}), ${times(ratio(sequential.createdOnSocketMs.median, sequential.createdOnBusMs.median))} the same booking's arrival on the bus (${spreadMs(sequential.createdOnBusMs, 'median')}); \`booking.confirmed\` ${spreadMs(sequential.confirmedOnSocketMs, 'median')} (p99 ${spreadMs(sequential.confirmedOnSocketMs, 'p99')}), ${times(ratio(sequential.confirmedOnSocketMs.median, sequential.confirmedOnBusMs.median))} its arrival on the bus (${spreadMs(sequential.confirmedOnBusMs, 'median')}). The socket adds ${spreadMs(sequential.createdPushMs, 'median')} (p99 ${spreadMs(sequential.createdPushMs, 'p99')}) to the bus: the notifications function and the push. The POST itself answered in ${spreadMs(sequential.postAnsweredMs, 'median')}; a \`GET /health\` round trip (the HTTP gateway and one function) took ${spreadMs(latency.healthRoundTripMs, 'median')} (p99 ${spreadMs(latency.healthRoundTripMs, 'p99')}).`,
        '',
      );
    }
    lines.push(
      `**Method.** \`bench/metrics/notifications-latency.ts\` starts the devstack alone in a child process (\`bench/processes/saga-devstack.ts\`, as the payments part does: \`startDevstack\` over the bundles measured, its own DynamoDB Local, a fresh data folder, a bootstrap admin, the WebSocket gateway on a free port), registers a provider, 6 rooms and ${latency.users} users through the API, and opens one socket per user (\`ws\`, \`?token=<accessToken>\`). After ${latency.warmup} unmeasured bookings it times ${sequential?.bookings ?? 0} bookings one at a time, the users in turn, ${latency.pauseMs} ms apart${latency.variants.some((v) => v.mode === 'concurrent') ? `, then as many in batches sent at once, one booking per user` : ''}; each is 1 hour of an interval no other has, with no payment token, so the emulated provider charges it and the saga confirms it. Each booking is timed from the POST sent to the arrival of its \`booking.created\` and \`booking.confirmed\` on its owner's socket (matched by the POST's \`X-Request-Id\`, which the messages carry as \`correlationId\`; the arrival is stamped first thing in the client's \`message\` handler, so nothing is polled and the resolution is the event loop's). The path: the bookings function's transaction, the table's stream (polled every 50 ms), the outbox publisher, the bus, the \`inbox\` rule straight to the notifications function (no queue), its inbox write and connections query, one \`PostToConnection\` per connection to the gateway's \`@connections\` endpoint, the frame. **Baseline, the same booking**: its \`booking.created\` and \`booking.confirmed\` on the bus, stamped in the devstack's process as the bus records them (both processes read the same clock); the bus is where the notifications hop starts, so *socket minus bus* is what the WebSocket adds, booking by booking, and the bus times are what \`POST -> CONFIRMED\` of section 9 is made of. No figure is a budget (as in section 9). ${e.cores} cores serve the bench, the devstack, Java and anything else running (load average ${e.loadAverage ? `${e.loadAverage.start.toFixed(2)} at the start, ${e.loadAverage.end?.toFixed(2) ?? 'n/a'} at the end of this part; above ~1, other work shared the machine` : 'n/a'}).`,
      '',
    );
  }
  if (notifications.fanOut.length > 0) {
    lines.push(
      '### Fan-out of one booking to many open sockets',
      '',
      table(
        [
          'scenario',
          'sockets',
          'message',
          'rounds',
          'last socket p50',
          'last socket max',
          'per socket p50',
          'per socket p99',
          'baseline: on the bus p50',
          'last socket minus bus p50',
          'messages missing',
          'opening the sockets',
        ],
        notifications.fanOut.map((f) => [
          f.scenario === 'owner'
            ? 'one user, many connections (the owner)'
            : `${count(f.users)} users following one room`,
          count(f.sockets),
          `\`${f.message}\``,
          String(f.rounds.length),
          spreadMs(f.lastMs, 'median'),
          spreadMs(f.lastMs, 'max'),
          spreadMs(f.perSocketMs, 'median'),
          spreadMs(f.perSocketMs, 'p99'),
          spreadMs(f.busMs, 'median'),
          spreadMs(f.fanOutMs, 'median'),
          String(f.rounds.reduce((sum, r) => sum + (f.sockets - r.received), 0)),
          `${seconds(f.openMs)} (${f.openConcurrency} at a time${f.scenario === 'followers' ? ', subscribe included' : ''})`,
        ]),
      ),
      '',
      'Round by round (from the POST sent):',
      '',
      table(
        [
          'scenario',
          'round',
          'POST answered',
          'on the bus',
          'first socket',
          'per socket p50',
          'per socket p99',
          'last socket',
          'received',
        ],
        notifications.fanOut.flatMap((f) =>
          f.rounds.map((r) => [
            f.scenario,
            String(r.round),
            ms(r.postAnsweredMs, 1),
            ms(r.busMs, 1),
            ms(r.firstMs, 1),
            spreadMs(r.perSocketMs, 'median'),
            spreadMs(r.perSocketMs, 'p99'),
            ms(r.lastMs, 1),
            `${r.received} of ${f.sockets}`,
          ]),
        ),
      ),
      '',
      `**Method.** \`bench/metrics/notifications-fanout.ts\`, on the same devstack after the latency part. **Owner**: one user opens ${notifications.fanOut[0]?.sockets ?? 0} connections (as many tabs or devices) and books; the notifications function queries that user's connections and posts \`booking.created\` to each (a few at a time, as the service bounds it). **Followers**: ${notifications.fanOut.find((f) => f.scenario === 'followers')?.users ?? 0} users registered for it each open a connection and \`subscribe\` to one room; another user books the room, and every follower gets \`room.availability_changed\` (the room's stream, not the inbox). Every booking carries \`tok_pending\`, so no payment event follows and the rounds do not overlap; one unmeasured round, then the measured ones. A round is timed from the POST sent to each socket's arrival of the message, all the sockets in the bench's one process (so the client's own handling of ${notifications.fanOut[0]?.sockets ?? 0} frames is in the figures); *per socket* pools every socket of every round; *last socket* is when the slowest got it. **Baseline, the same booking**: its event on the bus, stamped by the devstack's process; *last socket minus bus* is the whole fan-out after the bus.`,
      '',
    );
  }
  if (notifications.memory.length > 0) {
    const order = (name: string) => (name.startsWith('devstack') ? 0 : name.startsWith('java') ? 1 : 2);
    const names = [...new Set(notifications.memory.flatMap((m) => m.processes.map((p) => p.process)))].sort(
      (a, b) => order(a) - order(b),
    );
    const rssOf = (m: MemoryReading, name: string) => m.processes.find((p) => p.process === name);
    const change = (m: MemoryReading, name: string) => {
      const base = notifications.memory.find((b) => b.state === m.baseline);
      const now = rssOf(m, name)?.rssBytes;
      const was = base ? rssOf(base, name)?.rssBytes : undefined;
      if (now === undefined || was === undefined) return '—';
      return `${now >= was ? '+' : '−'}${mib(Math.abs(now - was))}`;
    };
    const heapChange = (m: MemoryReading) => {
      const base = notifications.memory.find((b) => b.state === m.baseline);
      if (!m.mainThread || !base?.mainThread) return '—';
      const delta = m.mainThread.heapUsedBytes - base.mainThread.heapUsedBytes;
      return `${delta >= 0 ? '+' : '−'}${(Math.abs(delta) / 1024 / 1024).toFixed(1)} MiB`;
    };
    lines.push(
      '### Memory with and without open sockets',
      '',
      table(
        [
          'state',
          'connections open',
          ...names.map((n) => `${n === 'esbuild' ? 'esbuild (the tsx loader, not counted)' : n} RSS`),
          'devstack vs before the sockets opened',
          'java vs before',
          "devstack's main thread: heap used after a GC",
          'vs before',
          'devstack threads',
        ],
        notifications.memory.map((m) => {
          const devstack = rssOf(m, 'devstack (node)');
          return [
            m.state,
            count(m.connections),
            ...names.map((n) => mib(rssOf(m, n)?.rssBytes)),
            change(m, 'devstack (node)'),
            change(m, 'java (DynamoDB Local)'),
            m.mainThread
              ? `${(m.mainThread.heapUsedBytes / 1024 / 1024).toFixed(1)} MiB${m.mainThread.collected ? '' : ' (no GC)'}`
              : 'n/a',
            heapChange(m),
            devstack?.threads === null || devstack?.threads === undefined ? 'n/a' : String(devstack.threads),
          ];
        }),
      ),
      '',
      `**Method.** The resident set (\`VmRSS\`) of each process of the devstack child's tree, read from /proc ${notifications.memory[0]?.readings ?? 5} times 200 ms apart (the median kept), beside the connections the gateway lists (\`GET /_devstack/websocket/connections\`). The devstack's node process holds the gateways, the bus, the queues and every function: the functions run in worker threads of that process, so its RSS covers them; DynamoDB Local's java is its child process, read from its own /proc/<pid>/status; esbuild is the tsx loader's transpiler, not the devstack. RSS is what the kernel holds for a process, garbage not yet collected included (in every worker's heap as in the main thread's), so a difference of tens of MiB between two readings can be the collector's timing rather than the sockets; the kernel's high-water marks are in the results file. Where the connections themselves live (the WebSocket gateway, on the devstack's main thread) is read more closely: each reading starts with a full collection of the main thread's heap (the child runs with \`--expose-gc\`; \`GET /memory\` of its control server) and takes \`process.memoryUsage().heapUsed\`; the connections' records in DynamoDB Local are in java's RSS. The sockets are idle when read, except in the *after the fan-outs* rows; each row with sockets compares with the reading taken just before they opened (registering the followers grows the users worker's heap, so the followers have their own reading before).`,
      '',
    );
  }
  lines.push(
    `This part ran on ${notifications.startedAt}, on ${e.cpu} (${e.cores} cores), Node ${e.node}, at commit ${e.commit.slice(0, 12)}${e.uncommitted.length ? ` (with uncommitted changes to ${e.uncommitted.length} file(s) outside bench/ and docs/, by others sharing the tree)` : ''}.`,
  );
  return lines.join('\n');
};

const outcomeList = (outcomes: Readonly<Record<string, number>>) =>
  Object.entries(outcomes)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ') || 'none';

/**
 * Section 11, the schedules: alone it is what `npm run bench:schedules` prints.
 *
 * @example
 * console.log(schedulesSection(results.schedules));
 */
const schedulesSection = (schedules: SchedulesResults | undefined) => {
  const title =
    '## 11. Schedules: fired vs scheduled on the devstack, real reminders, and the cost per reminder';
  if (!schedules) return `${title}\n\nNot measured in this run.`;
  const lines = [title, ''];
  const e = schedules.environment;
  const x = schedules.exactness;
  const load = e.loadAverage
    ? `load average ${e.loadAverage.start.toFixed(2)} at the start, ${e.loadAverage.end?.toFixed(2) ?? 'n/a'} at the end of this part, on ${e.cores} cores; above ~1, other work shared the machine`
    : 'load average n/a';
  if (x) {
    const row = (what: string, how: string, s: Spread | undefined) => [
      what,
      how,
      count(s?.n ?? 0),
      spreadMs(s, 'median'),
      spreadMs(s, 'p90'),
      spreadMs(s, 'p99'),
      spreadMs(s, 'max'),
      s?.n ? ms(s.min, 1) : 'n/a',
    ];
    lines.push(
      `### Fired vs scheduled, ${count(x.schedules)} one-time schedules (devstack, ticking clock)`,
      '',
      table(
        ['measured', 'from, to', 'n', 'p50', 'p90', 'p99', 'max', 'min'],
        [
          row(
            '**fired − scheduled**',
            "the schedule's at() time to the scheduler handing the event to the bookings function",
            x.firedMs,
          ),
          row(
            'fired − scheduled, the first of each due second',
            `the earliest of the ${count(x.schedules / x.distinctSeconds)} schedules sharing an at() second`,
            x.firstOfSecondMs,
          ),
          row(
            'handler done − scheduled',
            "at() to the handler's `schedule ran` line on the devstack's thread (after its GetItem)",
            x.ranMs,
          ),
          row('the invocation', 'hand-off to the invocation settled', x.invocationMs),
          row(
            'baseline: setTimeout',
            "a plain setTimeout of the devstack's process for the same due times: due to its callback",
            x.timerMs,
          ),
          row(
            'baseline: setTimeout, the bench process',
            'the same due times on the bench process, whose event loop the scheduler does not share',
            x.benchTimerMs,
          ),
          row(
            'baseline: direct invoke',
            'the same function invoked directly, one at a time: start to settled',
            x.directInvokeMs,
          ),
          row('baseline: direct invoke, to its log', 'start to its `schedule ran` line', x.directRanMs),
        ],
      ),
      '',
      `**${count(x.fired)} of ${count(x.schedules)} fired**${x.firedTwice ? `, **${x.firedTwice} more than once**` : ', none twice'}; ${count(x.ran)} logged \`schedule ran\`${x.ranTwice ? ` (${x.ranTwice} twice)` : ' (none twice)'}, outcomes ${outcomeList(x.outcomes)}; ${x.pendingAfter} left pending afterwards (\`ActionAfterCompletion: DELETE\`). Fired − scheduled: p50 ${spreadMs(x.firedMs, 'median')}, p99 ${spreadMs(x.firedMs, 'p99')}, max ${spreadMs(x.firedMs, 'max')}, against ${spreadMs(x.timerMs, 'median')} (p99 ${spreadMs(x.timerMs, 'p99')}, max ${spreadMs(x.timerMs, 'max')}) for a plain \`setTimeout\` on the same event loop: ${times(ratio(x.firedMs.median, x.timerMs.median))} at the median, so the scheduler adds ${ms(x.firedMs.median - x.timerMs.median, 1)} to Node's own timer lateness there (the same due times on the bench's own event loop: p50 ${spreadMs(x.benchTimerMs, 'median')}, p99 ${spreadMs(x.benchTimerMs, 'p99')}; the devstack's timers that happen to run after a schedule's firing in the same turn wait for it, hence their tail). Most of it is queueing: before each hand-off the scheduler writes the invocation record (flushed to disk), removes the schedule's file and writes the record again as its first attempt, synchronously on the main thread, so the ${count(x.schedules / x.distinctSeconds)} schedules of one second are handed off one after the other; the first of each second is fired ${spreadMs(x.firstOfSecondMs, 'median')} after its time (max ${spreadMs(x.firstOfSecondMs, 'max')}). The handler is done ${spreadMs(x.ranMs, 'median')} after the due time (p99 ${spreadMs(x.ranMs, 'p99')}); invoked directly it takes ${spreadMs(x.directInvokeMs, 'median')} (p99 ${spreadMs(x.directInvokeMs, 'p99')}), against ${spreadMs(x.invocationMs, 'median')} from a fired schedule's hand-off. AWS promises less: a one-time schedule with the flexible window off fires within about a minute of its time (FACTS.md), so the devstack is far more exact than what the code may count on.`,
      '',
      `**Method.** \`bench/metrics/schedules-exactness.ts\` on a devstack of its own (\`bench/processes/saga-devstack.ts\`, a fresh data folder, so its clock is the wall clock: offset 0, never advanced). ${x.directInvokes} direct invocations of the bookings function first, one at a time (after one unmeasured, which also loads its schedule handler and logger). Then ${count(x.schedules)} \`CreateSchedule\` calls with the real \`@aws-sdk/client-scheduler\` to the devstack's scheduler endpoint, ${x.createConcurrency} at a time (p50 ${spreadMs(x.createMs, 'median')}, p99 ${spreadMs(x.createMs, 'p99')} each), as the bookings function makes a reminder: group \`tessera-devstack-bookings\`, target \`arn:aws:lambda:us-east-1:000000000000:function:bookings\`, its execution role, the \`bookings-schedules-dlq\` dead-letter queue, \`FlexibleTimeWindow: OFF\`, \`ActionAfterCompletion: DELETE\`, the input a \`booking-reminder\` of a random booking id (no such booking: the function answers \`not-wanted\` after one GetItem) with the correlation id \`bench-<i>\`. Their \`at()\` times are whole seconds, ${x.distinctSeconds} distinct ones (${count(x.schedules / x.distinctSeconds)} schedules each), the first ${seconds(x.firstDueAfterCreatesMs)} after the last create answered. *Fired* is the moment the devstack's scheduler handed the event to the function: the child wraps the scheduler's \`invoke\` (an option of \`LocalScheduler\`, reached at run time; ${x.handOffsObserved ? 'observed in this run' : '**not observable in this run: the figures come from the log lines alone**'}), which it calls right after writing the invocation record to disk, so it covers the timer, the bookkeeping and that write, not the worker's start (the direct invoke baseline covers that). *Handler done* is the bookings function's \`schedule ran\` line (its handler's last step, carrying the correlation id) as it reached the devstack's main thread from the worker. Stamps are \`performance.timeOrigin + performance.now()\` in the devstack's process, the \`at()\` times wall-clock milliseconds; the devstack clock's reading beside each hand-off was ${ms(x.clockSkewMs, 2)} from the stamp (median), so the two agree; a timer's delay is worked out from \`Date.now()\` in whole milliseconds, so figures under a millisecond (the baseline timer's, which can read a little below 0) are within that resolution. Baselines in the same run: a plain \`setTimeout\` armed in the devstack's process for each due time as the schedules were made (the scheduler's timers are the devstack clock's on top of Node's, on that same event loop; its due-time groups of ${count(x.schedules / x.distinctSeconds)} fire together with the schedules', so both see the same contention), the same in the bench's process (a loop of its own, so Node's timer lateness on this machine alone), and the direct invocations (the invocation's own time, without the scheduler). ${e.cores} cores serve the bench, the devstack, Java and anything else running (${load}).`,
      '',
    );
  }
  const p = schedules.reminders;
  if (p) {
    lines.push(
      `### Real reminders end to end (${count(p.reminders)} confirmed bookings, devstack)`,
      '',
      table(
        ['from the due time to', 'n', 'p50', 'p90', 'p99', 'max'],
        [
          ['the scheduler handing it to the bookings function', p.firedMs],
          ['`booking.reminder` on the bus', p.busMs],
          ["`booking.reminder` on the owner's socket", p.socketMs],
        ].map(([what, s]) => [
          what as string,
          count((s as Spread).n),
          spreadMs(s as Spread, 'median'),
          spreadMs(s as Spread, 'p90'),
          spreadMs(s as Spread, 'p99'),
          spreadMs(s as Spread, 'max'),
        ]),
      ),
      '',
      `${p.failures ? `**${p.failures} failed**: ${p.failureNotes.join('; ')}. ` : ''}**Method.** \`bench/metrics/schedules-reminders.ts\`, on the same devstack after the exactness part, its bookings function with the lead of ${p.leadSeconds} s (the shipped default, given as \`TESSERA_REMINDER_LEAD_SECONDS\` through \`settingOverrides\`): one user books ${count(p.reminders)} rooms at once, each for the first whole minute at least the lead and 10 s ahead, with no payment token, so the saga confirms each and the bookings function's reconcile on \`booking.confirmed\` puts its reminder for the start less the lead: ${p.distinctDueTimes === 1 ? 'all due at the same second, so they fire together' : `${p.distinctDueTimes} distinct due times`}. The due time is the schedule's own (\`GET /_devstack/schedules\`); the path after the hand-off is the bookings function (GetItem, the conditional transaction recording the reminder with \`booking.reminder\` in its outbox), the table's stream (polled every 50 ms), the publisher, the bus, the \`inbox\` rule, the notifications function and the push to the owner's one open socket (stamped on arrival in the bench). The events carried \`leadSeconds\` ${[...new Set(p.eventLeadSeconds)].join(', ') || 'n/a'} (the whole seconds left when the handler read the clock, a few milliseconds after the due time).`,
      '',
    );
  }
  const requests = schedules.requests;
  const cost = schedules.cost;
  if (requests && cost) {
    const group = (g: string) =>
      g === 'reconcile'
        ? 'reconcile (booking.confirmed)'
        : g === 'firing'
          ? 'the schedule fires'
          : 'notifications (booking.reminder)';
    lines.push(
      '### Cost per million reminders (AWS, us-east-1)',
      '',
      table(
        ['step', 'item', 'per reminder', 'price', '$ per million reminders', 'how'],
        [
          ...cost.lines.map((l) => [
            group(l.group),
            l.component,
            Number(l.count.toFixed(2)).toLocaleString('en'),
            l.price,
            dollars(l.dollarsPerMillion),
            l.formula,
          ]),
          ['', '**total per reminder**', '', '', `**${dollars(cost.totalPerMillion)}**`, ''],
        ],
      ),
      '',
      'What one reminder made DynamoDB do, as counted:',
      '',
      table(
        [
          'step',
          'table',
          'calls',
          'RRU (Local)',
          'WRU by AWS rules, table + indexes',
          'WRU as Local reported',
          'records carrying events',
        ],
        requests.steps.flatMap((step) =>
          step.tables.map((t) => [
            group(step.step),
            t.service,
            t.calls.join(', '),
            String(t.readUnits),
            `${t.writeUnits} + ${t.indexWriteUnits}`,
            String(t.localWriteUnits),
            `${t.eventRecords} (${t.eventsCarried} event${t.eventsCarried === 1 ? '' : 's'})`,
          ]),
        ),
      ),
      '',
      `The booking's Scheduler API calls, in order: ${requests.schedulerCalls.map((c) => `${c.operation} ${c.name}`).join(', ') || 'none'} (the reconciles on \`booking.created\` and on \`booking.confirmed\`; the reminder's share is the second's: ${requests.reconcileSchedulerCalls.map((c) => `${c.operation} ${c.name}`).join(', ') || 'none'}). Not per reminder: the WebSocket's connection minutes ($0.25 per million, paid while a user is connected, reminded or not). Not in the figures: a second firing (Scheduler is at least once; the conditional write makes it one GetItem and a refused transaction), retries, CloudWatch Logs, X-Ray, alarms, data transfer and the free tiers (Scheduler's first 14 million invocations a month are free).`,
      '',
      `**Method.** \`bench/metrics/schedules-reminders.ts\` on a second devstack whose DynamoDB endpoint is the bench's AWS stand-in forwarding to its own DynamoDB Local (as section 9), so every DynamoDB call is kept with its request and answer; a quiet ${seconds(requests.idleMs)} saw ${requests.idleDataCalls} data call(s). One confirmed booking with its reminder due about a minute later; the devstack child marks the calls as things happen: \`booking.confirmed\` reaching the bus (the reconcile's calls from then to the firing: those of the bookings table naming the booking or that event, i.e. the claim of the event, the read of the booking and the claim marked done, ADR 0022's processed-once record), the scheduler's hand-off and the invocation's end (the schedule's calls), \`booking.reminder\` reaching the bus and, once the owner's socket has the message and 0.5 s more, the end (the notifications function's calls). The Scheduler API calls are counted at the devstack's scheduler, the socket messages on the owner's one socket (the provider has none open). Write units by AWS's rules from the items on the wire (\`bench/lib/write-units.ts\`: 2 per KB of each item a transaction writes), read units DynamoDB Local's. ${cost.counted}.`,
      '',
      '**Assumed** (no AWS account is used):',
      '',
      table(
        ['assumption', 'value', 'why'],
        Object.entries(cost.assumptions).map(([name, a]) => [name, String(a.value), a.note]),
      ),
      '',
      `Prices: ${cost.pricesAsOf}.`,
      '',
    );
  }
  lines.push(
    `This part ran on ${schedules.startedAt}, on ${e.cpu} (${e.cores} cores), Node ${e.node}, at commit ${e.commit.slice(0, 12)}${e.uncommitted.length ? ` (with uncommitted changes to ${e.uncommitted.length} file(s) outside bench/ and docs/, by others sharing the tree)` : ''}.`,
  );
  return lines.join('\n');
};

const ENTRY_LABELS: Readonly<Record<ObservabilityVariant['name'], string>> = {
  baseline: '(a) baseline: a bare handler',
  tessera: '(b) Tessera: our EMF writer and tracer',
  powertools: '(c) Powertools Metrics and Tracer',
};

/**
 * Section 12, what metrics and tracing cost: alone it is what `npm run bench:observability` prints.
 *
 * @example
 * console.log(observabilitySection(results.observability));
 */
const observabilitySection = (observability: ObservabilityResults | undefined) => {
  const title = '## 12. Observability: what metrics and tracing cost a function';
  if (!observability) return `${title}\n\nNot measured in this run.`;
  const o = observability;
  const lines = [title, ''];
  const { baseline, tessera, powertools } = observabilityEntries(o);
  const runsOf = (v: ObservabilityVariant) =>
    `${v.wallMs.n} of ${o.runs}${v.failures ? ` (**${v.failures} failed**)` : ''}; warm ${o.warm.rounds - v.warmFailures} of ${o.warm.rounds}${v.warmFailures ? ' (**failed**)' : ''}`;
  const rows = o.variants.map((v) => [
    ENTRY_LABELS[v.name],
    v.does,
    kib(v.rawBytes),
    kib(v.gzipBytes),
    kib(v.firstRequestBytes),
    ms(v.wallMs.median, 1),
    ms(v.wallMs.p90, 1),
    ms(v.importMs?.median, 1),
    ms(v.invocationMs?.median, 1),
    us(v.warmUs?.median),
    runsOf(v),
  ]);
  const costRow = (label: string, v: ObservabilityVariant | undefined) => {
    if (!v || !baseline) return [];
    const c = observabilityCost(v, baseline);
    return [
      [
        `**${label}**`,
        'the cost',
        `**${signed(c.rawBytes, kib)}**`,
        signed(c.gzipBytes, kib),
        `**${signed(c.firstRequestBytes, kib)}**`,
        `**${signed(c.wallP50Ms, (n) => ms(n, 1))}**`,
        signed(c.wallP90Ms, (n) => ms(n, 1)),
        signed(c.importP50Ms, (n) => ms(n, 1)),
        signed(c.invocationP50Ms, (n) => ms(n, 1)),
        `**${signed(c.warmUs, us)}**`,
        '',
      ],
    ];
  };
  lines.push(
    table(
      [
        'entry',
        'besides answering, per invocation',
        'all code',
        'gzip',
        'one invocation loads',
        'cold init p50',
        'cold init p90',
        'import p50',
        'first invocation p50',
        'warm per invocation (p50)',
        'good runs',
      ],
      [...rows, ...costRow('Tessera − baseline', tessera), ...costRow('Powertools − baseline', powertools)],
    ),
    '',
  );

  const budget = count(o.budgetBytes);
  const closest = closestToBudget(o.functions);
  const over = closest.filter((f) => (f.firstRequestBytes ?? 0) > o.budgetBytes);
  if (tessera && powertools && baseline) {
    const ours = observabilityCost(tessera, baseline);
    const theirs = observabilityCost(powertools, baseline);
    const swap =
      theirs.firstRequestBytes !== null && ours.firstRequestBytes !== null
        ? theirs.firstRequestBytes - ours.firstRequestBytes
        : null;
    const wouldBeOver =
      swap === null ? [] : closest.filter((f) => (f.firstRequestBytes ?? 0) + swap > o.budgetBytes);
    const named = closest
      .slice(0, 2)
      .map(
        (f) =>
          `${f.name} (${f.request ?? 'its first request'}) ${count(f.firstRequestBytes ?? 0)} bytes, ${count(o.budgetBytes - (f.firstRequestBytes ?? 0))} under it`,
      );
    lines.push(
      `**The budget (README §3: what one request loads ≤ ${budget} bytes).** ${
        closest.length === 0
          ? `The functions' first requests were not measured in this run${o.functionsError ? ` (${o.functionsError})` : ''}.`
          : over.length === 0
            ? `Every function's first request, our metrics and tracer included, is under it; the closest are ${named.join(' and ')}.`
            : `**${over.map((f) => `${f.name} (${count(f.firstRequestBytes ?? 0)} bytes)`).join(', ')} ${over.length === 1 ? 'is' : 'are'} over it**; the closest are ${named.join(' and ')}.`
      } Our writer and tracer add ${signed(ours.firstRequestBytes, (n) => `${count(n)} bytes`)} to the code an invocation loads; Powertools Metrics and Tracer would add ${signed(theirs.firstRequestBytes, (n) => `${count(n)} bytes`)}${
        swap === null || closest.length === 0
          ? '.'
          : `, ${count(swap)} more than ours, which ${wouldBeOver.length === 0 ? 'every function could still take' : `would put ${wouldBeOver.length} of the ${closest.length} functions over the budget (${wouldBeOver.map((f) => f.name).join(', ')})`}.`
      }`,
      '',
    );
  }
  if (closest.length) {
    lines.push(
      table(
        ['function', 'its first request', 'loads', `under ${budget} bytes by`, 'result'],
        closest.map((f) => [
          f.name,
          f.request ?? '—',
          `${count(f.firstRequestBytes ?? 0)} B (${kib(f.firstRequestBytes)})`,
          `${count(o.budgetBytes - (f.firstRequestBytes ?? 0))} B`,
          verdict((f.firstRequestBytes ?? 0) <= o.budgetBytes),
        ]),
      ),
      '',
      `These are the size part's figures (section 1: a traced cold start of each function over a copy of \`dist\`, its secrets read from SSM as in AWS), ${o.functionsFrom === 'size' ? 'from the size part of this run' : 'measured by this part itself, in the same run'}. Each already holds our metrics writer and tracer: the kit's HTTP adapter, consumers and entry use them.`,
      '',
    );
  }
  const failed = o.variants.filter((v) => v.error);
  const e = o.environment;
  const load = e.loadAverage
    ? `load average ${e.loadAverage.start.toFixed(2)} at the start and ${e.loadAverage.end?.toFixed(2) ?? 'n/a'} at the end, on ${e.cores} cores; above ~1, other work shared the machine`
    : 'load average n/a';
  lines.push(
    `**Checks.** ${
      failed.length === 0
        ? 'Every run did its work, and only it:'
        : `**Runs that did not do their work are left out of the figures: ${failed.map((v) => `${v.name}: ${v.error}`).join('; ')}.** Otherwise:`
    } in each cold run and each warm process, (b) and (c) wrote ${tessera?.emfLinesPerInvocation ?? 2} EMF lines per invocation to stdout (namespace \`Tessera\`, \`Requests\`, \`Latency\` and \`BookingsCreated\` with their values, the request's correlation id), and the bench's UDP socket, the function's \`AWS_XRAY_DAEMON_ADDRESS\`, received ${tessera?.subsegmentsPerInvocation ?? 1} subsegment per invocation in that invocation's trace (\`createBooking\`, \`type: subsegment\`, annotated with the correlation id); (a) wrote no EMF line and sent nothing; each answered 201.`,
    '',
    `**Method.** \`bench/metrics/observability.ts\`. The entries are \`bench/observability/{bare,tessera,powertools}.ts\`, one handler answering \`POST /v1/bookings\` from its event (\`booking.ts\`, no I/O), bundled into a temporary folder with the build's options (\`esbuildOptions\` and \`dropUnusedRequireShims\`, \`packages/tooling/src/build.ts\`: ESM, node22, minified, split), as a function is. *All code* is every \`.mjs\` of the bundle, *gzip* each at level 9, *one invocation loads* the bundle files a traced, untimed cold run loaded (a module-load hook). *Cold init*: ${o.runs} fresh \`node\` processes per entry (\`bench/metrics/observability-child.mjs\`), interleaved in a new random order each round after that traced run, each importing the bundle and serving one invocation in Lambda's environment (\`AWS_EXECUTION_ENV\`, \`LAMBDA_TASK_ROOT\`, \`_X_AMZN_TRACE_ID=Root=...;Parent=...;Sampled=1\` with a root of its own, \`AWS_XRAY_DAEMON_ADDRESS\` the bench's socket, no \`~/.aws\`), then ending by itself once its datagrams are out; spawn to exit on the bench's clock; the import on the child's, from its own start; the first invocation, from the import to the answer (ours imports \`node:dgram\` and opens its socket with the first subsegment, and the first EMF line is what first touches \`process.stdout\`, which Node opens on first use; Powertools opens it when \`Metrics\` is constructed, at import). *Warm*: ${o.warm.rounds} processes per entry, interleaved likewise, each serving ${count(1 + o.warm.warmup)} invocations untimed and then ${o.warm.batches} batches of ${count(o.warm.batch)}, one after the other, each invocation in a new sampled trace as Lambda gives it (\`_X_AMZN_TRACE_ID\` set before each, in every entry); a sample is one batch's mean, the figure the median over every batch. Powertools: ${Object.entries(
      o.packages,
    )
      .map(([name, version]) => `\`${name}\` ${version}`)
      .join(
        ', ',
      )}, with their defaults (the Tracer patches \`http\`, \`https\` and \`fetch\` at construction, streams a subsegment when it closes, on a socket of its own per send); ours send one datagram after the work settles and import \`node:dgram\` with the first. The differences are medians minus medians (p90 minus p90) of the same run; here (${load}) a cold start varies by a few milliseconds from one minute to the next, so a difference smaller than that is within the noise, and only the ratio of figures taken in the same run compares across runs.`,
    '',
    `This part ran on ${o.startedAt}, on ${e.cpu} (${e.cores} cores), Node ${e.node}, at commit ${e.commit.slice(0, 12)}${e.uncommitted.length ? ` (with uncommitted changes to ${e.uncommitted.length} file(s) outside bench/ and docs/, by others sharing the tree)` : ''}.`,
  );
  return lines.join('\n');
};

const loadSection = (r: BenchResults) => {
  const load = r.load;
  if (!load) return '## 5. Local end-to-end load\n\nNot measured in this run.';
  const rows = load.runs.map((run) => {
    const ceiling = load.runs.find((x) => x.target === 'ceiling' && x.operation === run.operation);
    return [
      run.target === 'ceiling' ? 'bare node:http (baseline)' : 'devstack',
      run.operation,
      count(run.rps),
      ms(run.latencyP50Ms),
      ms(run.latencyP99Ms),
      count(run.requests),
      String(run.non2xx),
      String(run.errors + run.timeouts),
      times(ratio(run.rps, ceiling?.rps), 3),
    ];
  });
  const rss: Array<[string, RssPeak]> = [
    ...load.rss.map((p): [string, RssPeak] => ['devstack', p]),
    ...load.ceilingRss.map((p): [string, RssPeak] => ['bare node:http', p]),
  ];
  return [
    '## 5. Local end-to-end load',
    '',
    table(
      ['target', 'operation', 'req/s', 'p50', 'p99', 'requests', 'non-2xx', 'errors', 'vs ceiling'],
      rows,
    ),
    '',
    table(
      ['target', 'process', 'peak RSS (sampled)', 'peak RSS (kernel high-water mark)'],
      rss.map(([target, p]) => [
        target,
        p.process === 'esbuild' ? "esbuild (the tsx loader's transpiler, not counted)" : p.process,
        mib(p.peakSampledBytes),
        mib(p.highWaterBytes),
      ]),
    ),
    '',
    chart('load.svg', 'Local load, requests per second'),
    '',
    `**Method.** The devstack runs alone in a child process (\`bench/processes/devstack.ts\`: \`startDevstack\` over the bundles in \`dist/\`, free ports, a fresh data folder on disk, as \`npm start\` runs it). Through its HTTP API a user registers and logs in and creates a ticket; then autocannon, in the bench process, sends \`GET /v1/tickets/{id}\` and then \`POST /v1/tickets\` with the bearer token, ${load.runs[0]?.connections ?? 16} connections for ${load.runs[0]?.seconds ?? 20} s each after a short unmeasured warm-up. Every request crosses the gateway, the users authorizer (no cache in the devstack), the tickets worker and DynamoDB Local; each create also goes through the stream, the publisher and the local bus. Memory is the resident set of the devstack's node process (the function workers are its threads) and of its DynamoDB Local java process, read from /proc every ${load.sampleIntervalMs} ms; the kernel's own peak (VmHWM) is shown beside. The baseline, in the same run and loaded the same way, is a bare \`node:http\` server answering the same JSON (\`bench/processes/ceiling.ts\`): what this machine serves with no work at all. On a 2-core machine autocannon, the devstack and Java share the cores, so these are figures of the devstack on a laptop, not of AWS.`,
  ].join('\n');
};

const startSection = (r: BenchResults) => {
  const start = r.start;
  if (!start) return '## 6. Devstack start and test time\n\nNot measured in this run.';
  const rows = [
    [
      'devstack, cold to ready',
      seconds(start.devstack.readyMs.median),
      seconds(start.devstack.readyMs.p90),
      seconds(start.devstack.wallMs.median),
      String(start.devstack.readyMs.n),
    ],
    [
      'DynamoDB Local alone (baseline)',
      seconds(start.dynamodbLocal.readyMs.median),
      seconds(start.dynamodbLocal.readyMs.p90),
      seconds(start.dynamodbLocal.wallMs.median),
      String(start.dynamodbLocal.readyMs.n),
    ],
  ];
  const tests = start.npmTest
    ? [
        '',
        table(
          ['command', 'result', 'time'],
          [
            [`\`npm test\``, start.npmTest.ok ? 'passed' : '**failed**', seconds(start.npmTest.ms)],
            ...start.npmTest.steps.map((step) => [
              `  step: ${step.name}`,
              step.ok ? 'passed' : '**failed**',
              seconds(step.ms),
            ]),
            ...(start.unitTests
              ? [
                  [
                    `\`vitest run --project unit\` (baseline)`,
                    start.unitTests.ok ? 'passed' : '**failed**',
                    seconds(start.unitTests.ms),
                  ],
                ]
              : []),
          ],
        ),
        '',
        `\`npm test\` takes ${times(ratio(start.npmTest.ms, start.unitTests?.ms), 1)} the unit project alone.${start.npmTest.summary ? ` Its last line: \`${start.npmTest.summary.replaceAll('`', "'")}\`.` : ''}`,
      ]
    : ['', '`npm test` was not run in this run.'];
  return [
    '## 6. Devstack start and test time',
    '',
    table(['what', 'median', 'p90', 'spawn to ready (median)', 'runs'], rows),
    ...tests,
    '',
    chart('start.svg', 'Devstack start and test suite'),
    '',
    `**Method.** *Cold to ready* is \`startDevstack()\` timed inside a fresh process on a fresh data folder: DynamoDB Local (Java) starts on disk, the tables are created, secrets generated, every bundle loaded into its worker, the gateway opened. It does not build (\`npm start\` builds first, about a second more). *Spawn to ready* adds the process start and the tsx loader. The baseline, interleaved with it in the same run, is DynamoDB Local alone started the same way: the part of the start that is Java's. \`npm test\` runs once, at the end of the bench (it rebuilds \`dist/\` in its build step, so it runs after every measurement of the bundles); the time of each step comes from its own output. Its baseline is the unit project alone, the loop a developer runs while working; the ratio says what the whole gate costs on top (its first six steps run in parallel, so they do not add up).`,
  ].join('\n');
};

/** The create at DynamoDB's pricing rule instead of DynamoDB Local's count (section 4's caveat). */
const dynamodbSensitivity = (cost: NonNullable<BenchResults['cost']>) => {
  const create = cost.operations[0];
  const writes = create?.components.find((c) => c.component.startsWith('DynamoDB'));
  if (!create || !writes) return '';
  return `**Sensitivity.** If AWS bills the create's transaction at its pricing rule (half of what DynamoDB Local reports, section 4), the DynamoDB line is ${dollars(writes.dollarsPerMillion / 2)} and the create ${dollars(create.totalPerMillion - writes.dollarsPerMillion / 2)} per million. At busy times the publisher's batches grow and its two lines shrink by the batch size.`;
};

const costSection = (r: BenchResults) => {
  const cost = r.cost;
  if (!cost) return '## 7. Cost model\n\nNot computed in this run.';
  const rows = cost.operations.flatMap((operation) => [
    ...operation.components.map((c) => [
      operation.operation,
      c.component,
      dollars(c.dollarsPerMillion),
      c.formula,
    ]),
    [`**${operation.operation}**`, '**total**', `**${dollars(operation.totalPerMillion)}**`, ''],
  ]);
  const authorizer = cost.authorizerPerMillion;
  return [
    '## 7. Cost model',
    '',
    'Dollars per million requests on AWS, by component:',
    '',
    table(['operation', 'component', '$ per million', 'formula'], rows),
    '',
    `Not in the totals: the authorizer Lambda, which API Gateway caches per token for 300 s (\`authorizer_result_ttl_in_seconds\`), so a busy client pays it about once in five minutes; uncached it would add ${dollars(authorizer.totalPerMillion)} per million requests (${authorizer.components.map((c) => `${c.component} ${dollars(c.dollarsPerMillion)}: ${c.formula}`).join('; ')}). Also left out: CloudWatch Logs, X-Ray, data transfer out, storage, and the free tiers.`,
    '',
    chart('cost.svg', 'Cost per million requests'),
    '',
    '**Formula.** For one request, cost = API Gateway request + Σ over Lambda invocations (request price + billed ms × memory GB × GB-second price) + DynamoDB request units × unit price + EventBridge entries × event price; × 1,000,000. Billed ms are rounded up to the next millisecond, per invocation.',
    '',
    '**Prices.**',
    '',
    table(
      ['item', 'price', 'unit'],
      Object.entries(cost.prices).map(([name, price]) => [
        name,
        price.unit.startsWith('per GB-second')
          ? `$${price.usd}`
          : `$${(price.usd * 1e6).toFixed(3)} per million`,
        price.unit,
      ]),
    ),
    '',
    `Date and source: ${cost.pricesAsOf}. Lambda arm64 is $0.0000133334 per GB-second and $0.20 per million requests; DynamoDB on-demand $0.625 per million write and $0.125 per million read request units; HTTP API $1.00 per million requests (first 300 million, each 512 KB a request); EventBridge $1.00 per million custom events (each 64 KB an event).`,
    '',
    '**Measured and assumed.** Measured in this run: the capacity units (section 4, at the larger table) and our handler overhead (section 3, median above the SDK floor; the work of the SDK client counts as part of the assumed round trips). Assumed, because no AWS account is used:',
    '',
    table(
      ['assumption', 'value', 'why'],
      Object.entries(cost.assumptions).map(([name, a]) => [name, String(Number(a.value.toFixed(2))), a.note]),
    ),
    '',
    dynamodbSensitivity(cost),
    '',
    "What this shows: the billed Lambda time is almost all waiting on DynamoDB, so our code's microseconds do not move the bill; the create is dominated by its transactional writes (two items and two index entries), which is the price of the outbox; API Gateway and EventBridge are a dollar per million each.",
    ...(r.payments?.cost
      ? [
          '',
          `A confirmed booking (the POST and the payment saga, SQS included) is priced the same way in section 9: ${dollars(r.payments.cost.totalPerMillion)} per million.`,
        ]
      : []),
  ].join('\n');
};

const beforeAfterSection = (r: BenchResults, before: BenchResults | null, existing: string | null) => {
  const lines = ['## Before and after', ''];
  const view = beforeView(r, before);
  if (!view) {
    lines.push('No before figures: run with `--compare=<bundles>`, or record `bench/results/before.json`.');
  } else {
    const services = (r.size?.bundles ?? []).filter((b) => b.kind === 'service').map((b) => b.name);
    const change = (after: number | null | undefined, was: number | null | undefined) => {
      const value = ratio(after ?? undefined, was ?? undefined);
      return value === null ? 'n/a' : `${value >= 1 ? '+' : ''}${((value - 1) * 100).toFixed(0)}%`;
    };
    const rows = services.map((name) => {
      const a = r.size?.bundles.find((b) => b.name === name);
      const b = view.size(name);
      const ca = coldOf(r, name);
      const cb = view.cold(name);
      return [
        name,
        `${kib(b ? budgetedBytes(b) : null)} -> ${kib(a ? budgetedBytes(a) : null)} (${change(a && budgetedBytes(a), b && budgetedBytes(b))})`,
        `${kib(b?.rawBytes)} -> ${kib(a?.rawBytes)} (${change(a?.rawBytes, b?.rawBytes)})`,
        `${kib(b?.zipBytes)} -> ${kib(a?.zipBytes)} (${change(a?.zipBytes, b?.zipBytes)})`,
        `${ms(cb.median)} -> ${ms(ca.median)} (${change(ca.median, cb.median)})`,
        `${times(cb.ratio)} -> ${times(ca.ratio)}`,
      ];
    });
    lines.push(
      view.sameRun
        ? `Before: the bundles as built before the bundle work (a snapshot, \`${view.dist}\`: \`npm run build\` at commit 09216cf, the last before it), measured in this same run beside the bundles of \`${r.dist}\` (after), interleaved with them, against the same floors (\`npm run bench -- --compare=<snapshot>\`).`
        : `Before: the bundles as built before the bundle work (a snapshot, \`${view.dist}\`), measured on ${view.date} by the same harness with the same floors (\`--dist=<snapshot> --label=before --out=bench/results/before.json\`); after: this run, over \`${r.dist}\`.`,
      '',
      table(
        [
          'function',
          'loaded by one request',
          'all code',
          'zip',
          'cold init median',
          'cold init vs its floor',
        ],
        rows,
      ),
      '',
      view.sameRun
        ? 'Every figure of both sides comes from this run. The authorizer has no floor (its only AWS call is the SSM read of its keys, with no SDK client), hence n/a.'
        : "The sizes are exact either way. Cold-init milliseconds come from two runs and may differ by the machine's mood; the ratio to the floor, measured within each run, is the comparable figure.",
      '',
      chart('before-after-size.svg', 'Before and after: code loaded by one request'),
      '',
      chart('before-after-cold.svg', 'Before and after: cold init'),
    );
  }
  lines.push('', '### What changed', '', START, handWritten(existing), END);
  return lines.join('\n');
};

const environmentSection = (r: BenchResults) => {
  const e = r.environment;
  return [
    '## Environment',
    '',
    table(
      ['', ''],
      [
        ['date', `${r.date} (started ${r.startedAt})`],
        ['CPU', `${e.cpu}, ${e.cores} cores`],
        ['memory', `${e.memoryGiB.toFixed(0)} GiB`],
        [
          'load average (1 min)',
          e.loadAverage
            ? `${e.loadAverage.start.toFixed(2)} at the start, ${e.loadAverage.end?.toFixed(2) ?? 'n/a'} at the end (on ${e.cores} cores; above ~1, other work shared the machine)`
            : 'n/a',
        ],
        ['Node', e.node],
        ['OS', e.os],
        [
          'commit',
          `${e.commit}${e.uncommitted.length ? ` plus uncommitted changes to ${e.uncommitted.length} file(s): ${e.uncommitted.slice(0, 12).join(', ')}${e.uncommitted.length > 12 ? ', …' : ''}` : ''}`,
        ],
        ['bundles measured', `\`${r.dist}\``],
        [
          'bench run',
          `${seconds(r.totalMs)}: ${Object.entries(r.durationsMs)
            .map(([m, t]) => `${m} ${seconds(t)}`)
            .join(', ')}`,
        ],
      ],
    ),
    ...(r.errors.length
      ? ['', '**Errors in this run:**', '', ...r.errors.map((e2) => `- ${e2.metric}: ${e2.message}`)]
      : []),
  ].join('\n');
};

/**
 * The whole document.
 *
 * @example
 * writeFileSync('docs/PERFORMANCE.md', renderMarkdown(results, before, existingText, 'bench/results/2026-11-21.json'));
 */
const renderMarkdown = (
  r: BenchResults,
  before: BenchResults | null,
  existing: string | null,
  resultsFile: string,
): string =>
  [
    '# Performance',
    '',
    `Written by \`npm run bench\` (\`bench/run.ts\`) on ${r.date}; do not edit by hand, except the "What changed" block, which the next run keeps. The figures of this run are in \`${resultsFile}\`.`,
    '',
    `Run it with \`npm run bench\` (every benchmark, one after the other: ${seconds(r.totalMs)} in this run, on ${r.environment.cores} cores), or a part with \`npm run bench -- --only=size,cold,warm,capacity,bookings,payments,notifications,schedules,observability,load,start,cost\` (the bookings part alone also with \`npm run bench:bookings\`, the payments part with \`npm run bench:payments\`, the notifications part with \`npm run bench:notifications\`, the schedules part with \`npm run bench:schedules\`, the observability part with \`npm run bench:observability\`); \`--dist=<dir>\` measures another set of bundles (size, cold init, warm overhead and capacity), \`--compare=<dir>\` a second set beside them in the same run (size and cold init${(r.size?.compareDist ?? r.cold?.compareDist) ? '; the before/after below was run so, against the pre-optimisation snapshot' : ''}); \`--no-npm-test\` skips the test-suite timing; \`--render-only\` rewrites this page from the results file. It is not part of \`npm test\`.`,
    '',
    summarySection(r),
    '',
    sizeSection(r),
    '',
    coldSection(r),
    '',
    warmSection(r),
    '',
    capacitySection(r),
    '',
    loadSection(r),
    '',
    startSection(r),
    '',
    costSection(r),
    '',
    bookingsSection(r.bookings),
    '',
    paymentsSection(r.payments),
    '',
    notificationsSection(r.notifications),
    '',
    schedulesSection(r.schedules),
    '',
    observabilitySection(r.observability),
    '',
    beforeAfterSection(r, before, existing),
    '',
    environmentSection(r),
    '',
  ].join('\n');

export {
  bookingsSection,
  notificationsSection,
  observabilitySection,
  paymentsSection,
  renderMarkdown,
  schedulesSection,
};
