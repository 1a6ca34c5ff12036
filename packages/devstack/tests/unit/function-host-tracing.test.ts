/**
 * A FunctionHost plays Lambda with active tracing: each invocation runs with its own trace header
 * in the invoke store (`globalThis.awslambda.InvokeStore`, which a bundled `@aws/lambda-invoke-store`
 * finds and uses), two at once in one worker each seeing its own, never in `_X_AMZN_TRACE_ID`; the
 * given header's trace is continued (a new one without a header, or with a bad one), and the host
 * records the function's own segment under the given Parent, a fault when it threw or timed out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@tessera/tooling/repo';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionHost } from '../../src/function-host.ts';
import type { SegmentDocument } from '../../src/trace-store.ts';

const ROOT_A = '1-5759e988-bd862e3fe1be46a994272793';
const ROOT_B = '1-6931d0f0-0123456789abcdef01234567';

/** What the bundle saw of its trace, before and after waiting. */
interface Seen {
  readonly before: string | undefined;
  readonly after: string | undefined;
  readonly viaPackage: string | undefined;
  readonly requestId: string;
  readonly awsRequestId: string;
  readonly environment: string | null;
}

const SOURCE = `
import { InvokeStore } from '@aws/lambda-invoke-store';
const atLoad = globalThis.awslambda?.InvokeStore?.hasContext();
export const seen = async ({ waitMs }, context) => {
  const store = globalThis.awslambda.InvokeStore;
  const before = store.getXRayTraceId();
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const viaPackage = (await InvokeStore.getInstanceAsync()).getXRayTraceId();
  return {
    before,
    after: store.getXRayTraceId(),
    viaPackage,
    requestId: store.getRequestId(),
    awsRequestId: context.awsRequestId,
    environment: process.env._X_AMZN_TRACE_ID ?? null,
  };
};
export const loaded = async () => atLoad;
export const protectedKey = async () => {
  try {
    globalThis.awslambda.InvokeStore.set(Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'), 'x');
    return 'set';
  } catch (error) {
    return error.message;
  }
};
export const fail = async () => { throw new TypeError('boom'); };
export const slow = () => new Promise((resolve) => setTimeout(resolve, 5000));
`;

let folder: string;
let entry: string;
let host: FunctionHost;
const segments: SegmentDocument[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tessera-host-tracing-'));
  writeFileSync(join(folder, 'index.mjs'), SOURCE);
  await build({
    entryPoints: { index: join(folder, 'index.mjs') },
    outdir: join(folder, 'dist'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    nodePaths: [join(repoRoot, 'node_modules')],
    logLevel: 'silent',
  });
  entry = join(folder, 'dist', 'index.mjs');
  host = new FunctionHost({
    name: 'traced',
    bundle: entry,
    environment: {},
    timeoutMs: 300,
    onSegment: (segment) => segments.push(segment),
  });
  await host.start();
});

afterAll(async () => {
  await host?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** The segment the host recorded for the invocation with this request id. */
const segmentOf = (requestId: string) =>
  segments.find((segment) => (segment.aws as { request_id?: string } | undefined)?.request_id === requestId);

const parentOf = (header: string | undefined) => /Parent=([0-9a-f]{16})/.exec(header ?? '')?.[1];

describe('Class: FunctionHost (tracing)', () => {
  it('gives two invocations running at once in one worker each its own trace header, in the invoke store only', async () => {
    // Prepare
    const headerA = `Root=${ROOT_A};Parent=53995c3f42cd8ad8;Sampled=1`;
    const headerB = `Sampled=1;Root=${ROOT_B};Lineage=a87bd80c:1;Parent=0123456789abcdef`;

    // Act: A waits long enough for B to start and finish inside its wait.
    const [a, b] = (await Promise.all([
      host.invoke('seen', { waitMs: 150 }, { traceHeader: headerA }),
      host.invoke('seen', { waitMs: 10 }, { traceHeader: headerB }),
    ])) as [Seen, Seen];

    // Assess
    expect(a.before).toMatch(new RegExp(`^Root=${ROOT_A};Parent=[0-9a-f]{16};Sampled=1$`));
    expect(b.before).toMatch(new RegExp(`^Root=${ROOT_B};Parent=[0-9a-f]{16};Sampled=1$`));
    expect(a.after).toBe(a.before);
    expect(b.after).toBe(b.before);
    expect(a.viaPackage).toBe(a.before);
    expect(b.viaPackage).toBe(b.before);
    expect(a.requestId).toBe(a.awsRequestId);
    expect(a.requestId).not.toBe(b.requestId);
    expect(a.environment).toBeNull();
    expect(b.environment).toBeNull();
  });

  it("records the function's own segment: its id the invocation's Parent, its parent the given header's", async () => {
    const seen = (await host.invoke(
      'seen',
      { waitMs: 20 },
      { traceHeader: `Root=${ROOT_A};Parent=53995c3f42cd8ad8;Sampled=1` },
    )) as Seen;

    const segment = segmentOf(seen.requestId);
    expect(segment).toMatchObject({
      name: 'traced',
      id: parentOf(seen.before),
      trace_id: ROOT_A,
      parent_id: '53995c3f42cd8ad8',
      origin: 'AWS::Lambda::Function',
      aws: { request_id: seen.requestId },
    });
    expect(segment?.fault).toBeUndefined();
    expect((segment?.end_time ?? 0) - (segment?.start_time ?? 0)).toBeGreaterThanOrEqual(0.015);
  });

  it.each([
    ['no header', undefined],
    ['a header with no valid Root', 'Root=1-nope;Parent=53995c3f42cd8ad8;Sampled=1'],
  ])('starts a new trace, with no parent, for %s', async (_, traceHeader) => {
    const seen = (await host.invoke('seen', { waitMs: 0 }, traceHeader ? { traceHeader } : {})) as Seen;

    const root = /Root=([^;]+)/.exec(seen.before ?? '')?.[1];
    expect(root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(root).not.toBe(ROOT_A);
    const segment = segmentOf(seen.requestId);
    expect(segment?.trace_id).toBe(root);
    expect(segment).not.toHaveProperty('parent_id');
  });

  it('marks the segment a fault when the function throws, and when it times out', async () => {
    const before = segments.length;

    await expect(host.invoke('fail', {}, { traceHeader: `Root=${ROOT_B};Sampled=1` })).rejects.toThrow(
      'boom',
    );
    await expect(host.invoke('slow', {}, { traceHeader: `Root=${ROOT_A};Sampled=1` })).rejects.toThrow(
      /timed out/,
    );

    const [thrown, timedOut] = segments.slice(before);
    expect(thrown).toMatchObject({
      trace_id: ROOT_B,
      fault: true,
      cause: { exceptions: [{ type: 'TypeError', message: 'boom' }] },
    });
    expect(timedOut).toMatchObject({ trace_id: ROOT_A, fault: true });
  });

  it('runs no code outside an invocation in a context, and keeps the protected keys from the bundle', async () => {
    await expect(host.invoke('loaded', {})).resolves.toBe(false);
    await expect(host.invoke('protectedKey', {})).resolves.toMatch(
      /Cannot modify protected Lambda context field/,
    );
  });
});
