/**
 * The devstack's secrets, as the manifests declare them: each one a file,
 * `<dataDir>/secrets/<service>/<id>`, referenced as `file:<path>` where AWS uses `ssm:` parameters,
 * generated once by its kind and kept, so tokens and cursors stay valid across restarts:
 *
 * - `random`: 32 random bytes, base64url;
 * - `jwk-private-set`: an ES256 key as a JWK set, its `kid` the start of its thumbprint;
 * - `jwk-public-set`: the public half of the private set it names (`of`), derived again at every
 *   start, so it always matches the private set.
 *
 * A data folder from before the manifests held one key set (`secrets/jwt-keys.json`) and one cursor
 * secret (`secrets/cursor-secret`) for everyone; they seed the new files, so tokens and cursors
 * issued before the upgrade keep working.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, SecretManifest } from '@tessera/tooling/manifests';
import { newJwkSet, newRandomSecret, publicJwkSet } from '@tessera/tooling/secret-values';

interface SecretFile {
  readonly service: string;
  readonly id: string;
  readonly kind: SecretManifest['kind'];
  /** Absolute path; the function's environment gets `file:<path>`. */
  readonly path: string;
}

/** What the folder held before each manifest declared its own secrets. */
const LEGACY = { jwkPrivateSet: 'jwt-keys.json', random: 'cursor-secret' } as const;

/**
 * Where the devstack keeps a service's secret.
 *
 * @example
 * secretFile('.tessera', 'users', 'jwt-private-keys'); // '.tessera/secrets/users/jwt-private-keys'
 */
const secretFile = (dataDir: string, service: string, id: string): string =>
  join(dataDir, 'secrets', service, id);

/** Writes a file readable by its owner only, whole or not at all. */
const writeSecret = (path: string, content: string) => {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, path);
};

const legacy = (dataDir: string, name: string): string | undefined => {
  const path = join(dataDir, 'secrets', name);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
};

/**
 * Makes sure every secret the manifests declare has its file, and answers where each one is.
 *
 * @example
 * const files = ensureSecrets('.tessera', loadManifests());
 * files.find((f) => f.service === 'users' && f.id === 'jwt-public-keys')?.path;
 */
const ensureSecrets = (dataDir: string, manifests: readonly Manifest[]): SecretFile[] => {
  const files: SecretFile[] = [];
  const publicSets: Array<{ readonly file: SecretFile; readonly of: string }> = [];
  for (const manifest of manifests) {
    const entries = Object.entries(manifest.secrets);
    if (entries.length === 0) continue;
    mkdirSync(join(dataDir, 'secrets', manifest.name), { recursive: true, mode: 0o700 });
    for (const [id, secret] of entries) {
      const file: SecretFile = {
        service: manifest.name,
        id,
        kind: secret.kind,
        path: secretFile(dataDir, manifest.name, id),
      };
      files.push(file);
      if (secret.kind === 'jwk-public-set') {
        publicSets.push({ file, of: secretFile(dataDir, manifest.name, secret.of) });
        continue;
      }
      if (existsSync(file.path)) continue;
      const content =
        secret.kind === 'random'
          ? (legacy(dataDir, LEGACY.random) ?? newRandomSecret())
          : (legacy(dataDir, LEGACY.jwkPrivateSet) ?? newJwkSet());
      writeSecret(file.path, content);
    }
  }
  // Private sets first: each public set is derived from its private one, every start.
  for (const { file, of } of publicSets) {
    const content = publicJwkSet(readFileSync(of, 'utf8'));
    if (!existsSync(file.path) || readFileSync(file.path, 'utf8') !== content)
      writeSecret(file.path, content);
  }
  return files;
};

export type { SecretFile };
export { ensureSecrets, secretFile };
