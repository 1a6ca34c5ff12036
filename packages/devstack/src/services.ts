/**
 * The services of this repository, from their manifests (`services/<name>/service.json`), with their
 * table declarations: what the tests and the benchmarks make tables from.
 */
import { join } from 'node:path';
import type { TableDeclaration } from '@tessera/shared/table-declaration';
import { loadServiceManifests, type Manifest } from '@tessera/tooling/manifests';
import { repoRoot } from '@tessera/tooling/repo';

interface ServiceDefinition {
  readonly name: string;
  readonly manifest: Manifest;
  readonly table: TableDeclaration;
}

/**
 * Every service that has a table, with its declaration.
 *
 * @example
 * const tickets = discoverServices().find((s) => s.name === 'tickets')?.table;
 */
const discoverServices = (root: string = repoRoot): ServiceDefinition[] =>
  loadServiceManifests(root).flatMap((manifest) =>
    manifest.tableDeclaration ? [{ name: manifest.name, manifest, table: manifest.tableDeclaration }] : [],
  );

/** The bundle a manifest's functions run: `<dist>/<name>/index.mjs`, as the build writes it. */
const bundlePath = (name: string, distDir: string = join(repoRoot, 'dist')): string =>
  join(distDir, name, 'index.mjs');

export type { ServiceDefinition };
export { bundlePath, discoverServices };
