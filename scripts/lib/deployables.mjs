/**
 * Prints the deployables and their functions, one `<deployable> <function>` line per function, read
 * from the manifests (each `services/<name>/service.json`, then the publisher's
 * `packages/shared/publisher.json`), for `scripts/deploy-lambda.sh`.
 *
 * Plain JavaScript with no dependency, so the deploy script needs nothing but Node (which building
 * needs anyway) to learn what to ship. It only lists names: `packages/tooling/src/manifests.ts`
 * checks the manifests (the build refuses an invalid one), and a test holds the two to the same list.
 *
 * Usage: node scripts/lib/deployables.mjs [<repository root>]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const services = join(root, 'services');
const paths = [
  ...readdirSync(services, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(services, entry.name, 'service.json')))
    .map((entry) => join(services, entry.name, 'service.json'))
    .sort(),
  join(root, 'packages', 'shared', 'publisher.json'),
];
for (const path of paths) {
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  for (const name of Object.keys(manifest.functions ?? {})) console.log(`${manifest.name} ${name}`);
}
