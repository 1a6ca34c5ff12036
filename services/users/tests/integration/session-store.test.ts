import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createSessionStore } from '../../src/adapters/session-store.ts';
import type { RefreshTokenRecord } from '../../src/domain/ports.ts';
import { LOCKOUT, lockedForSeconds } from '../../src/domain/sessions.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;
let store: ReturnType<typeof createSessionStore>;

beforeAll(async () => {
  table = await serviceTable('users');
  store = createSessionStore(table.documentClient, table.tableName);
});
afterAll(() => table.drop());

const WINDOW = 15 * 60 * 1000;
const NOW = Date.parse('2026-11-21T05:00:00.000Z');

const token = (familyId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  hash: crypto.randomUUID(),
  userId: 'u-1',
  familyId,
  createdAt: new Date(NOW).toISOString(),
  familyExpiresAt: NOW + 30 * 24 * 3600 * 1000,
  ...overrides,
});

const family = async () => {
  const id = crypto.randomUUID();
  const first = token(id);
  await store.startFamily({ id, userId: 'u-1', expiresAt: first.familyExpiresAt }, first);
  return { id, first };
};

describe('Adapter: createSessionStore, login failures', () => {
  const sorted = (times: readonly number[]) => [...times].sort((a, b) => a - b);

  it('keeps the times of the 10 most recent failures, and an expiry past the window', async () => {
    const emailKey = `${crypto.randomUUID()}@example.com`;
    const times = Array.from({ length: 12 }, (_, i) => NOW + i * 1000);

    for (const at of times) await store.recordLoginFailure(emailKey, at, LOCKOUT);

    const failures = await store.getLoginFailures(emailKey);
    expect(sorted(failures?.times ?? [])).toEqual(times.slice(-10));
    const { Item } = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: `LOGIN#${emailKey}`, sk: 'FAILURES' } }),
    );
    expect(Item?.failures).toHaveLength(10);
    expect(Item?.ttl).toBeGreaterThanOrEqual((NOW + 11_000 + WINDOW) / 1000);
  });

  it('counts every one of 10 concurrent failures, so they lock the login', async () => {
    const emailKey = `${crypto.randomUUID()}@example.com`;
    const times = Array.from({ length: 10 }, (_, i) => NOW + i);

    await Promise.all(times.map((at) => store.recordLoginFailure(emailKey, at, LOCKOUT)));

    const failures = await store.getLoginFailures(emailKey);
    expect(sorted(failures?.times ?? [])).toEqual(times);
    expect(lockedForSeconds(failures, NOW + 10)).toBe(WINDOW / 1000);
  });

  it('trims back to 10 when more failures than that arrive at once', async () => {
    const emailKey = `${crypto.randomUUID()}@example.com`;
    const times = Array.from({ length: 25 }, (_, i) => NOW + i);

    await Promise.all(times.map((at) => store.recordLoginFailure(emailKey, at, LOCKOUT)));

    const failures = await store.getLoginFailures(emailKey);
    expect(failures?.times).toHaveLength(10);
    expect(new Set(failures?.times)).toHaveProperty('size', 10);
    expect(failures?.times.every((at) => times.includes(at))).toBe(true);
    expect(lockedForSeconds(failures, NOW + 25)).toBeGreaterThan(0);
  });

  it('clears failures', async () => {
    const emailKey = `${crypto.randomUUID()}@example.com`;
    await store.recordLoginFailure(emailKey, NOW, LOCKOUT);

    await store.clearLoginFailures(emailKey);

    await expect(store.getLoginFailures(emailKey)).resolves.toBeNull();
  });
});

describe('Adapter: createSessionStore, refresh tokens', () => {
  it('rotates a token once; the second rotation of it is a reuse', async () => {
    const { id, first } = await family();

    const rotated = await store.rotate(first.hash, token(id), new Date(NOW).toISOString());
    const replayed = await store.rotate(first.hash, token(id), new Date(NOW).toISOString());

    expect([rotated, replayed]).toEqual(['rotated', 'reused']);
    await expect(store.getRefreshToken(first.hash)).resolves.toMatchObject({ usedAt: expect.any(String) });
  });

  it('lets exactly one of two simultaneous rotations of the same token win', async () => {
    const { id, first } = await family();

    const outcomes = await Promise.all([
      store.rotate(first.hash, token(id), new Date(NOW).toISOString()),
      store.rotate(first.hash, token(id), new Date(NOW).toISOString()),
    ]);

    expect(outcomes.sort()).toEqual(['reused', 'rotated']);
  });

  it('refuses to rotate within a revoked family and stores nothing', async () => {
    const { id, first } = await family();
    await store.revokeFamily(id, new Date(NOW).toISOString());
    const next = token(id);

    await expect(store.rotate(first.hash, next, new Date(NOW).toISOString())).resolves.toBe('revoked');

    await expect(store.getRefreshToken(next.hash)).resolves.toBeNull();
    await expect(store.getRefreshToken(first.hash)).resolves.not.toHaveProperty('usedAt');
    await expect(store.getFamily(id)).resolves.toMatchObject({ revokedAt: new Date(NOW).toISOString() });
  });

  it('keeps the first revocation time and ignores a family that does not exist', async () => {
    const { id } = await family();
    await store.revokeFamily(id, '2026-11-21T05:00:00.000Z');

    await store.revokeFamily(id, '2026-11-22T05:00:00.000Z');
    await store.revokeFamily(crypto.randomUUID(), '2026-11-22T05:00:00.000Z');

    await expect(store.getFamily(id)).resolves.toMatchObject({ revokedAt: '2026-11-21T05:00:00.000Z' });
  });
});
