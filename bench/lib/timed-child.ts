/**
 * One fresh `node` process, timed from spawn to exit on this process's clock: what a cold start
 * costs. The child writes its own report (JSON) to file descriptor 3; its stdout is kept when asked
 * (the EMF lines a function writes), and the end of its stderr for the error message. A child that
 * runs past `timeoutMs` is killed.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { repoRoot } from '../../packages/tooling/src/repo.ts';

interface TimedRun {
  readonly wallMs: number;
  readonly code: number | null;
  /** What the child wrote to descriptor 3. */
  readonly report: string;
  /** Its stdout, when `keepStdout` (else empty). */
  readonly stdout: string;
  /** The last 2,000 characters of its stderr. */
  readonly errors: string;
}

const runTimedChild = (
  args: readonly string[],
  options: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly timeoutMs: number;
    readonly keepStdout?: boolean;
  },
): Promise<TimedRun> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let report = '';
    let errors = '';
    let wallMs = 0;
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: options.env,
      cwd: repoRoot,
      stdio: ['ignore', options.keepStdout ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    (child.stdio[3] as Readable | null)?.on('data', (chunk: Buffer) => {
      report += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-2000);
    });
    child.once('exit', () => {
      wallMs = performance.now() - started;
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ wallMs, code, report, stdout: Buffer.concat(chunks).toString('utf8'), errors });
    });
  });

export type { TimedRun };
export { runTimedChild };
