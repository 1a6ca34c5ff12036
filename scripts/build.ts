/**
 * Builds every Lambda bundle: one minified ESM bundle per function under `dist/<name>/`, and one
 * deterministic zip per function at `dist/<name>.zip` (same sources, same bytes), then prints sizes.
 *
 * Functions: each `services/<name>` (entry `src/index.ts`) and the outbox `publisher`.
 *
 * Usage: `npm run build [-- --sourcemap]`
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { repoRoot } from '../packages/devstack/src/contract.ts';

interface FunctionBuild {
  readonly name: string;
  readonly entry: string;
}

interface BuiltFunction {
  readonly name: string;
  readonly directory: string;
  readonly zipPath: string;
  readonly rawBytes: number;
  /** The entry and the chunks it imports statically: what a cold start loads. */
  readonly coldStartBytes: number;
  readonly gzipBytes: number;
  readonly zipBytes: number;
}

const DIST = join(repoRoot, 'dist');
// 1980-01-01, the earliest time a zip entry can hold: zips are reproducible byte for byte.
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

/** Lets bundled CommonJS dependencies `require` Node built-ins from an ES module. */
const REQUIRE_SHIM =
  "import { createRequire as __tesseraCreateRequire } from 'node:module';\nconst require = __tesseraCreateRequire(import.meta.url);";

const functionsToBuild = (): FunctionBuild[] => [
  ...readdirSync(join(repoRoot, 'services'))
    .filter((name) =>
      statSync(join(repoRoot, 'services', name, 'src', 'index.ts'), { throwIfNoEntry: false }),
    )
    .sort()
    .map((name) => ({ name, entry: join(repoRoot, 'services', name, 'src', 'index.ts') })),
  { name: 'publisher', entry: join(repoRoot, 'packages', 'shared', 'src', 'publisher-function', 'index.ts') },
];

const filesUnder = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();

const zipDirectory = (directory: string): Uint8Array => {
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 9 }]> = {};
  for (const file of filesUnder(directory)) {
    entries[file] = [readFileSync(join(directory, file)), { mtime: ZIP_MTIME, level: 9 }];
  }
  return zipSync(entries);
};

const buildFunction = async (fn: FunctionBuild, sourcemap: boolean): Promise<BuiltFunction> => {
  const directory = join(DIST, fn.name);
  rmSync(directory, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: fn.entry },
    metafile: true,
    outdir: directory,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    conditions: ['module', 'import'],
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'external',
    sourcemap: sourcemap ? 'linked' : false,
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
  });
  const outputs = result.metafile.outputs;
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(relative(process.cwd(), join(directory, 'index.mjs')));
  const coldStartBytes = [...loaded].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0);
  const zip = zipDirectory(directory);
  const zipPath = join(DIST, `${fn.name}.zip`);
  writeFileSync(zipPath, zip);
  const code = filesUnder(directory).filter((file) => file.endsWith('.mjs'));
  const bytes = code.map((file) => readFileSync(join(directory, file)));
  return {
    name: fn.name,
    directory,
    zipPath,
    rawBytes: bytes.reduce((sum, b) => sum + b.length, 0),
    coldStartBytes,
    gzipBytes: bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
    zipBytes: zip.length,
  };
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Builds every function (or the named ones) and returns their sizes. */
const buildAll = async (options: { readonly sourcemap?: boolean; readonly quiet?: boolean } = {}) => {
  mkdirSync(DIST, { recursive: true });
  const started = performance.now();
  const built = await Promise.all(
    functionsToBuild().map((fn) => buildFunction(fn, options.sourcemap ?? false)),
  );
  if (!options.quiet) {
    console.log('function     cold start   all code       gzip        zip');
    for (const b of built) {
      const cells = [b.coldStartBytes, b.rawBytes, b.gzipBytes, b.zipBytes].map((n) => kb(n).padStart(10));
      console.log(`${b.name.padEnd(12)} ${cells.join(' ')}`);
    }
    console.log('cold start = the entry and the chunks it imports statically; the rest loads on first need');
    console.log(`built ${built.length} bundles into dist/ in ${Math.round(performance.now() - started)} ms`);
  }
  return built;
};

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) await buildAll({ sourcemap: process.argv.includes('--sourcemap') });

export type { BuiltFunction };
export { buildAll, DIST };
