import { describe, expect, it } from 'vitest';
import { principalFrom } from '../../src/auth.ts';

describe('Function: principalFrom', () => {
  it('reads the principal from a valid context', () => {
    expect(principalFrom({ userId: 'u1', role: 'provider', exp: 200 }, 100)).toEqual({
      userId: 'u1',
      role: 'provider',
      expiresAt: 200,
    });
  });

  it.each([
    ['no context', undefined],
    ['a refusal', { authError: 'The access token has expired' }],
    ['an unknown role', { userId: 'u1', role: 'root', exp: 200 }],
    ['an expired token', { userId: 'u1', role: 'user', exp: 100 }],
    ['no expiry', { userId: 'u1', role: 'user' }],
    ['an empty user id', { userId: '', role: 'user', exp: 200 }],
  ])('answers null for %s', (_label, context) => {
    expect(principalFrom(context, 100)).toBeNull();
  });
});
