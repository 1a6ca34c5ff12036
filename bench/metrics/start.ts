/**
 * Devstack start and test-suite time.
 *
 * - Devstack: `startDevstack()` in a fresh process on a fresh data folder (cold: Java starts, the
 *   tables are created, the secrets generated, every bundle loaded), to ready; beside it, in the
 *   same run and interleaved, DynamoDB Local alone started the same way. It does not build: the
 *   bundles in `dist/` are used as they are.
 * - `npm test`, once, with the duration of each step parsed from its output; beside it the unit
 *   project alone (`vitest run --project unit`), the inner loop a developer runs all day.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import { spawnBenchChild } from '../lib/children.ts';
import type { CommandTime, StartResults, StepTime } from '../lib/results.ts';
import { summarize } from '../lib/stats.ts';

interface StartOptions {
  readonly runs: number;
  readonly npmTest: boolean;
  readonly log: (line: string) => void;
}

/** One cold start of a child (`devstack` or `dynamodb-local`) on a fresh data folder. */
const coldStart = async (name: 'devstack' | 'dynamodb-local') => {
  const dataDir = mkdtempSync(join(tmpdir(), `tessera-bench-start-${name}-`));
  const child = spawnBenchChild(name, { BENCH_DATA_DIR: dataDir });
  try {
    const { message, wallMs } = await child.ready;
    return { readyMs: Number(message.readyMs), wallMs };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

/** `1m5s` or `12.3s` (scripts/test.ts) in milliseconds. */
const parseDuration = (text: string): number => {
  const match = /^(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(text.trim());
  if (!match) return Number.NaN;
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 1000;
};

// scripts/test.ts prints `✔ <step> (<duration>)` (or ✘) as each step ends, then a summary line.
const STEP_LINE = /^([✔✘]) (.+) \(((?:\d+m)?(?:[\d.]+s)?)\)$/;

const runCommand = (command: string, args: readonly string[]): Promise<CommandTime> =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, FORCE_COLOR: '0', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const lines = output.split('\n').map((line) => line.trimEnd());
      const steps: StepTime[] = lines.flatMap((line) => {
        const match = STEP_LINE.exec(line);
        return match
          ? [{ name: match[2] as string, ms: parseDuration(match[3] as string), ok: match[1] === '✔' }]
          : [];
      });
      const summary = lines
        .filter((line) => /npm test (passed|failed)|Tests? .*(passed|failed)/.test(line))
        .at(-1);
      resolve({
        command: [command, ...args].join(' '),
        ok: code === 0,
        ms,
        steps,
        ...(summary ? { summary: summary.replace(/^[✔✘]\s*/, '') } : {}),
      });
    });
  });

/**
 * Measures the devstack's cold start `runs` times beside DynamoDB Local's, then (unless told not
 * to) `npm test` and the unit project.
 *
 * @example
 * const start = await measureStart({ runs: 3, npmTest: true, log: console.log });
 */
const measureStart = async (options: StartOptions): Promise<StartResults> => {
  const devstack: Array<{ readyMs: number; wallMs: number }> = [];
  const dynamodb: Array<{ readyMs: number; wallMs: number }> = [];
  for (let run = 1; run <= options.runs; run++) {
    // Alternate which goes first, so neither always follows the other's teardown.
    const order =
      run % 2 === 1 ? (['dynamodb-local', 'devstack'] as const) : (['devstack', 'dynamodb-local'] as const);
    for (const name of order) {
      const sample = await coldStart(name);
      (name === 'devstack' ? devstack : dynamodb).push(sample);
      options.log(
        `  start: ${name} ready in ${(sample.readyMs / 1000).toFixed(2)} s (spawn to ready ${(sample.wallMs / 1000).toFixed(2)} s)`,
      );
    }
  }
  let npmTest: CommandTime | null = null;
  let unitTests: CommandTime | null = null;
  if (options.npmTest) {
    options.log('  npm test ...');
    npmTest = await runCommand('npm', ['test']);
    options.log(`  npm test: ${npmTest.ok ? 'passed' : 'FAILED'} in ${(npmTest.ms / 1000).toFixed(1)} s`);
    unitTests = await runCommand(join(repoRoot, 'node_modules', '.bin', 'vitest'), [
      'run',
      '--project',
      'unit',
    ]);
    options.log(
      `  unit project alone: ${unitTests.ok ? 'passed' : 'FAILED'} in ${(unitTests.ms / 1000).toFixed(1)} s`,
    );
  }
  return {
    devstack: {
      readyMs: summarize(devstack.map((s) => s.readyMs)),
      wallMs: summarize(devstack.map((s) => s.wallMs)),
    },
    dynamodbLocal: {
      readyMs: summarize(dynamodb.map((s) => s.readyMs)),
      wallMs: summarize(dynamodb.map((s) => s.wallMs)),
    },
    npmTest,
    unitTests,
  };
};

export { measureStart, parseDuration };
