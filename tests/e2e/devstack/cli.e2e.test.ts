/**
 * `npm start` itself: packages/devstack/src/cli.ts run by node with the tsx loader, as package.json's
 * `start` script runs it, on free ports and a temporary data folder. It prints its URLs when ready,
 * a second one on the same ports stops at once naming the busy port, and Ctrl-C (SIGINT to the whole
 * process group, as a terminal sends it) or a SIGTERM to the CLI alone stops everything, Java included.
 *
 * TESSERA_BUILD=0 starts from the bundles in dist/ (built before the run, as for the rest of the e2e
 * suite), so this test never rewrites dist/ under another run's devstack.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, isPortFree } from '../../../packages/devstack/src/ports.ts';
import { repoRoot } from '../../../packages/tooling/src/repo.ts';
import { pollUntil } from '../../support/poll.ts';

const CLI = join('packages', 'devstack', 'src', 'cli.ts');
const HOST = '127.0.0.1';

interface Cli {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Cli[] = [];
const folders: string[] = [];
const javaPids: number[] = [];

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(async () => {
  // Whatever a failed test left behind: the CLI's process group, then any Java it started.
  for (const cli of started.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null && cli.child.pid) {
      try {
        process.kill(-cli.child.pid, 'SIGKILL');
      } catch {}
      await cli.exited;
    }
  }
  for (const pid of javaPids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Runs the CLI in a process group of its own, as a terminal runs `npm start`. */
const startCli = (env: Record<string, string>): Cli => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TESSERA_BUILD: '0', TESSERA_QUIET: '1', TESSERA_LOG_LEVEL: 'WARN', ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const cli = { child, output: () => output, exited };
  started.push(cli);
  return cli;
};

/** Resolves with the output once it contains `text`; fails when the CLI exits first or time runs out. */
const waitFor = async (cli: Cli, text: string, timeoutMs: number): Promise<string> => {
  const exited = () => cli.child.exitCode !== null || cli.child.signalCode !== null;
  const output = await pollUntil(cli.output, (out) => out.includes(text) || exited(), { timeoutMs });
  if (output.includes(text)) return output;
  throw new Error(
    exited()
      ? `the CLI exited before printing "${text}":\n${cli.output()}`
      : `no "${text}" within ${timeoutMs} ms:\n${cli.output()}`,
  );
};

/** Resolves with how the CLI exited; fails when it is still running after `timeoutMs`. */
const exitWithin = async (cli: Cli, timeoutMs: number) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running ${timeoutMs} ms later:\n${cli.output()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([cli.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** The pid of the DynamoDB Local listening on `port`, found by its command line. */
const dynamodbLocalPid = (port: number): number => {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  const java = lines.filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(` -port ${port} `));
  if (java.length !== 1)
    throw new Error(`expected one DynamoDB Local on port ${port}, found:\n${java.join('\n')}`);
  return Number(java[0]?.trim().split(/\s+/)[0]);
};

/** Waits (briefly) for a process to be gone; a stopped child is reaped a moment after it exits. */
const gone = async (pid: number, timeoutMs = 5000) =>
  !(await pollUntil(
    () => alive(pid),
    (running) => !running,
    { timeoutMs },
  ));

const settings = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  folders.push(dataDir);
  const httpPort = await freePort(HOST);
  const dynamodbPort = await freePort(HOST);
  const webSocketPort = await freePort(HOST);
  return {
    httpPort,
    dynamodbPort,
    webSocketPort,
    dataDir,
    env: {
      TESSERA_HTTP_PORT: String(httpPort),
      TESSERA_WS_PORT: String(webSocketPort),
      TESSERA_DYNAMODB_PORT: String(dynamodbPort),
      TESSERA_DATA_DIR: dataDir,
    },
  };
};

describe('npm start', () => {
  it('prints its URLs when ready, refuses a second start, and stops everything, Java included, on Ctrl-C', {
    timeout: 180_000,
  }, async () => {
    const { httpPort, dynamodbPort, webSocketPort, dataDir, env } = await settings();
    const api = `http://${HOST}:${httpPort}`;
    const cli = startCli(env);

    const ready = await waitFor(cli, 'Press Ctrl-C to stop.', 120_000);

    expect(ready).toMatch(/Tessera is ready in \d+\.\d s\./);
    for (const [label, url] of [
      ['API', api],
      ['WebSocket', `ws://${HOST}:${webSocketPort}`],
      ['API reference', `${api}/docs`],
      ['Demo', `${api}/demo`],
      ['Contract', `${api}/openapi.json`],
      ['Health', `${api}/health`],
      ['Events', `${api}/_devstack/events`],
      ['DynamoDB Local', `http://${HOST}:${dynamodbPort}`],
      ['Data', dataDir],
    ] as const) {
      expect(ready).toContain(`  ${label.padEnd(14)} ${url}\n`);
    }
    // The printed URLs answer.
    for (const path of ['/health', '/docs', '/openapi.json', '/_devstack/events']) {
      expect((await fetch(`${api}${path}`)).status, path).toBe(200);
    }
    const java = dynamodbLocalPid(dynamodbPort);
    javaPids.push(java);
    expect(await isPortFree(dynamodbPort, HOST)).toBe(false);

    // A second `npm start` with the same settings stops at once, naming the busy port.
    const second = startCli(env);
    const secondExit = await exitWithin(second, 30_000);
    expect(secondExit).toEqual({ code: 1, signal: null });
    expect(second.output()).toContain(
      `Cannot start: Port ${httpPort} (the HTTP gateway) is already in use. Is another \`npm start\` running? Stop it, or choose another port with TESSERA_HTTP_PORT=<port>.`,
    );
    expect(second.output()).not.toContain('Tessera is ready');
    expect((await fetch(`${api}/health`)).status).toBe(200);

    // Ctrl-C: SIGINT to the whole process group.
    process.kill(-(cli.child.pid as number), 'SIGINT');
    const exit = await exitWithin(cli, 30_000);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(cli.output()).toContain('SIGINT: stopping Tessera ...');
    expect(cli.output()).toContain('Stopped.');
    expect(await gone(java)).toBe(true);
    expect(await isPortFree(dynamodbPort, HOST)).toBe(true);
    expect(await isPortFree(httpPort, HOST)).toBe(true);
    await expect(fetch(`${api}/health`)).rejects.toThrow();
    // The data stays for the next start.
    expect(existsSync(join(dataDir, 'dynamodb', 'shared-local-instance.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'secrets', 'users', 'jwt-private-keys'))).toBe(true);
  });

  it('stops Java itself on a SIGTERM sent to the CLI alone', { timeout: 180_000 }, async () => {
    const { httpPort, dynamodbPort, env } = await settings();
    const cli = startCli(env);
    await waitFor(cli, 'Press Ctrl-C to stop.', 120_000);
    const java = dynamodbLocalPid(dynamodbPort);
    javaPids.push(java);

    // Only the CLI gets the signal (as from `kill <pid>`): Java goes only if the CLI stops it.
    process.kill(cli.child.pid as number, 'SIGTERM');
    const exit = await exitWithin(cli, 30_000);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(cli.output()).toContain('SIGTERM: stopping Tessera ...');
    expect(await gone(java)).toBe(true);
    expect(await isPortFree(dynamodbPort, HOST)).toBe(true);
    expect(await isPortFree(httpPort, HOST)).toBe(true);
  });
});
