/**
 * The devstack's secrets, generated once into its data folder and kept there, so tokens stay valid
 * across restarts: the ES256 signing key (as a JWK set) and the cursor secret. In AWS the same
 * material lives in SSM Parameter Store.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface DevstackSecrets {
  /** `file:` reference to the private JWK set. */
  readonly jwtKeys: string;
  readonly cursorSecret: string;
}

/** A fresh ES256 key as a JWK set, its `kid` the key's SHA-256 thumbprint prefix. */
const generateJwkSet = (): string => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
  return JSON.stringify(
    { keys: [{ ...jwk, kid: thumbprint.slice(0, 16), alg: 'ES256', use: 'sig' }] },
    null,
    2,
  );
};

const writeOnce = (path: string, make: () => string) => {
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
};

const ensureSecrets = (dataDir: string): DevstackSecrets => {
  const folder = join(dataDir, 'secrets');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const jwtKeys = join(folder, 'jwt-keys.json');
  const cursorSecret = join(folder, 'cursor-secret');
  writeOnce(jwtKeys, generateJwkSet);
  writeOnce(cursorSecret, () => randomBytes(32).toString('base64url'));
  return { jwtKeys: `file:${jwtKeys}`, cursorSecret: `file:${cursorSecret}` };
};

export type { DevstackSecrets };
export { ensureSecrets, generateJwkSet };
