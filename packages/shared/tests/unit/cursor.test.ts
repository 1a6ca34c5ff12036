import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../src/cursor.ts';
import { ValidationError } from '../../src/errors.ts';

const SECRET = 'a-cursor-secret-of-at-least-32-characters';
const KEY = { pk: 'USER#1', sk: 'PROFILE', gsi1pk: 'USERS', gsi1sk: '2026-01-01T00:00:00.000Z#1' };

describe('Function: createCursorCodec', () => {
  it('round-trips a key through an opaque cursor', () => {
    const codec = createCursorCodec(SECRET);

    const cursor = codec.encode(KEY, 'users:all');

    expect(cursor).not.toContain('USER#1');
    expect(codec.decode(cursor ?? undefined, 'users:all')).toEqual(KEY);
  });

  it('encodes no key as null and decodes no cursor as undefined', () => {
    const codec = createCursorCodec(SECRET);

    expect(codec.encode(undefined, 'users:all')).toBeNull();
    expect(codec.decode(undefined, 'users:all')).toBeUndefined();
  });

  it.each([
    ['a cursor for another list', (c: string) => c, 'tickets:reporter:2'],
    [
      'a cursor with a changed key',
      (c: string) =>
        `${Buffer.from(JSON.stringify({ ...KEY, pk: 'USER#2' })).toString('base64url')}.${c.split('.')[1]}`,
      'users:all',
    ],
    [
      'a cursor signed with another secret',
      () => createCursorCodec(`${SECRET}-other`).encode(KEY, 'users:all') ?? '',
      'users:all',
    ],
    ['garbage', () => 'not-a-cursor', 'users:all'],
    ['an empty signature', (c: string) => `${c.split('.')[0]}.`, 'users:all'],
    ['three parts', (c: string) => `${c}.x`, 'users:all'],
  ])('refuses %s with a 400 naming cursor', (_label, tamper, scope) => {
    const codec = createCursorCodec(SECRET);
    const cursor = tamper(codec.encode(KEY, 'users:all') ?? '');

    const attempt = () => codec.decode(cursor, scope);

    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).errors).toEqual([
        { location: 'query', field: 'cursor', detail: 'is not a cursor from this list' },
      ]);
    }
  });

  it('refuses a short secret', () => {
    expect(() => createCursorCodec('short')).toThrow(/at least 32/);
  });
});
