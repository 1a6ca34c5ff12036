/**
 * A devstack stopped with payment messages in flight loses none and charges none twice: its queues'
 * journals (under the data folder) keep each message and its receive count, a message received but
 * not deleted comes back once its visibility timeout is over, and the payments resume where they
 * stood. A devstack of its own runs here, on the run's DynamoDB Local, with tables of its own, and
 * is started twice on the same data folder.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Devstack, startDevstack } from '../../../packages/devstack/src/index.ts';
import { at } from '../../support/bookings.ts';
import { pollUntil } from '../../support/poll.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-restart-'));
const tablePrefix = `restart-${randomUUID().slice(0, 6)}-`;
const admin = {
  email: `restart-admin-${randomUUID()}@e2e.tessera.test`,
  password: 'restart admin passphrase, long',
};
let devstack: Devstack | undefined;

afterAll(async () => {
  await devstack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () =>
  startDevstack({
    httpPort: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix,
    dataDir,
    build: false,
    bootstrapAdmin: admin,
    logLevel: 'ERROR',
  });

// biome-ignore lint/suspicious/noExplicitAny: the answers are read field by field, each checked by an expect.
type Json = Record<string, any>;

const api = async (method: string, path: string, token?: string, body?: unknown) => {
  const response = await fetch(`${devstack?.httpUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as Json };
};

const signIn = async (email: string, password: string) =>
  (await api('POST', '/v1/auth/login', undefined, { email, password })).body.accessToken as string;

const account = async (label: string) => {
  const email = `${label}-${randomUUID()}@e2e.tessera.test`;
  const password = 'a perfectly fine passphrase';
  const { body } = await api('POST', '/v1/auth/register', undefined, { email, password, name: label });
  return { id: body.id as string, email, password, token: await signIn(email, password) };
};

describe('A devstack restarted with payments in flight', () => {
  it('finishes every payment after the restart, each charged once after 3 attempts', {
    timeout: 120_000,
  }, async () => {
    // Prepare: a provider's room, and tok_flaky bookings whose first attempt erred.
    devstack = await start();
    const adminToken = await signIn(admin.email, admin.password);
    const provider = await account('restart-provider');
    await api('PATCH', `/v1/users/${provider.id}`, adminToken, { role: 'provider' });
    const providerToken = await signIn(provider.email, provider.password);
    const user = await account('restart-booker');
    const room = await pollUntil(
      () =>
        api('POST', '/v1/rooms', providerToken, {
          name: 'Restart room',
          type: 'restart',
          capacity: 2,
          pricePerHour: 600,
          currency: 'EUR',
        }),
      (response) => response.status !== 422,
      { timeoutMs: 10_000 },
    );
    expect(room.status).toBe(201);
    const bookings: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { status, body } = await api('POST', '/v1/bookings', user.token, {
        roomId: room.body.id,
        startTime: at(3, 8 + i),
        endTime: at(3, 9 + i),
        paymentToken: 'tok_flaky',
      });
      expect(status).toBe(201);
      bookings.push(body.id as string);
    }
    const attempts = (bookingId: string) =>
      api('GET', `/v1/payments?bookingId=${bookingId}`, user.token).then((r) =>
        r.status === 200 ? (r.body.items[0].attempts.length as number) : 0,
      );
    await pollUntil(
      () => Promise.all(bookings.map(attempts)),
      (counts) => counts.every((n) => n >= 1),
      { timeoutMs: 15_000, intervalMs: 20 },
    );
    const queues = (await api('GET', '/_devstack/queues')).body.items as {
      name: string;
      visible: number;
      inFlight: number;
    }[];
    const before = queues.find((q) => q.name === 'payments-charges');

    // Act: stop with the messages in flight, and start again on the same data folder.
    await devstack.stop();
    devstack = undefined;
    devstack = await start();
    // On a new port: tokens name the gateway they came from, so sign in again.
    user.token = await signIn(user.email, user.password);

    // Assess: every booking confirmed, every payment charged once, on its third attempt.
    expect((before?.visible ?? 0) + (before?.inFlight ?? 0)).toBeGreaterThan(0);
    const final = await pollUntil(
      () =>
        Promise.all(
          bookings.map((id) =>
            api('GET', `/v1/bookings/${id}`, user.token).then((r) => r.body.status as string),
          ),
        ),
      (statuses) => statuses.every((s) => s === 'CONFIRMED'),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(final).toEqual(bookings.map(() => 'CONFIRMED'));
    for (const id of bookings) {
      const { body } = await api('GET', `/v1/payments?bookingId=${id}`, user.token);
      const payment = body.items[0];
      expect(payment.status).toBe('SUCCEEDED');
      expect(payment.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
        'ERROR',
        'ERROR',
        'SUCCEEDED',
      ]);
    }
    const after = (await api('GET', '/_devstack/queues')).body.items.find(
      (q: { name: string }) => q.name === 'payments-charges',
    );
    expect(after).toMatchObject({ visible: 0, inFlight: 0, deadLetterQueue: { depth: 0 } });
  });
});
