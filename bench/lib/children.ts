/**
 * Child processes of the benchmarks (`bench/processes/*.ts`), run with the tsx loader in one node
 * process each, so their pid is the process that does the work (its memory is theirs alone). A
 * child announces itself with one `@@bench {json}` line on stdout; stopping sends SIGTERM, waits,
 * then SIGKILLs the child and anything it left behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import { processTree } from './rss.ts';

interface BenchChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The child's `@@bench` message, and the wall time from spawn until it came. */
  readonly ready: Promise<{ readonly message: Record<string, unknown>; readonly wallMs: number }>;
  stop(): Promise<void>;
}

const MARKER = '@@bench ';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Spawns `bench/processes/<name>.ts` with extra environment (or only that environment, with
 * `inheritEnvironment: false`).
 *
 * @example
 * const devstack = spawnBenchChild('devstack', { BENCH_DATA_DIR: dir });
 * const { message } = await devstack.ready;
 */
const spawnBenchChild = (
  name: string,
  env: Readonly<Record<string, string>>,
  readyTimeoutMs = 120_000,
  options: { readonly inheritEnvironment?: boolean } = {},
): BenchChild => {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'bench', 'processes', `${name}.ts`)],
    {
      cwd: repoRoot,
      env: options.inheritEnvironment === false ? { ...env } : { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid ?? -1;
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const ready = new Promise<{ message: Record<string, unknown>; wallMs: number }>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`${name} was not ready within ${readyTimeoutMs} ms:\n${errors}`)),
      readyTimeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith(MARKER));
      if (line) {
        clearTimeout(timer);
        resolve({
          message: JSON.parse(line.slice(MARKER.length)) as Record<string, unknown>,
          wallMs: performance.now() - started,
        });
        buffer = '';
      } else {
        buffer = buffer.slice(-10_000);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready:\n${errors}`));
    });
  });
  ready.catch(() => undefined);

  const stop = async () => {
    const tree = alive(pid) ? processTree(pid) : [];
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    for (const leftover of tree.filter((p) => p !== pid && alive(p))) process.kill(leftover, 'SIGKILL');
  };
  return { process: child, pid, ready, stop };
};

export type { BenchChild };
export { spawnBenchChild };
