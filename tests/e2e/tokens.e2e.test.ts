import { createLocalJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { client, newAccount, raw } from '../support/e2e.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const me = (authorization: string) => raw('/v1/users/me', { headers: { authorization } });

const expectRefused = async (response: Response, description?: RegExp) => {
  expect(response.status).toBe(401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="tessera"/);
  if (description) expect(challenge).toMatch(description);
};

describe('GET /.well-known/jwks.json', () => {
  it('publishes the public keys that verify the access tokens, and no private part', async () => {
    const account = await newAccount('jwks');

    const { data, response } = await client().GET('/.well-known/jwks.json');

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('max-age');
    expect(JSON.stringify(data)).not.toContain('"d"');
    const claims = decodeJwt(account.tokens.accessToken);
    const verified = await jwtVerify(account.tokens.accessToken, createLocalJWKSet(data as never), {
      algorithms: ['ES256'],
      issuer: String(claims.iss),
      audience: 'tessera-api',
      typ: 'at+jwt',
    });
    expect(verified.payload).toMatchObject({ sub: account.user.id, role: 'user' });
  });
});

describe('Access tokens on a secured operation', () => {
  it('answers 401 with a Bearer challenge when no token is presented', async () => {
    await expectRefused(await raw('/v1/users/me'));
  });

  it('refuses alg none', async () => {
    const account = await newAccount('none');
    const claims = decodeJwt(account.tokens.accessToken);

    await expectRefused(
      await me(`Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claims, role: 'admin' })}.`),
      /invalid_token/,
    );
  });

  it('refuses a tampered payload', async () => {
    const account = await newAccount('tamper');
    const [header, payload, signature] = account.tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());

    await expectRefused(
      await me(`Bearer ${header}.${b64({ ...claims, role: 'admin' })}.${signature}`),
      /invalid_token/,
    );
  });

  it('refuses a token signed by a foreign key, even under the real kid', async () => {
    const account = await newAccount('foreign');
    const { kid } = JSON.parse(
      Buffer.from(account.tokens.accessToken.split('.')[0] ?? '', 'base64url').toString(),
    );
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...decodeJwt(account.tokens.accessToken), role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .sign(privateKey);

    await expectRefused(await me(`Bearer ${forged}`), /invalid_token/);
  });

  it('refuses a refresh token used as an access token', async () => {
    const account = await newAccount('refresh-as-access');

    await expectRefused(await me(`Bearer ${account.tokens.refreshToken}`), /invalid_token/);
  });

  it('refuses another scheme', async () => {
    await expectRefused(await me('Basic YWRtaW46YWRtaW4='), /invalid_token/);
  });
});
