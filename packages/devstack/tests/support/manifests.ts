/**
 * Made-up manifests for the devstack's tests: a `service.json` written into a temporary folder and
 * read by the real manifest reader, so a test can declare what no service of the repository does
 * yet (a queue target, a setting with no value).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Manifest, type ManifestInput, readManifest } from '@tessera/tooling/manifests';

/**
 * Writes the manifest (and an empty entry) under `<root>/services/<name>/` and reads it back.
 *
 * @example
 * const payments = fakeManifest({ name: 'payments', description: 'x', functions: { ... } });
 */
const fakeManifest = (
  manifest: ManifestInput,
  root = mkdtempSync(join(tmpdir(), 'tessera-manifest-')),
): Manifest => {
  const directory = join(root, 'services', manifest.name);
  mkdirSync(join(directory, 'src'), { recursive: true });
  writeFileSync(join(directory, 'src', 'index.ts'), 'export const handler = async () => null;\n');
  const path = join(directory, 'service.json');
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return readManifest(path, root);
};

export { fakeManifest };
