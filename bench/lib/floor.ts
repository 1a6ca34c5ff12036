/**
 * Builds the floor bundles (`bench/floors/*.ts`) into a temporary folder, with the esbuild options
 * of `scripts/build.ts`, so a floor differs from a service bundle only in what it imports.
 *
 * When `scripts/build.ts` exports its options (`esbuildOptions`), those are used and the floors
 * follow any change to the build by themselves; otherwise the copy below, taken from it, is.
 * The same floors serve every run, a run over an older build's bundles included: one yardstick
 * for before and after.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { repoRoot } from '../../packages/devstack/src/contract.ts';

interface Floor {
  /** `floor-dynamodb`, `floor-eventbridge`. */
  readonly name: string;
  readonly directory: string;
  /** True when the options came from `scripts/build.ts` itself. */
  readonly optionsFromBuild: boolean;
}

const FLOORS = {
  'floor-dynamodb': join(repoRoot, 'bench', 'floors', 'dynamodb.ts'),
  'floor-eventbridge': join(repoRoot, 'bench', 'floors', 'eventbridge.ts'),
} as const;

type FloorName = keyof typeof FLOORS;

/** The floor each function is measured against: the SDK clients it uses, nothing more. */
const floorOf = (functionName: string): FloorName =>
  functionName === 'publisher' ? 'floor-eventbridge' : 'floor-dynamodb';

// A copy of the options of scripts/build.ts (buildFunction), used when it does not export them;
// in step with it as of ADR 0018 (the SDK's credential chain aliased to an env-only provider).
const LAMBDA_CREDENTIALS = join(repoRoot, 'packages', 'shared', 'src', 'aws', 'lambda-credentials.ts');
const REQUIRE_SHIM =
  "import { createRequire as __tesseraCreateRequire } from 'node:module';\nconst require = __tesseraCreateRequire(import.meta.url);";
const COPIED_OPTIONS: BuildOptions = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  ...(existsSync(LAMBDA_CREDENTIALS)
    ? { alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS } }
    : {}),
  conditions: ['module', 'import'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'external',
  sourcemap: false,
  banner: { js: REQUIRE_SHIM },
  logLevel: 'warning',
};

const buildOptions = async (): Promise<{ options: BuildOptions; fromBuild: boolean }> => {
  const module = (await import('../../scripts/build.ts')) as unknown as Record<string, unknown>;
  const exported = module.esbuildOptions;
  if (exported && typeof exported === 'object') return { options: exported as BuildOptions, fromBuild: true };
  return { options: COPIED_OPTIONS, fromBuild: false };
};

/**
 * Builds every floor into a fresh temporary folder and returns where each one is.
 *
 * @example
 * const floors = await buildFloors();
 * // floors[0].directory + '/index.mjs'
 */
const buildFloors = async (): Promise<Floor[]> => {
  const root = mkdtempSync(join(tmpdir(), 'tessera-bench-floors-'));
  const { options, fromBuild } = await buildOptions();
  return Promise.all(
    (Object.entries(FLOORS) as Array<[FloorName, string]>).map(async ([name, entry]) => {
      const directory = join(root, name);
      await build({
        ...options,
        entryPoints: { index: entry },
        outdir: directory,
        outExtension: { '.js': '.mjs' },
        sourcemap: false,
        write: true,
        metafile: false,
      });
      return { name, directory, optionsFromBuild: fromBuild };
    }),
  );
};

export type { Floor, FloorName };
export { buildFloors, floorOf };
