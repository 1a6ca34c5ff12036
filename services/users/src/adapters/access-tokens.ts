/**
 * Access tokens: ES256 JWTs, 15 minutes, with `iss`, `aud`, `sub`, `role`, `jti`, `iat`, `exp`, a
 * `kid` in the header and `typ` `at+jwt` (RFC 9068).
 *
 * Keys come as a JWK set (from SSM Parameter Store in AWS, a file in the devstack). The first key
 * with a private part signs; every key verifies, so a key can be rotated in before it signs and
 * kept after it stops. Verification is pinned to ES256, requires `iss`, `aud`, `exp`, `sub`, and
 * `typ` `at+jwt`, and picks the key by `kid`: `alg: none`, HS256 with the public key, a foreign
 * key, a tampered payload, an expired token and a wrong audience all fail.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '@tessera/shared/auth';
import { isRole } from '@tessera/shared/auth';
import { type CryptoKey, errors, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { AccessTokenIssuer } from '#domain/ports';

const ALGORITHM = 'ES256';
const TOKEN_TYPE = 'at+jwt';
const ACCESS_TOKEN_SECONDS = 15 * 60;

interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly lifetimeSeconds?: number;
}

interface PublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

interface VerifiedToken {
  readonly userId: string;
  readonly role: Role;
  readonly expiresAt: number;
}

class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejectedError';
  }
}

interface KeyRing {
  readonly signing: { readonly kid: string; readonly key: CryptoKey } | null;
  readonly verifying: ReadonlyMap<string, CryptoKey>;
  readonly jwks: readonly PublicJwk[];
}

const publicPart = (jwk: JWK): PublicJwk => {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y || !jwk.kid) {
    throw new Error('Every token key must be a P-256 EC JWK with a kid');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwk.kid, alg: ALGORITHM, use: 'sig' };
};

/**
 * Reads a JWK set (`{"keys":[...]}`) into keys for signing and verifying.
 *
 * @example
 * const ring = await loadKeyRing(await loadSecret(config.JWT_KEYS));
 */
const loadKeyRing = async (jwkSetJson: string): Promise<KeyRing> => {
  const parsed = JSON.parse(jwkSetJson) as { keys?: JWK[] };
  const keys = parsed.keys ?? [];
  if (keys.length === 0) throw new Error('The token key set holds no keys');
  const jwks = keys.map(publicPart);
  const verifying = new Map<string, CryptoKey>();
  for (const jwk of jwks) verifying.set(jwk.kid, (await importJWK(jwk, ALGORITHM)) as CryptoKey);
  const privateJwk = keys.find((k) => k.d !== undefined);
  const signing = privateJwk
    ? {
        kid: String(privateJwk.kid),
        key: (await importJWK({ ...privateJwk, alg: ALGORITHM }, ALGORITHM)) as CryptoKey,
      }
    : null;
  return { signing, verifying, jwks };
};

const createAccessTokenIssuer = (ring: KeyRing, settings: TokenSettings): AccessTokenIssuer => {
  const lifetime = settings.lifetimeSeconds ?? ACCESS_TOKEN_SECONDS;
  const signing = ring.signing;
  if (!signing) throw new Error('The token key set has no private key to sign with');
  return {
    async issue({ userId, role }) {
      const token = await new SignJWT({ role })
        .setProtectedHeader({ alg: ALGORITHM, kid: signing.kid, typ: TOKEN_TYPE })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${lifetime}s`)
        .sign(signing.key);
      return { token, expiresIn: lifetime };
    },
  };
};

const reasonFor = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'The access token has expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The access token's ${error.claim} claim is not accepted`;
  return 'The access token is not valid';
};

/** Verifies an access token; throws `TokenRejectedError` with a reason safe to show the caller. */
const createAccessTokenVerifier = (ring: KeyRing, settings: TokenSettings) => {
  const keyFor = (header: { kid?: string }) => {
    const key = header.kid === undefined ? undefined : ring.verifying.get(header.kid);
    if (!key) throw new TokenRejectedError('The access token was not signed by a Tessera key');
    return key;
  };
  return async (token: string): Promise<VerifiedToken> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keyFor, {
        algorithms: [ALGORITHM],
        issuer: settings.issuer,
        audience: settings.audience,
        typ: TOKEN_TYPE,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'],
        clockTolerance: 5,
      }));
    } catch (error) {
      if (error instanceof TokenRejectedError) throw error;
      throw new TokenRejectedError(reasonFor(error));
    }
    if (typeof payload.sub !== 'string' || !isRole(payload.role) || typeof payload.exp !== 'number') {
      throw new TokenRejectedError('The access token is not valid');
    }
    return { userId: payload.sub, role: payload.role, expiresAt: payload.exp };
  };
};

export type { KeyRing, PublicJwk, TokenSettings, VerifiedToken };
export {
  ACCESS_TOKEN_SECONDS,
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  loadKeyRing,
  TokenRejectedError,
};
