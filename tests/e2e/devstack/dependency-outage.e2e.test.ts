/**
 * When DynamoDB is down or frozen, data operations answer 503 problem+json with `Retry-After` within
 * a few seconds, write nothing, and recover by themselves once it is back (ADR 0024). A devstack of
 * its own runs here over a TCP proxy in front of the run's DynamoDB Local, so the test can break the
 * connection without touching the suite's devstack.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Devstack, startDevstack } from '../../../packages/devstack/src/index.ts';
import { breachesOf } from '../../support/contract-check.ts';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';

let proxy: TcpProxy;
let devstack: Devstack;

beforeAll(async () => {
  proxy = await startTcpProxy(inject('dynamodbEndpoint'));
  devstack = await startDevstack({
    httpPort: 0,
    dynamodbEndpoint: proxy.url,
    tablePrefix: `outage-${randomUUID().slice(0, 6)}-`,
    build: false,
    logLevel: 'ERROR',
  });
}, 60_000);

afterAll(async () => {
  await proxy.set('up');
  await devstack?.stop();
  await proxy?.close();
});

const register = (email: string) =>
  fetch(`${devstack.httpUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a perfectly fine passphrase', name: 'Outage' }),
  });

/** Registers, timing the answer and checking it against the contract. */
const timedRegister = async (email: string) => {
  const started = performance.now();
  const response = await register(email);
  const ms = performance.now() - started;
  const breaches = await breachesOf('POST', new URL(`${devstack.httpUrl}/v1/auth/register`), response);
  return { response, ms, breaches };
};

describe('A data operation while DynamoDB cannot be reached', () => {
  it.each(['frozen', 'down'] as const)(
    'answers 503 with Retry-After when DynamoDB is %s, writes nothing, and works again once it is back',
    async (mode) => {
      // Prepare
      const email = `outage-${mode}-${randomUUID()}@example.com`;

      // Act
      await proxy.set(mode);
      const during = await timedRegister(email);
      await proxy.set('up');
      const after = await timedRegister(email);

      // Assess
      expect(during.response.status).toBe(503);
      expect(during.breaches).toEqual([]);
      expect(Number(during.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await during.response.json()).toMatchObject({
        type: 'urn:tessera:problem:dependency-unavailable',
        status: 503,
      });
      // The function's own 503 (its client gave up), not the gateway's for a function that hung
      // until its timeout; the time it took is printed, not asserted.
      console.log(`DynamoDB ${mode}: 503 after ${Math.round(during.ms)} ms`);
      // Nothing was written: the same email registers once DynamoDB is back.
      expect(after.response.status).toBe(201);
    },
    30_000,
  );

  it('reports the failing dependency in /health with 503, and ok again after', async () => {
    await proxy.set('down');
    const down = await fetch(`${devstack.httpUrl}/health`);
    await proxy.set('up');
    const up = await fetch(`${devstack.httpUrl}/health`);

    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'degraded', checks: { dynamodb: { status: 'fail' } } });
    expect(up.status).toBe(200);
  });
});
