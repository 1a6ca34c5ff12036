/**
 * The services of this repository, found from `services/<name>/table.json`, with their table
 * declarations and bundles.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTableDeclaration, type TableDeclaration } from '@tessera/shared/table-declaration';
import { repoRoot } from './contract.ts';

interface ServiceDefinition {
  readonly name: string;
  readonly table: TableDeclaration;
}

const discoverServices = (root: string = repoRoot): ServiceDefinition[] =>
  readdirSync(join(root, 'services'))
    .filter((name) => existsSync(join(root, 'services', name, 'table.json')))
    .sort()
    .map((name) => ({
      name,
      table: parseTableDeclaration(
        JSON.parse(readFileSync(join(root, 'services', name, 'table.json'), 'utf8')),
      ),
    }));

/** The bundle a function runs: `dist/<name>/index.mjs`, as `scripts/build.ts` writes it. */
const bundlePath = (name: string, root: string = repoRoot): string => join(root, 'dist', name, 'index.mjs');

export type { ServiceDefinition };
export { bundlePath, discoverServices };
