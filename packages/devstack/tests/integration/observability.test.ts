/**
 * Metrics and traces on a real devstack (ADR 0039): a made-up service whose bundle writes an EMF
 * line, a log line, and an X-Ray subsegment to its `AWS_XRAY_DAEMON_ADDRESS` at every invocation.
 * The EMF line shows up at `GET /_devstack/metrics` over real HTTP, in Prometheus's text format, and
 * is not a log line; the function's own segment and its subsegment make one trace at
 * `GET /_devstack/traces`, found by annotation; a trace header given to `invoke` is continued, a
 * `PutEvents` entry's `TraceHeader` reaches a function target's invocation and a queue target's
 * record, whose batch runs in a trace of its own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { type Devstack, startDevstack } from '../../src/index.ts';
import type { TraceSummary } from '../../src/trace-store.ts';
import { fakeManifest } from '../support/manifests.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-observability-'));
const distDir = join(root, 'dist');
const recordFile = join(root, 'invocations.jsonl');
const HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

const manifest = fakeManifest(
  {
    name: 'widgets',
    description: 'Made up: counts and traces what it does.',
    functions: {
      widgets: {
        description: 'Makes widgets.',
        export: 'handler',
        memorySize: 256,
        timeout: 5,
        environment: { RECORD_FILE: { value: recordFile } },
      },
    },
    subscriptions: [
      {
        name: 'direct',
        description: 'Invoked by the bus.',
        pattern: { source: ['tessera.widgets'], 'detail-type': ['widget.direct'] },
        target: { function: 'widgets' },
      },
      {
        name: 'queued',
        description: 'Through a queue.',
        pattern: { source: ['tessera.widgets'], 'detail-type': ['widget.queued'] },
        target: { function: 'widgets', queue: { maxReceiveCount: 3 } },
      },
    ],
  },
  root,
);

/** Writes an EMF line, a log line and a subsegment under the invocation's segment; records what it saw. */
const HANDLER = `
import { appendFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
export const handler = async (event) => {
  const header = globalThis.awslambda.InvokeStore.getXRayTraceId();
  const field = (name) => new RegExp(name + '=([^;]+)').exec(header)?.[1];
  const correlationId = event.correlationId ?? event.detail?.correlationId ?? 'none';
  process.stdout.write(JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        { Namespace: 'Tessera', Dimensions: [['service', 'environment'], ['service', 'environment', 'operation'], ['service', 'environment', 'statusClass']], Metrics: [{ Name: 'Requests', Unit: 'Count' }] },
        { Namespace: 'Tessera', Dimensions: [['service', 'environment'], ['service', 'environment', 'operation']], Metrics: [{ Name: 'Latency', Unit: 'Milliseconds' }] },
      ],
    },
    service: 'widgets', environment: 'local', operation: 'makeWidget', statusClass: '2xx',
    Requests: 1, Latency: 12.4, correlationId,
  }) + '\\n');
  console.log(JSON.stringify({ level: 'INFO', message: 'made a widget', correlationId }));
  const [host, port] = process.env.AWS_XRAY_DAEMON_ADDRESS.split(':');
  const now = Date.now() / 1000;
  const subsegment = {
    name: 'makeWidget', id: 'abcdef0123456789'.split('').sort(() => Math.random() - 0.5).join(''),
    trace_id: field('Root'), parent_id: field('Parent'), type: 'subsegment',
    start_time: now, end_time: now + 0.001,
    annotations: { correlationId, operation: 'makeWidget', service: 'widgets' },
  };
  await new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.send(Buffer.from('{"format":"json","version":1}\\n' + JSON.stringify(subsegment)), Number(port), host, () => {
      socket.close();
      resolve();
    });
  });
  appendFileSync(process.env.RECORD_FILE, JSON.stringify({
    header,
    correlationId,
    records: (event.Records ?? []).map((record) => record.attributes.AWSTraceHeader ?? null),
    daemon: process.env.AWS_XRAY_DAEMON_ADDRESS,
    contextMissing: process.env.AWS_XRAY_CONTEXT_MISSING,
  }) + '\\n');
  return { header };
};
`;

interface Invocation {
  readonly header: string;
  readonly correlationId: string;
  readonly records: readonly (string | null)[];
  readonly daemon: string;
  readonly contextMissing: string;
}

let devstack: Devstack;
const logs: string[] = [];

