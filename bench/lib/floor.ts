/**
 * Builds the floor bundles (`bench/floors/*.ts`) and the warm baselines
 * (`bench/baselines/functions/*.ts`) into temporary folders, with the esbuild options the build
 * exports (`packages/tooling/src/build.ts`), so they differ from a service bundle only in what they
 * import and follow any change to the build by themselves. The same floors serve every run, a run
 * over an older build's bundles included: one yardstick for before and after.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { dropUnusedRequireShims, esbuildOptions } from '../../packages/tooling/src/build.ts';
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
      dropUnusedRequireShims(directory);
      return { name, directory };
    }),
  );
};

/** The warm benchmark's baselines, as Lambda entries (`bench/baselines/functions/*.ts`). */
const BASELINES = {
  middy: join(repoRoot, 'bench', 'baselines', 'functions', 'middy.ts'),
  powertools: join(repoRoot, 'bench', 'baselines', 'functions', 'powertools.ts'),
  'sdk only': join(repoRoot, 'bench', 'baselines', 'functions', 'sdk-floor.ts'),
} as const;

/**
 * Builds the warm baselines like the floors, with the build's options, so they run the AWS SDK
 * bundled exactly as the tickets bundle does; returns each one's `index.mjs`.
 *
 * @example
 * const { entries } = await buildBaselines(); // entries.middy: .../index.mjs
 */
const buildBaselines = async (): Promise<{
  readonly directory: string;
  readonly entries: Record<keyof typeof BASELINES, string>;
}> => {
  const root = mkdtempSync(join(tmpdir(), 'tessera-bench-baselines-'));
  const built = await Promise.all(
    Object.entries(BASELINES).map(async ([name, entry], i) => {
      const directory = join(root, String(i));
      await build({ ...esbuildOptions, entryPoints: { index: entry }, outdir: directory, write: true });
      dropUnusedRequireShims(directory);
      return [name, join(directory, 'index.mjs')] as const;
    }),
  );
  return { directory: root, entries: Object.fromEntries(built) as Record<keyof typeof BASELINES, string> };
};

export type { Floor, FloorName };
export { buildBaselines, buildFloors };
