/**
 * The services of this repository, from their manifests (`services/<name>/service.json`), with their
 * table declarations, subscriptions and bundles.
 */
import { join } from 'node:path';
import type { TableDeclaration } from '@tessera/shared/table-declaration';
import { loadServiceManifests, type Manifest } from '@tessera/tooling/manifests';
import { repoRoot } from '@tessera/tooling/repo';
import type { EventPattern } from './event-bus.ts';

interface Subscription {
  readonly name: string;
  readonly pattern: EventPattern;
  /** The export of the service's bundle that receives the events. */
  readonly exportName: string;
}

interface ServiceDefinition {
  readonly name: string;
  readonly manifest: Manifest;
  readonly table: TableDeclaration;
  readonly subscriptions: readonly Subscription[];
}

const discoverServices = (root: string = repoRoot): ServiceDefinition[] =>
  loadServiceManifests(root).flatMap((manifest) =>
    manifest.tableDeclaration
      ? [
          {
            name: manifest.name,
            manifest,
            table: manifest.tableDeclaration,
            subscriptions: manifest.subscriptions.map((subscription) => ({
              name: subscription.name,
              pattern: subscription.pattern as EventPattern,
              exportName: manifest.functions[subscription.target.function]?.export ?? 'handler',
            })),
          },
        ]
      : [],
  );

/** The bundle a function runs: `dist/<name>/index.mjs`, as the build writes it. */
const bundlePath = (name: string, root: string = repoRoot): string => join(root, 'dist', name, 'index.mjs');

export type { ServiceDefinition, Subscription };
export { bundlePath, discoverServices };
