import { createHmac } from 'node:crypto';
import { type CryptoKey, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  loadKeyRing,
  TokenRejectedError,
} from '../../../src/adapters/access-tokens.ts';

const SETTINGS = { issuer: 'https://tessera.test', audience: 'tessera-api' };
const USER = { userId: '5a1f9c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b', role: 'provider' as const };

const keySet = async (kid: string) => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
};

const setup = async () => {
  const jwk = await keySet('k1');
  const ring = await loadKeyRing(JSON.stringify({ keys: [jwk] }));
  const issuer = createAccessTokenIssuer(ring, SETTINGS);
  const verify = createAccessTokenVerifier(ring, SETTINGS);
  return { jwk, ring, issuer, verify };
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const reasonFor = async (verify: (t: string) => Promise<unknown>, token: string): Promise<string> => {
  try {
    await verify(token);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    return error.reason;
  }
};

/** Signs claims with a key of our own choosing, as an attacker or a misconfigured peer would. */
const signWith = async (
  key: CryptoKey | Uint8Array,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
) => new SignJWT(claims).setProtectedHeader(header as never).sign(key);

const goodClaims = () => ({
  role: 'admin',
  iss: SETTINGS.issuer,
  aud: SETTINGS.audience,
  sub: USER.userId,
  jti: 'j1',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 900,
});

describe('Function: createAccessTokenIssuer', () => {
  it('issues an ES256 at+jwt with kid, iss, aud, sub, role, jti, iat and a 15-minute exp', async () => {
    const { issuer } = await setup();

    const { token, expiresIn } = await issuer.issue(USER);

    expect(expiresIn).toBe(900);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: SETTINGS.issuer,
      aud: SETTINGS.audience,
      sub: USER.userId,
      role: 'provider',
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
  });
});

describe('Function: createAccessTokenVerifier', () => {
  it('accepts its own tokens', async () => {
    const { issuer, verify } = await setup();
    const { token } = await issuer.issue(USER);

    await expect(verify(token)).resolves.toMatchObject({ userId: USER.userId, role: 'provider' });
  });

  it('refuses alg none', async () => {
    const { verify } = await setup();
    const token = `${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${b64(goodClaims())}.`;

    expect(await reasonFor(verify, token)).toBe('The access token is not valid');
  });

  it('refuses a tampered payload', async () => {
    const { issuer, verify } = await setup();
    const [header, , signature] = (await issuer.issue(USER)).token.split('.');
    const forged = `${header}.${b64({ ...goodClaims(), role: 'admin' })}.${signature}`;

    expect(await reasonFor(verify, forged)).toBe('The access token is not valid');
  });

  it('refuses a token signed by a foreign key under a known kid', async () => {
    const { verify } = await setup();
    const { privateKey } = await generateKeyPair('ES256');

    const token = await signWith(privateKey, { alg: 'ES256', kid: 'k1', typ: 'at+jwt' }, goodClaims());

    expect(await reasonFor(verify, token)).toBe('The access token is not valid');
  });

  it('refuses an unknown kid', async () => {
    const { verify } = await setup();
    const { privateKey } = await generateKeyPair('ES256');

    const token = await signWith(privateKey, { alg: 'ES256', kid: 'other', typ: 'at+jwt' }, goodClaims());

    expect(await reasonFor(verify, token)).toBe('The access token was not signed by a Tessera key');
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const { verify, jwk } = await setup();
    const header = b64({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' });
    const body = b64(goodClaims());
    const mac = createHmac('sha256', JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }))
      .update(`${header}.${body}`)
      .digest('base64url');

    expect(await reasonFor(verify, `${header}.${body}.${mac}`)).toBe('The access token is not valid');
  });

  it.each([
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 60 }, 'The access token has expired'],
    ['a wrong audience', { aud: 'another-api' }, "The access token's aud claim is not accepted"],
    ['a wrong issuer', { iss: 'https://evil.test' }, "The access token's iss claim is not accepted"],
    ['no subject', { sub: undefined }, "The access token's sub claim is not accepted"],
  ])('refuses %s', async (_label, change, reason) => {
    const { verify, jwk } = await setup();
    const { importJWK } = await import('jose');
    const key = (await importJWK(jwk, 'ES256')) as CryptoKey;
    const claims = Object.fromEntries(
      Object.entries({ ...goodClaims(), ...change }).filter(([, v]) => v !== undefined),
    );

    const token = await signWith(key, { alg: 'ES256', kid: 'k1', typ: 'at+jwt' }, claims);

    expect(await reasonFor(verify, token)).toBe(reason);
  });

  it('refuses a correctly signed JWT that is not an access token (typ JWT)', async () => {
    const { verify, jwk } = await setup();
    const { importJWK } = await import('jose');
    const key = (await importJWK(jwk, 'ES256')) as CryptoKey;

    const token = await signWith(key, { alg: 'ES256', kid: 'k1', typ: 'JWT' }, goodClaims());

    expect(await reasonFor(verify, token)).toBe("The access token's typ claim is not accepted");
  });

  it('refuses an opaque refresh token', async () => {
    const { verify } = await setup();

    expect(await reasonFor(verify, 'hJ3v2Qm0f5m4x9ZkPq7WcA8Yt1Ls6Rb0Ne3Ui2Oo4Pk')).toBe(
      'The access token is not valid',
    );
  });

  it('verifies with a public-only key set, as the authorizer holds', async () => {
    const { issuer, ring } = await setup();
    const publicRing = await loadKeyRing(JSON.stringify({ keys: ring.jwks }));
    const { token } = await issuer.issue(USER);

    await expect(createAccessTokenVerifier(publicRing, SETTINGS)(token)).resolves.toMatchObject({
      role: 'provider',
    });
    expect(() => createAccessTokenIssuer(publicRing, SETTINGS)).toThrow(/no private key/);
  });
});

describe('Function: loadKeyRing', () => {
  it('publishes only the public parts', async () => {
    const { ring } = await setup();

    expect(ring.jwks).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: 'k1',
        alg: 'ES256',
        use: 'sig',
      },
    ]);
    expect(JSON.stringify(ring.jwks)).not.toContain('"d"');
  });

  it('verifies with every key and signs with the first private one, so keys can be rotated', async () => {
    const older = await keySet('old');
    const newer = await keySet('new');
    const before = await loadKeyRing(JSON.stringify({ keys: [older] }));
    const after = await loadKeyRing(JSON.stringify({ keys: [newer, older] }));
    const oldToken = (await createAccessTokenIssuer(before, SETTINGS).issue(USER)).token;

    const newToken = (await createAccessTokenIssuer(after, SETTINGS).issue(USER)).token;

    expect(decodeProtectedHeader(newToken).kid).toBe('new');
    await expect(createAccessTokenVerifier(after, SETTINGS)(oldToken)).resolves.toMatchObject({
      userId: USER.userId,
    });
  });

  it('refuses an empty set and a key of another kind', async () => {
    await expect(loadKeyRing('{"keys":[]}')).rejects.toThrow(/no keys/);
    await expect(loadKeyRing(JSON.stringify({ keys: [{ kty: 'oct', k: 'abc', kid: 'x' }] }))).rejects.toThrow(
      /P-256/,
    );
  });
});
