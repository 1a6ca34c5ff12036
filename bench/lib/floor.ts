/**
 * Builds the floor bundles (`bench/floors/*.ts`) into a temporary folder, with the esbuild options
 * `scripts/build.ts` exports, so a floor differs from a service bundle only in what it imports and
 * follows any change to the build by itself. The same floors serve every run, a run over an older
 * build's bundles included: one yardstick for before and after.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../packages/tooling/src/build.ts';
import { repoRoot } from '../../packages/tooling/src/repo.ts';

interface Floor {
  /** `floor-dynamodb`, `floor-eventbridge`. */
  readonly name: string;
  readonly directory: string;
}

const FLOORS = {
  'floor-dynamodb': join(repoRoot, 'bench', 'floors', 'dynamodb.ts'),
  'floor-eventbridge': join(repoRoot, 'bench', 'floors', 'eventbridge.ts'),
} as const;

type FloorName = keyof typeof FLOORS;

/** The floor each function is measured against: the SDK clients it uses, nothing more. */
const floorOf = (functionName: string): FloorName =>
  functionName === 'publisher' ? 'floor-eventbridge' : 'floor-dynamodb';

/**
 * Builds every floor into a fresh temporary folder and returns where each one is.
 *
 * @example
 * const floors = await buildFloors();
 * // floors[0].directory + '/index.mjs'
 */
const buildFloors = async (): Promise<Floor[]> => {
  const root = mkdtempSync(join(tmpdir(), 'tessera-bench-floors-'));
  return Promise.all(
    (Object.entries(FLOORS) as Array<[FloorName, string]>).map(async ([name, entry]) => {
      const directory = join(root, name);
      await build({ ...esbuildOptions, entryPoints: { index: entry }, outdir: directory, write: true });
      return { name, directory };
    }),
  );
};

export type { Floor, FloorName };
export { buildFloors, floorOf };
