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
import { type BuildOptions, build } from 'esbuild';
import { zipSync } from 'fflate';
import { repoRoot } from './repo.ts';

interface FunctionBuild {
  readonly name: string;
  readonly entry: string;
}

interface BuiltFunction {
  readonly name: string;
  readonly directory: string;
  readonly zipPath: string;
  readonly rawBytes: number;
  /** Per export: the code a cold start loads to serve the first request (see FIRST_REQUEST_PARTS). */
  readonly firstRequestBytes: Readonly<Record<string, number>>;
  readonly gzipBytes: number;
  readonly zipBytes: number;
}

const DIST = join(repoRoot, 'dist');
// 1980-01-01, the earliest time a zip entry can hold: zips are reproducible byte for byte.
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

/** Lets bundled CommonJS dependencies `require` Node built-ins from an ES module. */
const REQUIRE_SHIM =
  "import { createRequire as __tesseraCreateRequire } from 'node:module';\nconst require = __tesseraCreateRequire(import.meta.url);";

/**
 * Modules replaced in every Lambda bundle. Lambda functions get their credentials from the
 * environment, so the SDK's whole default credential chain is replaced by an env-only provider;
 * and the browser user-agent parser that the SDK's core re-exports never runs in Node.
 */
const awsStandIn = (file: string) => join(repoRoot, 'packages', 'shared', 'src', 'aws', file);
const ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': awsStandIn('lambda-credentials.ts'),
  bowser: awsStandIn('browser-user-agent.ts'),
};

/**
 * Exports that load a part of their bundle on the first request (a dynamic import in the entry),
 * by bundle and export: the users bundle serves the users service and the API authorizer, and each
 * loads only its own part. Exports not listed load everything statically from the entry.
 */
const FIRST_REQUEST_PARTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  users: { handler: 'services/users/src/service.ts', authorizer: 'services/users/src/authorizer.ts' },
};

/**
 * How every Lambda bundle is built: ESM for node22, minified, split into chunks so code behind an
 * `import()` loads only when reached, `module` fields first, no source maps unless asked. The
 * benchmark builds its SDK-only floors with the same options (ADR 0017).
 */
const esbuildOptions = {
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  alias: ALIASES,
  conditions: ['module', 'import'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'external',
  sourcemap: false,
  banner: { js: REQUIRE_SHIM },
  logLevel: 'warning',
} as const satisfies BuildOptions;

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
    ...esbuildOptions,
    entryPoints: { index: fn.entry },
    metafile: true,
    outdir: directory,
    sourcemap: sourcemap ? 'linked' : false,
  });
  const outputs = result.metafile.outputs;
  const staticClosure = (start: string, into: Set<string>) => {
    if (into.has(start)) return into;
    into.add(start);
    for (const imported of outputs[start]?.imports ?? []) {
      if (imported.kind === 'import-statement') staticClosure(imported.path, into);
    }
    return into;
  };
  const entry = relative(process.cwd(), join(directory, 'index.mjs'));
  const bytesOf = (paths: Set<string>) =>
    [...paths].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0);
  const parts = FIRST_REQUEST_PARTS[fn.name] ?? { handler: '' };
  const firstRequestBytes = Object.fromEntries(
    Object.entries(parts).map(([exportName, part]) => {
      const loaded = staticClosure(entry, new Set());
      const partOutput = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === part);
      if (part !== '' && !partOutput) throw new Error(`${fn.name}: no chunk for ${part}`);
      if (partOutput) staticClosure(partOutput, loaded);
      return [exportName, bytesOf(loaded)];
    }),
  );
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
    firstRequestBytes,
    gzipBytes: bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
    zipBytes: zip.length,
  };
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Builds every function and returns their sizes; `report` receives the size table, line by line. */
const buildAll = async (
  options: { readonly sourcemap?: boolean; readonly report?: (line: string) => void } = {},
) => {
  mkdirSync(DIST, { recursive: true });
  const started = performance.now();
  const built = await Promise.all(
    functionsToBuild().map((fn) => buildFunction(fn, options.sourcemap ?? false)),
  );
  const { report } = options;
  if (report) {
    report('function                first request   all code       gzip        zip');
    for (const b of built) {
      const whole = [b.rawBytes, b.gzipBytes, b.zipBytes].map((n) => kb(n).padStart(10)).join(' ');
      for (const [exportName, bytes] of Object.entries(b.firstRequestBytes)) {
        const label = Object.keys(b.firstRequestBytes).length > 1 ? `${b.name} (${exportName})` : b.name;
        report(`${label.padEnd(23)} ${kb(bytes).padStart(13)} ${whole}`);
      }
    }
    report(
      "first request = the entry, the export's part and their static imports; each operation adds its own validators (a few KiB) on its first request; the rest loads on first need",
    );
    report(`built ${built.length} bundles into dist/ in ${Math.round(performance.now() - started)} ms`);
  }
  return built;
};

export type { BuiltFunction };
export { buildAll, DIST, esbuildOptions, zipDirectory };