beforeAll(async () => {
  const source = join(root, 'handler.mjs');
  writeFileSync(source, HANDLER);
  await build({
    entryPoints: { index: source },
    outdir: join(distDir, 'widgets'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  devstack = await startDevstack({
    manifests: [manifest],
    distDir,
    build: false,
    httpPort: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: 'it-observability-',
    logLevel: 'WARN',
    onLog: (source, line) => logs.push(`[${source}] ${line}`),
  });
});

afterAll(async () => {
  await devstack?.stop();
  rmSync(root, { recursive: true, force: true });
});

const invocations = (): Invocation[] => {
  try {
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Invocation);
  } catch {
    return [];
  }
};

const invocationOf = async (correlationId: string): Promise<Invocation> => {
  const found = await pollUntil(
    () => invocations().find((i) => i.correlationId === correlationId),
    (i) => i !== undefined,
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  if (!found) throw new Error(`no invocation for ${correlationId}`);
  return found;
};

const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${devstack.httpUrl}${path}`);
  return { status: response.status, body: (await response.json()) as T };
};

/** The trace whose documents are annotated with the correlation id, once both its documents are in. */
const traceOf = async (correlationId: string): Promise<TraceSummary | undefined> =>
  (
    await pollUntil(
      async () =>
        (
          await getJson<{ items: TraceSummary[] }>(
            `/_devstack/traces?annotation.correlationId=${correlationId}`,
          )
        ).body.items,
      (items) => items.length === 1 && (items[0]?.segments ?? 0) >= 2,
      { timeoutMs: 5000, intervalMs: 50 },
    )
  )[0];

const rootOf = (header: string | undefined) => /Root=([^;]+)/.exec(header ?? '')?.[1];

describe('Devstack: metrics and traces', () => {
  it("serves a function's EMF line at GET /_devstack/metrics, and does not log it", async () => {
    // Prepare
    const before = devstack.metrics.value('tessera_requests_total', {
      service: 'widgets',
      status_class: '2xx',
    });

    // Act: the line comes through the worker's stdout, maybe a moment after the invocation's answer.
    await devstack.invoke('widgets', { correlationId: 'metrics-1' });
    await pollUntil(
      () => devstack.metrics.value('tessera_requests_total', { service: 'widgets', status_class: '2xx' }),
      (value) => value > before,
      { timeoutMs: 2000, intervalMs: 20 },
    );
    const response = await fetch(`${devstack.httpUrl}/_devstack/metrics`);
    const text = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const labels = 'environment="local",operation="makeWidget",service="widgets",status_class="2xx"';
    expect(text).toContain('# TYPE tessera_requests_total counter\n');
    expect(text).toContain(`tessera_requests_total{${labels}} ${before + 1}\n`);
    expect(text).toMatch(
      /tessera_latency_milliseconds_bucket\{environment="local",operation="makeWidget",service="widgets",le="25"\} \d+\n/,
    );
    expect(devstack.metrics.value('tessera_requests_total', { service: 'widgets' })).toBe(before + 1);
    // The log line comes through the same way.
    await pollUntil(
      () => logs.some((line) => line.includes('made a widget') && line.includes('metrics-1')),
      (found) => found,
      { timeoutMs: 2000, intervalMs: 20 },
    );
    expect(logs.filter((line) => line.includes('metrics-1'))).toEqual([
      expect.stringContaining('made a widget'),
    ]);
  });

  it("gives every function the daemon's address, and keeps the function's segment and its subsegment as one trace", async () => {
    const answer = (await devstack.invoke('widgets', { correlationId: 'trace-1' })) as { header: string };

    const invocation = await invocationOf('trace-1');
    const summary = await traceOf('trace-1');
    const trace = await getJson<{ id: string; segments: Record<string, unknown>[] }>(
      `/_devstack/traces/${summary?.id ?? ''}`,
    );

    expect(invocation.daemon).toBe(devstack.xrayDaemonAddress);
    expect(invocation.contextMissing).toBe('IGNORE_ERROR');
    expect(summary).toMatchObject({
      id: rootOf(answer.header),
      segments: 2,
      functions: ['widgets'],
      services: ['widgets'],
      annotations: { correlationId: 'trace-1', operation: 'makeWidget' },
    });
    const functionSegment = trace.body.segments.find((s) => s.origin === 'AWS::Lambda::Function');
    const subsegment = trace.body.segments.find((s) => s.type === 'subsegment');
    expect(functionSegment).toMatchObject({ name: 'widgets', trace_id: summary?.id });
    expect(functionSegment).not.toHaveProperty('parent_id');
    expect(subsegment).toMatchObject({ name: 'makeWidget', parent_id: functionSegment?.id });
    expect(devstack.traces.get(summary?.id ?? '')?.segments).toHaveLength(2);
  });

  it('continues the trace of a header given to invoke, under its Parent', async () => {
    await devstack.invoke('widgets', { correlationId: 'continued-1' }, { traceHeader: HEADER });

    const invocation = await invocationOf('continued-1');
    const summary = await traceOf('continued-1');
    const trace = devstack.traces.get(summary?.id ?? '');

    expect(rootOf(invocation.header)).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(summary?.id).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(trace?.segments.find((s) => s.origin === 'AWS::Lambda::Function')?.parent_id).toBe(
      '53995c3f42cd8ad8',
    );
  });

  it("hands a PutEvents entry's TraceHeader to a function target, and to a queue target's record in a batch of its own trace", async () => {
    const eventBridge = new EventBridgeClient({
      endpoint: devstack.eventBusEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const entry = (detailType: string, correlationId: string) => ({
      Source: 'tessera.widgets',
      DetailType: detailType,
      Detail: JSON.stringify({ correlationId }),
      EventBusName: 'tessera',
      TraceHeader: HEADER,
    });

    try {
      await eventBridge.send(
        new PutEventsCommand({
          Entries: [entry('widget.direct', 'bus-direct'), entry('widget.queued', 'bus-queued')],
        }),
      );
    } finally {
      eventBridge.destroy();
    }
    const direct = await invocationOf('bus-direct');
    const queued = await invocationOf('none');

    expect(rootOf(direct.header)).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(queued.records).toEqual([HEADER]);
    expect(rootOf(queued.header)).not.toBe('1-5759e988-bd862e3fe1be46a994272793');
    const [event] = (
      await getJson<{ items: { traceHeader?: string }[] }>('/_devstack/events?correlationId=bus-direct')
    ).body.items;
    expect(event?.traceHeader).toBe(HEADER);
  });

  it('answers an unknown trace with a 404 problem', async () => {
    const response = await fetch(`${devstack.httpUrl}/_devstack/traces/1-00000000-000000000000000000000000`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
