import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionError, FunctionHost, FunctionTimeoutError } from '../../src/function-host.ts';

const hosts: FunctionHost[] = [];
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
});
