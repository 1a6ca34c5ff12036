/**
 * Values for the secrets the manifests declare, by kind, made the same way by every tool that
 * makes them: the devstack (its secret files), the rotation script (SSM) and the bench (its SSM
 * stand-in).
 *
 * - `random`: random bytes, base64url (32 unless asked for more);
 * - `jwk-private-set`: a JWK set of one fresh ES256 key, its `kid` the start of its RFC 7638
 *   thumbprint;
 * - `jwk-public-set`: the public half of a private set: each key without its private members.
 *
 * @example
 * const privateSet = newJwkSet();
 * JSON.parse(publicJwkSet(privateSet)).keys[0].d; // undefined
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

/** A JSON Web Key as these sets hold it. */
type Jwk = Readonly<Record<string, unknown>> & { readonly kid?: string; readonly d?: string };

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'] as const;

/** A fresh ES256 signing key with its private part; its `kid` is the start of its thumbprint. */
const newSigningKey = (): Jwk => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  // RFC 7638: the required members of an EC key, in lexicographic order.
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
  return { ...jwk, kid: thumbprint.slice(0, 16), alg: 'ES256', use: 'sig' };
};

/** The key without its private part (`d`). */
const publicKeyOf = (key: Jwk): Jwk =>
  Object.fromEntries(PUBLIC_MEMBERS.filter((member) => key[member] !== undefined).map((m) => [m, key[m]]));

/** A JWK set of one fresh signing key, as JSON. */
const newJwkSet = (): string => JSON.stringify({ keys: [newSigningKey()] }, null, 2);

/** The public half of a JWK set (JSON in, JSON out); a set without keys is refused. */
const publicJwkSet = (privateSetJson: string): string => {
  const { keys } = JSON.parse(privateSetJson) as { keys?: Jwk[] };
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('The JWK set holds no keys');
  return JSON.stringify({ keys: keys.map(publicKeyOf) }, null, 2);
};

/** A random secret: `bytes` random bytes, base64url. */
const newRandomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export type { Jwk };
export { newJwkSet, newRandomSecret, newSigningKey, publicJwkSet, publicKeyOf };
