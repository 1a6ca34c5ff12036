/**
 * Warm handler overhead: microseconds per request of the tickets bundle as it ships
 * (`dist/tickets/index.mjs`, the export its manifest names), beside the same operations on middy and
 * on the Powertools event handler (`bench/baselines/`), and beside the floor: the same DynamoDB
 * calls with nothing else (`bench/baselines/sdk-floor.ts`). The baselines are bundled for the run
 * with the build's esbuild options, so all four run the AWS SDK bundled the same way.
 *
 * All of them run in one child process (`bench/processes/warm.ts`) whose environment is the tickets
 * function's, from its manifest, and call DynamoDB through the AWS SDK on the same in-memory AWS
 * stand-in in that process: the same data path for every side. An implementation's overhead is its
 * median above the floor's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../../packages/tooling/src/manifests.ts';
import { spawnBenchChild } from '../lib/children.ts';
import { buildBaselines } from '../lib/floor.ts';
import {
  benchFunctions,
  bundleEntry,
  functionEnvironment,
  functionVariables,
  tableKeys,
} from '../lib/functions.ts';
import { freePort } from '../lib/net.ts';
import type { WarmResults, WarmRow } from '../lib/results.ts';
import { generateSecrets } from '../lib/secrets.ts';

/** The implementation whose time is the data path alone. */
const FLOOR_IMPLEMENTATION = 'sdk only';

/**
 * Measures every operation on every implementation.
 *
 * @example
 * const warm = await measureWarm({ dist: 'dist', warmup: 1000, rounds: 20, batch: 200, log: console.log });
 */
const measureWarm = async (options: {
  readonly dist: string;
  readonly warmup: number;
  readonly rounds: number;
  readonly batch: number;
  readonly log: (line: string) => void;
}): Promise<WarmResults> => {
  const manifests = loadManifests();
  const tickets = benchFunctions(manifests).find((f) => f.bundle === 'tickets' && f.fn.http === 'operations');
  if (!tickets) throw new Error('no manifest declares the tickets HTTP function');
  const tableVariable = Object.entries(tickets.fn.environment).find(([, source]) => 'table' in source)?.[0];
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-warm-'));
  const baselines = await buildBaselines();
  try {
    const tableName = functionVariables(tickets, { endpoint })[tableVariable ?? ''];
    const tables = tableKeys(manifests);
    if (!tableName || !tables[tableName]) throw new Error('the tickets function is given no declared table');
    const config = {
      port,
      bundle: bundleEntry(options.dist, tickets),
      exportName: tickets.exportName,
      baselines: baselines.entries,
      tables,
      parameters: await generateSecrets(manifests.filter((m) => m.name === tickets.bundle)),
      warmup: options.warmup,
      rounds: options.rounds,
      batch: options.batch,
    };
    const child = spawnBenchChild(
      'warm',
      {
        ...functionEnvironment(tickets, { endpoint, home }),
        TABLE_KEYS: JSON.stringify(tables[tableName]),
        BENCH_WARM: JSON.stringify(config),
      },
      10 * 60_000,
      { inheritEnvironment: false },
    );
    try {
      const { message } = await child.ready;
      const rows = (message.rows ?? []) as WarmRow[];
      for (const operation of [...new Set(rows.map((row) => row.operation))]) {
        const line = rows
          .filter((row) => row.operation === operation)
          .map((row) => `${row.implementation} ${row.usPerRequest.median.toFixed(1)} µs`)
          .join(', ');
        options.log(`  ${operation}: ${line}`);
      }
      return { warmup: options.warmup, rounds: options.rounds, batch: options.batch, rows };
    } finally {
      await child.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(baselines.directory, { recursive: true, force: true });
  }
};

export { FLOOR_IMPLEMENTATION, measureWarm };
