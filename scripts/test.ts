/**
 * `npm test`: every check, fastest first, ending with one summary line.
 *
 * 1. In parallel: type-check, lint (Biome and the architecture rules), contract lint (Redocly),
 *    the stale-generated-code check, and the build (once, for the e2e suite to use).
 * 2. Vitest: unit, integration and e2e projects in one run, so DynamoDB Local starts once.
 * 3. The Terraform checks (fmt, module tests, environment plans and the policy test), when present.
 *
 * A failed step prints its output; later stages still run unless they depend on the build.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../packages/tooling/src/repo.ts';

interface Step {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Stream output as it comes instead of printing it only on failure. */
  readonly live?: boolean;
}

interface Outcome {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
}

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

const seconds = (ms: number) =>
  ms < 60_000
    ? `${(ms / 1000).toFixed(1)}s`
    : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;

const run = (step: Step): Promise<Outcome> =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(step.command, step.args, {
      cwd: repoRoot,
      stdio: step.live ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const ok = code === 0;
      console.log(`${ok ? '✔' : '✘'} ${step.name} (${seconds(ms)})`);
      if (!ok && !step.live) console.log(output.trimEnd().replace(/^/gm, '    '));
      resolve({ name: step.name, ok, ms });
    });
    child.on('error', (error) => {
      console.log(`✘ ${step.name}: ${error.message}`);
      resolve({ name: step.name, ok: false, ms: performance.now() - started });
    });
  });

const main = async () => {
  const started = performance.now();
  const outcomes: Outcome[] = [];

  console.log('Static checks and build, in parallel ...');
  const first = await Promise.all([
    run({ name: 'type-check', command: bin('tsc'), args: ['-p', 'tsconfig.json'] }),
    run({ name: 'lint (Biome)', command: bin('biome'), args: ['ci', '--colors=off', '.'] }),
    run({
      name: 'architecture rules',
      command: bin('depcruise'),
      args: ['--config', '.dependency-cruiser.cjs', 'services', 'packages', 'scripts', 'tests', 'bench'],
    }),
    run({
      name: 'contract lint (Redocly)',
      command: bin('redocly'),
      args: ['lint', 'openapi/api.yaml', '--format=stylish'],
    }),
    run({ name: 'generated code is current', command: bin('tsx'), args: ['scripts/generate.ts', '--check'] }),
    run({ name: 'build', command: bin('tsx'), args: ['scripts/build.ts'] }),
  ]);
  outcomes.push(...first);
  const built = first.at(-1)?.ok === true;

  if (built) {
    console.log('\nUnit, integration and end-to-end tests ...');
    outcomes.push(
      await run({
        name: 'tests (unit, integration, e2e)',
        command: bin('vitest'),
        args: ['run'],
        live: true,
      }),
    );
  } else {
    console.log('\n✘ tests: not run, because the build failed');
    outcomes.push({ name: 'tests', ok: false, ms: 0 });
  }

  if (existsSync(join(repoRoot, 'scripts', 'terraform-check.ts'))) {
    console.log('\nTerraform checks ...');
    outcomes.push(
      await run({
        name: 'terraform checks',
        command: bin('tsx'),
        args: ['scripts/terraform-check.ts'],
        live: true,
      }),
    );
  }

  const failed = outcomes.filter((o) => !o.ok);
  const total = seconds(performance.now() - started);
  const steps = outcomes.map((o) => `${o.name} ${seconds(o.ms)}`).join(', ');
  if (failed.length === 0) {
    console.log(`\n✔ npm test passed: ${outcomes.length} steps in ${total} (${steps})`);
  } else {
    console.log(
      `\n✘ npm test failed: ${failed.map((o) => o.name).join(', ')} (${outcomes.length} steps in ${total})`,
    );
    process.exitCode = 1;
  }
};

await main();
