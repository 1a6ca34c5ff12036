import { readFileSync } from 'node:fs';
import { decodeJwt, importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { secretFile } from '../../../packages/devstack/src/secrets.ts';
import { devstack, newAccount, raw } from '../../support/e2e.ts';

/** Signs with the devstack's real key, to show that a valid signature alone is not enough. */
const signWithRealKey = async (claims: Record<string, unknown>) => {
  if (!devstack) throw new Error('this file runs against the devstack only');
  const file = secretFile(devstack.dataDir, 'users', 'jwt-private-keys');
  const { keys } = JSON.parse(readFileSync(file, 'utf8'));
  const key = await importJWK(keys[0], 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keys[0].kid }).sign(key);
};

describe('Access tokens signed with the real key', () => {
  it('accepts a well-formed one (the control for the cases below)', async () => {
    const account = await newAccount('real-key');
    const token = await signWithRealKey(decodeJwt(account.tokens.accessToken));

    const response = await raw('/v1/users/me', { headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(200);
  });

  it.each([
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 120 }, /has expired/],
    ['a wrong audience', { aud: 'another-api' }, /aud claim/],
    ['a wrong issuer', { iss: 'https://elsewhere.test' }, /iss claim/],
  ])('refuses %s with 401', async (_label, change, reason) => {
    const account = await newAccount('real-key-bad');
    const token = await signWithRealKey({ ...decodeJwt(account.tokens.accessToken), ...change });

    const response = await raw('/v1/users/me', { headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(reason);
  });
});
