/**
 * Healthy means ready: a devstack started with a bootstrap admin opens its gateway only once start-up
 * is complete, so the first `/health` that answers 200 comes when the admin can already log in (a
 * script that waits for health and then logs in must never find the admin missing). A devstack of
 * its own starts here, on the run's DynamoDB Local, with tables of its own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Devstack, startDevstack } from '../../../packages/devstack/src/index.ts';
import { freePort } from '../../../packages/devstack/src/ports.ts';
import { pollUntil } from '../../support/poll.ts';

let devstack: Devstack | undefined;
afterAll(async () => {
  await devstack?.stop();
});

describe('A devstack starting with a bootstrap admin', () => {
  it('answers /health 200 only once that admin can log in', { timeout: 90_000 }, async () => {
    // Prepare
    const httpPort = await freePort();
    const url = `http://127.0.0.1:${httpPort}`;
    const admin = {
      email: `ready-${randomUUID()}@e2e.tessera.test`,
      password: 'ready admin passphrase, long enough',
    };

    // Act: start, and ask for health as often as a waiting script would, until it answers 200.
    const starting = startDevstack({
      httpPort,
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tablePrefix: `ready-${randomUUID().slice(0, 6)}-`,
      build: false,
      bootstrapAdmin: admin,
      logLevel: 'ERROR',
    });
    const notYet: number[] = [];
    const health = await pollUntil(
      () =>
        fetch(`${url}/health`).then(
          (response) => response.status,
          () => 0,
        ),
      (status) => {
        if (status !== 200) notYet.push(status);
        return status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 5 },
    );
    const login = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
    devstack = await starting;

    // Assess: nothing answered before start-up was complete; then the admin logs in at once.
    expect(health).toBe(200);
    expect(new Set(notYet)).toEqual(new Set([0]));
    expect(login.status).toBe(200);
    expect(devstack.startup.at(-1)?.name).toBe('gateway');
  });
});
