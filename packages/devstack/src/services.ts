/**
 * The services of this repository, found from `services/<name>/table.json`, with their table
 * declarations and bundles.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTableDeclaration, type TableDeclaration } from '@tessera/shared/table-declaration';
import { repoRoot } from '@tessera/tooling/repo';
import { z } from 'zod';
import type { EventPattern } from './event-bus.ts';

/**
 * `services/<name>/subscriptions.json`: the events a service consumes. Terraform makes an
 * EventBridge rule of each; the devstack a rule on its local bus. `target` says how events arrive:
 * `function` invokes the service's Lambda directly.
 */
const subscriptionsSchema = z.strictObject({
  subscriptions: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
      description: z.string(),
      pattern: z.record(z.string(), z.unknown()),
      target: z.literal('function'),
    }),
  ),
});

interface Subscription {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly target: 'function';
}

interface ServiceDefinition {
  readonly name: string;
  readonly table: TableDeclaration;
  readonly subscriptions: readonly Subscription[];
}

const readSubscriptions = (path: string): Subscription[] =>
  existsSync(path)
    ? subscriptionsSchema
        .parse(JSON.parse(readFileSync(path, 'utf8')))
        .subscriptions.map(({ name, pattern, target }) => ({
          name,
          pattern: pattern as EventPattern,
          target,
        }))
    : [];

const discoverServices = (root: string = repoRoot): ServiceDefinition[] =>
  readdirSync(join(root, 'services'))
    .filter((name) => existsSync(join(root, 'services', name, 'table.json')))
    .sort()
    .map((name) => ({
      name,
      table: parseTableDeclaration(
        JSON.parse(readFileSync(join(root, 'services', name, 'table.json'), 'utf8')),
      ),
      subscriptions: readSubscriptions(join(root, 'services', name, 'subscriptions.json')),
    }));

/** The bundle a function runs: `dist/<name>/index.mjs`, as `scripts/build.ts` writes it. */
const bundlePath = (name: string, root: string = repoRoot): string => join(root, 'dist', name, 'index.mjs');

export type { ServiceDefinition, Subscription };
export { bundlePath, discoverServices };
