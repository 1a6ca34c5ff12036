import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createSessionStore } from '../../src/adapters/session-store.ts';
import type { RefreshTokenRecord } from '../../src/domain/ports.ts';

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
  it('counts failures inside the window and opens a new window after it', async () => {
    const userId = crypto.randomUUID();

    await store.recordLoginFailure(userId, NOW, WINDOW);
    const second = await store.recordLoginFailure(userId, NOW + 1000, WINDOW);
    const afterWindow = await store.recordLoginFailure(userId, NOW + WINDOW + 1, WINDOW);

    expect(second).toEqual({ windowStart: NOW, count: 2 });
    expect(afterWindow).toEqual({ windowStart: NOW + WINDOW + 1, count: 1 });
    await expect(store.getLoginFailures(userId)).resolves.toEqual(afterWindow);
  });

  it('loses no failure when many are recorded at once', async () => {
    const userId = crypto.randomUUID();

    await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.recordLoginFailure(userId, NOW + i, WINDOW)),
    );

    await expect(store.getLoginFailures(userId)).resolves.toEqual({
      windowStart: expect.any(Number),
      count: 12,
    });
  });

  it('clears failures', async () => {
    const userId = crypto.randomUUID();
    await store.recordLoginFailure(userId, NOW, WINDOW);

    await store.clearLoginFailures(userId);

    await expect(store.getLoginFailures(userId)).resolves.toBeNull();
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
