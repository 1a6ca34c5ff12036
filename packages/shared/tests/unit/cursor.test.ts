import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../src/cursor.ts';
import { ValidationError } from '../../src/errors.ts';

const SECRET = 'a-cursor-secret-of-at-least-32-characters';
const KEY = { pk: 'USER#1', sk: 'PROFILE', gsi1pk: 'USERS', gsi1sk: '2026-01-01T00:00:00.000Z#1' };

describe('Function: createCursorCodec', () => {
  it('round-trips a key through an opaque cursor', async () => {
    const codec = createCursorCodec(SECRET);

    const cursor = await codec.encode(KEY, 'users:all');

    expect(cursor).not.toContain('USER#1');
    await expect(codec.decode(cursor ?? undefined, 'users:all')).resolves.toEqual(KEY);
  });

  it('encodes no key as null and decodes no cursor as undefined', async () => {
    const codec = createCursorCodec(SECRET);

    await expect(codec.encode(undefined, 'users:all')).resolves.toBeNull();
    await expect(codec.decode(undefined, 'users:all')).resolves.toBeUndefined();
  });

  it('reads a secret given as a loader once, and not for a page with no cursor in or out', async () => {
    // Prepare
    let loads = 0;
    const codec = createCursorCodec(async () => {
      loads++;
      return SECRET;
    });

    // Act
    await codec.decode(undefined, 'users:all');
    await codec.encode(undefined, 'users:all');
    const loadsWithoutCursors = loads;
    const cursor = await codec.encode(KEY, 'users:all');
    await codec.decode(cursor ?? undefined, 'users:all');

    // Assess
    expect(loadsWithoutCursors).toBe(0);
    expect(loads).toBe(1);
    expect(cursor).toBe(await createCursorCodec(SECRET).encode(KEY, 'users:all'));
  });

  it.each([
    ['a cursor for another list', async (c: string) => c, 'tickets:reporter:2'],
    [
      'a cursor with a changed key',
      async (c: string) =>
        `${Buffer.from(JSON.stringify({ ...KEY, pk: 'USER#2' })).toString('base64url')}.${c.split('.')[1]}`,
      'users:all',
    ],
    [
      'a cursor signed with another secret',
      async () => (await createCursorCodec(`${SECRET}-other`).encode(KEY, 'users:all')) ?? '',
      'users:all',
    ],
    ['garbage', async () => 'not-a-cursor', 'users:all'],
    ['an empty signature', async (c: string) => `${c.split('.')[0]}.`, 'users:all'],
    ['three parts', async (c: string) => `${c}.x`, 'users:all'],
  ])('refuses %s with a 400 naming cursor', async (_label, tamper, scope) => {
    const codec = createCursorCodec(SECRET);
    const cursor = await tamper((await codec.encode(KEY, 'users:all')) ?? '');

    const attempt = codec.decode(cursor, scope);

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      errors: [{ location: 'query', field: 'cursor', detail: 'is not a cursor from this list' }],
    });
  });

  it('refuses a short secret, given or loaded', async () => {
    expect(() => createCursorCodec('short')).toThrow(/at least 32/);
    await expect(createCursorCodec(async () => 'short').encode(KEY, 'x')).rejects.toThrow(/at least 32/);
  });
});
