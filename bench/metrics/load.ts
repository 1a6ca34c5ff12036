/**
 * Local end-to-end load: autocannon against the devstack (run alone in a child process on a fresh
 * data folder), `GET /v1/tickets/{id}` and `POST /v1/tickets` with a bearer token; requests per
 * second, latency p50 and p99, errors, and the peak memory of the devstack's processes (its node
 * process, functions' worker threads included, and DynamoDB Local's java). Baseline in the same
 * run: a bare `node:http` server answering the same body, the ceiling of this machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type BenchChild, spawnBenchChild } from '../lib/children.ts';
import type { LoadResults, LoadRun, RssPeak } from '../lib/results.ts';
import { sampleRss } from '../lib/rss.ts';

interface LoadOptions {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly sampleIntervalMs: number;
  readonly log: (line: string) => void;
}

interface Target {
  readonly get: { readonly path: string };
  readonly post: { readonly path: string; readonly body: string };
  readonly headers: Record<string, string>;
}

const CREATE_BODY = JSON.stringify({
  title: 'Load test ticket',
  description: 'Made by autocannon.',
  priority: 'HIGH',
});

const post = async (url: string, body: unknown, token?: string) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
};

/** A user, their token and one of their tickets, through the public API. */
const prepareDevstack = async (httpUrl: string): Promise<Target> => {
  const credentials = { email: `load-${Date.now()}@example.com`, password: 'correct horse battery staple' };
  await post(`${httpUrl}/v1/auth/register`, { ...credentials, name: 'Load' });
  const tokens = await post(`${httpUrl}/v1/auth/login`, credentials);
  const token = String(tokens.accessToken);
  const ticket = await post(`${httpUrl}/v1/tickets`, JSON.parse(CREATE_BODY), token);
  return {
    get: { path: `/v1/tickets/${String(ticket.id)}` },
    post: { path: '/v1/tickets', body: CREATE_BODY },
    headers: { authorization: `Bearer ${token}` },
  };
};

const cannon = async (
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | undefined,
  seconds: number,
  connections: number,
) =>
  autocannon({
    url,
    method,
    connections,
    duration: seconds,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });

const runOperations = async (
  targetName: LoadRun['target'],
  httpUrl: string,
  target: Target,
  options: LoadOptions,
): Promise<LoadRun[]> => {
  const runs: LoadRun[] = [];
  const operations = [
    { name: 'GET /v1/tickets/{id}', method: 'GET' as const, path: target.get.path, body: undefined },
    { name: 'POST /v1/tickets', method: 'POST' as const, path: target.post.path, body: target.post.body },
  ];
  for (const operation of operations) {
    const url = `${httpUrl}${operation.path}`;
    await cannon(
      url,
      operation.method,
      target.headers,
      operation.body,
      options.warmupSeconds,
      options.connections,
    );
    const result = await cannon(
      url,
      operation.method,
      target.headers,
      operation.body,
      options.seconds,
      options.connections,
    );
    const run: LoadRun = {
      target: targetName,
      operation: operation.name,
      connections: options.connections,
      seconds: options.seconds,
      requests: result.requests.total,
      rps: result.requests.average,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    runs.push(run);
    options.log(
      `  ${targetName} ${operation.name}: ${Math.round(run.rps)} req/s, p50 ${run.latencyP50Ms} ms, p99 ${run.latencyP99Ms} ms, non-2xx ${run.non2xx}, errors ${run.errors}`,
    );
  }
  return runs;
};

const withChild = async <T>(
  child: BenchChild,
  rootName: string,
  intervalMs: number,
  work: (message: Record<string, unknown>) => Promise<T>,
): Promise<{ result: T; rss: RssPeak[] }> => {
  try {
    const { message } = await child.ready;
    const sampler = sampleRss(child.pid, rootName, intervalMs);
    try {
      const result = await work(message);
      return { result, rss: sampler.stop() };
    } catch (error) {
      sampler.stop();
      throw error;
    }
  } finally {
    await child.stop();
  }
};

/**
 * Loads the devstack, then the ceiling server, one after the other.
 *
 * @example
 * const load = await measureLoad({ seconds: 20, warmupSeconds: 3, connections: 16, sampleIntervalMs: 250, log });
 */
const measureLoad = async (options: LoadOptions): Promise<LoadResults> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-load-'));
  try {
    const devstack = await withChild(
      spawnBenchChild('devstack', { BENCH_DATA_DIR: dataDir }),
      'node (devstack)',
      options.sampleIntervalMs,
      async (message) => {
        const httpUrl = String(message.httpUrl);
        return runOperations('devstack', httpUrl, await prepareDevstack(httpUrl), options);
      },
    );
    const ceiling = await withChild(
      spawnBenchChild('ceiling', {}),
      'node (bare http server)',
      options.sampleIntervalMs,
      (message) =>
        runOperations(
          'ceiling',
          String(message.httpUrl),
          {
            get: { path: '/v1/tickets/x' },
            post: { path: '/v1/tickets', body: CREATE_BODY },
            headers: { authorization: 'Bearer x' },
          },
          options,
        ),
    );
    return {
      runs: [...devstack.result, ...ceiling.result],
      rss: devstack.rss,
      ceilingRss: ceiling.rss,
      sampleIntervalMs: options.sampleIntervalMs,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export { measureLoad };
