/**
 * Runs a bundle as Lambda would, in a child process with the function's environment only
 * (`bench/processes/function-host.mjs`), and invokes its exports one at a time: how the capacity
 * benchmark drives the tickets bundle and how the cold-init benchmark prepares the data its requests
 * read (a registered user, a created ticket), through the same entry that ships.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot } from '../../packages/tooling/src/repo.ts';

interface FunctionHost {
  /** Invokes an export with an event; rejects with the function's error. */
  invoke(exportName: string, event: unknown): Promise<unknown>;
  /** The last 4,000 characters the function wrote to stdout and stderr (its log lines). */
  output(): string;
  stop(): Promise<void>;
}

const HOST = join(repoRoot, 'bench', 'processes', 'function-host.mjs');

type Message =
  | { readonly ready: boolean; readonly error?: string }
  | { readonly id: string; readonly result?: unknown; readonly error?: string };

/**
 * Starts a host for a bundle and resolves once it has imported it.
 *
 * @example
 * const host = await startFunctionHost('dist/tickets/index.mjs', functionEnvironment(tickets, { endpoint, home }));
 * await host.invoke('handler', getTicketEvent(id));
 * await host.stop();
 */
const startFunctionHost = async (
  bundle: string,
  environment: Readonly<Record<string, string>>,
): Promise<FunctionHost> => {
  const child: ChildProcess = spawn(process.execPath, [HOST, bundle], {
    env: environment,
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: Message) => {
      if ('ready' in message) {
        if (message.ready) resolve();
        else reject(new Error(`${bundle} did not load: ${message.error ?? ''}`));
        return;
      }
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(`${message.error}\n${output}`));
      else waiting?.resolve(message.result);
    });
    child.once('exit', (code) => {
      reject(new Error(`the host of ${bundle} exited with ${code}:\n${output}`));
      for (const waiting of pending.values()) waiting.reject(new Error(`the host exited:\n${output}`));
    });
  });
  await ready;
  return {
    output: () => output,
    invoke: (exportName, event) =>
      new Promise((resolve, reject) => {
        const id = randomUUID();
        pending.set(id, { resolve, reject });
        child.send({ id, exportName, event });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
};

export type { FunctionHost };
export { startFunctionHost };
