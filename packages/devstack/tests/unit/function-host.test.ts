import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionError, FunctionHost, FunctionTimeoutError } from '../../src/function-host.ts';

const hosts: FunctionHost[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});

/** Builds a small ESM bundle whose `lazy` export loads a chunk on first call, as our bundles do. */
const bundle = async () => {
  const source = mkdtempSync(join(tmpdir(), 'tessera-host-src-'));
  writeFileSync(join(source, 'part.ts'), 'export const answer = () => 42;\n');
  writeFileSync(
    join(source, 'index.ts'),
    [
      "export const lazy = async () => (await import('./part.ts')).answer();",
      'export const env = async () => process.env.GREETING;',
      "export const fail = async () => { throw new TypeError('boom'); };",
      'export const slow = () => new Promise((resolve) => setTimeout(resolve, 5000));',
      // Which worker runs an invocation: an id drawn once, when the module loads (the cold start).
      'const coldStart = Math.random();',
      'export const id = async () => coldStart;',
      // Runs until the test creates `file`, then answers with the cold start's id.
      "import { appendFileSync, existsSync } from 'node:fs';",
      'export const gate = async ({ file }) => {',
      '  while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 10));',
      '  return coldStart;',
      '};',
      // Never ends: appends to `file` every 10 ms for as long as its worker lives.
      'export const beat = ({ file }) => new Promise(() => setInterval(() => appendFileSync(file, "."), 10));',
    ].join('\n'),
  );
  const out = mkdtempSync(join(tmpdir(), 'tessera-host-dist-'));
  await build({
    entryPoints: { index: join(source, 'index.ts') },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  rmSync(source, { recursive: true, force: true });
  return { out, entry: join(out, 'index.mjs') };
};

describe('Class: FunctionHost', () => {
  it('runs each function with its own environment', async () => {
    const { out, entry } = await bundle();
    const host = new FunctionHost({ name: 'greeter', bundle: entry, environment: { GREETING: 'hello' } });
    hosts.push(host);

    await expect(host.invoke('env', {})).resolves.toBe('hello');
    rmSync(out, { recursive: true, force: true });
  });

  it('keeps serving lazily loaded code when the bundle on disk is rebuilt or removed', async () => {
    const { out, entry } = await bundle();
    const host = new FunctionHost({ name: 'lazy', bundle: entry, environment: {} });
    hosts.push(host);
    await host.start();

    rmSync(out, { recursive: true, force: true });

    await expect(host.invoke('lazy', {})).resolves.toBe(42);
  });

  it('passes a thrown error on with its type, and times out a slow invocation', async () => {
    const { out, entry } = await bundle();
    const host = new FunctionHost({ name: 'errors', bundle: entry, environment: {}, timeoutMs: 200 });
    hosts.push(host);

    await expect(host.invoke('fail', {})).rejects.toMatchObject({
      name: 'FunctionError',
      errorType: 'TypeError',
      message: 'boom',
    });
    await expect(host.invoke('slow', {})).rejects.toBeInstanceOf(FunctionTimeoutError);
    await expect(host.invoke('missing', {})).rejects.toBeInstanceOf(FunctionError);
    await expect(host.invoke('lazy', {})).resolves.toBe(42);
    rmSync(out, { recursive: true, force: true });
  });

  it('lets the invocations running beside a timed-out one finish with their results', async () => {
    const { out, entry } = await bundle();
    const host = new FunctionHost({ name: 'beside', bundle: entry, environment: {}, timeoutMs: 1000 });
    hosts.push(host);
    const before = await host.invoke('id', {});
    const open = join(out, 'open');

    const slow = host.invoke('slow', {});
    await sleep(500);
    const gated = host.invoke('gate', { file: open });
    await expect(slow).rejects.toBeInstanceOf(FunctionTimeoutError);
    writeFileSync(open, '');

    // It ran, and finished, in the worker the slow invocation timed out in.
    await expect(gated).resolves.toBe(before);
    rmSync(out, { recursive: true, force: true });
  });

  it('runs the invocations after a timeout in a fresh worker, a new cold start', async () => {
    const { out, entry } = await bundle();
    const host = new FunctionHost({ name: 'fresh', bundle: entry, environment: {}, timeoutMs: 200 });
    hosts.push(host);
    const before = await host.invoke('id', {});

    await expect(host.invoke('slow', {})).rejects.toBeInstanceOf(FunctionTimeoutError);
    const after = await host.invoke('id', {});

    expect(after).not.toBe(before);
    await expect(host.invoke('id', {})).resolves.toBe(after);
    rmSync(out, { recursive: true, force: true });
  });

  it('ends the worker of a timed-out invocation once the last invocation running in it settles', async () => {
    const { out, entry } = await bundle();
    const host = new FunctionHost({ name: 'retired', bundle: entry, environment: {}, timeoutMs: 1000 });
    hosts.push(host);
    await host.start();
    const beats = join(out, 'beats');
    const open = join(out, 'open');
    const size = () => (existsSync(beats) ? readFileSync(beats, 'utf8').length : 0);

    const beat = host.invoke('beat', { file: beats });
    await sleep(500);
    const gated = expect(host.invoke('gate', { file: open })).resolves.toEqual(expect.any(Number));
    await expect(beat).rejects.toBeInstanceOf(FunctionTimeoutError);

    // The timed-out code still runs: its worker is retired, not ended, while `gate` runs in it.
    const atTimeout = size();
    await sleep(100);
    expect(size()).toBeGreaterThan(atTimeout);

    writeFileSync(open, '');
    await gated;
    await sleep(200);
    const ended = size();
    await sleep(300);
    expect(size()).toBe(ended);
    rmSync(out, { recursive: true, force: true });
  });
});
