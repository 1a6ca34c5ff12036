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

describe('Adapter: createSessionStore, login attempts', () => {
  const reserveAt = (emailKey: string, at: number) => store.reserveLoginAttempt(emailKey, at, LOCKOUT);
  const stored = async (emailKey: string) =>
    (
      await table.documentClient.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: `LOGIN#${emailKey}`, sk: 'FAILURES' } }),
      )
    ).Item;

  it('reserves 10 attempts, then refuses with their times, and keeps the record past the window', async () => {
    // Prepare
    const emailKey = `${crypto.randomUUID()}@example.com`;
    const times = Array.from({ length: 10 }, (_, i) => NOW + i * 1000);

    // Act
    for (const at of times) expect(await reserveAt(emailKey, at)).toEqual({ reserved: true });
    const eleventh = await reserveAt(emailKey, NOW + 11_000);

    // Assess
    expect(eleventh.reserved).toBe(false);
    if (eleventh.reserved) return;
    expect([...eleventh.times].sort((a, b) => a - b)).toEqual(times);
    expect(lockedForSeconds(eleventh, NOW + 11_000)).toBe((WINDOW - 11_000) / 1000);
    expect((await stored(emailKey))?.ttl).toBeGreaterThanOrEqual((NOW + 9000 + WINDOW) / 1000);
  });

  it('lets exactly 10 of 60 attempts racing at once through, and refuses every other', async () => {
    // Prepare
    const emailKey = `${crypto.randomUUID()}@example.com`;

    // Act
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => reserveAt(emailKey, NOW + i)));

    // Assess
    expect(answers.filter((a) => a.reserved)).toHaveLength(LOCKOUT.threshold);
    const item = await stored(emailKey);
    const slots = Object.keys(item ?? {}).filter((name) => /^a\d+$/.test(name));
    expect(slots).toHaveLength(LOCKOUT.threshold);
  });

  it('frees the slot of an attempt once it is older than the window, one attempt per slot', async () => {
    // Prepare
    const emailKey = `${crypto.randomUUID()}@example.com`;
    for (let i = 0; i < 10; i++) await reserveAt(emailKey, NOW + i * 60_000);

    // Act: the first attempt is 15 minutes old at NOW + WINDOW, the second not yet.
    const afterFirstExpires = await reserveAt(emailKey, NOW + WINDOW);
    const stillFull = await reserveAt(emailKey, NOW + WINDOW + 1);

    // Assess
    expect(afterFirstExpires).toEqual({ reserved: true });
    expect(stillFull.reserved).toBe(false);
  });

  it('clears every attempt', async () => {
    const emailKey = `${crypto.randomUUID()}@example.com`;
    for (let i = 0; i < 10; i++) await reserveAt(emailKey, NOW + i);

    await store.clearLoginFailures(emailKey);

    await expect(stored(emailKey)).resolves.toBeUndefined();
    await expect(reserveAt(emailKey, NOW + 20)).resolves.toEqual({ reserved: true });
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
