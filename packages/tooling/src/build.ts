/**
 * Builds every Lambda bundle: one minified ESM bundle per manifest (each service, and the outbox
 * publisher) under `dist/<name>/`, and one deterministic zip of it at `dist/<name>.zip` (same
 * sources, same bytes), then prints sizes per function. Every function of a manifest runs its
 * bundle; a function whose export the bundle's entry lacks fails the build.
 *
 * Usage: `npm run build [-- --sourcemap]`
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { zipSync } from 'fflate';
import { DIST } from './dist.ts';
import { loadManifests, type Manifest } from './manifests.ts';
import { repoRoot } from './repo.ts';

interface BuiltFunction {
  readonly name: string;
  readonly directory: string;
  readonly zipPath: string;
  readonly rawBytes: number;
  /** Per function: the code a cold start loads to serve the first request (see `loads` in the manifest). */
  readonly firstRequestBytes: Readonly<Record<string, number>>;
  readonly gzipBytes: number;
  readonly zipBytes: number;
}

// 1980-01-01, the earliest time a zip entry can hold: zips are reproducible byte for byte.
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

/** Lets bundled CommonJS dependencies `require` Node built-ins from an ES module. */
const REQUIRE_SHIM =
  "import { createRequire as __tesseraCreateRequire } from 'node:module';\nconst require = __tesseraCreateRequire(import.meta.url);";

/**
 * Modules replaced in every Lambda bundle. Lambda functions get their credentials from the
 * environment, so the SDK's whole default credential chain is replaced by an env-only provider;
 * the browser user-agent parser that the SDK's core re-exports never runs in Node; and the
 * DynamoDB client's endpoint-discovery cache needs a `Map`, not mnemonist's typed-array LRU.
 */
const awsStandIn = (file: string) => join(repoRoot, 'packages', 'shared', 'src', 'aws', file);
const ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': awsStandIn('lambda-credentials.ts'),
  bowser: awsStandIn('browser-user-agent.ts'),
  'mnemonist/lru-cache': awsStandIn('lru-cache.ts'),
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

/**
 * Takes the `require` shim out of every output file that never names `require`: esbuild puts the
 * banner on each chunk, and most chunks (the ones of ES modules) have no CommonJS code that needs
 * it, so a cold start that loads a dozen chunks would read a dozen unused copies (128 bytes each).
 * Answers each file's size afterwards, by its path.
 */
const dropUnusedRequireShims = (directory: string): Map<string, number> => {
  const sizes = new Map<string, number>();
  const banner = `${REQUIRE_SHIM}\n`;
  for (const file of filesUnder(directory).filter((name) => name.endsWith('.mjs'))) {
    const path = join(directory, file);
    const code = readFileSync(path, 'utf8');
    const body = code.slice(banner.length);
    const unused = code.startsWith(banner) && !/\brequire\b/.test(body);
    if (unused) writeFileSync(path, body);
    sizes.set(path, Buffer.byteLength(unused ? body : code));
  }
  return sizes;
};

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

const buildBundle = async (manifest: Manifest, sourcemap: boolean): Promise<BuiltFunction> => {
  const directory = join(DIST, manifest.name);
  rmSync(directory, { recursive: true, force: true });
  const result = await build({
    ...esbuildOptions,
    entryPoints: { index: manifest.entryPath },
    metafile: true,
    outdir: directory,
    sourcemap: sourcemap ? 'linked' : false,
  });
  const outputs = result.metafile.outputs;
  const sizes = dropUnusedRequireShims(directory);
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
    [...paths].reduce(
      (sum, path) => sum + (sizes.get(join(process.cwd(), path)) ?? outputs[path]?.bytes ?? 0),
      0,
    );
  const exported = outputs[entry]?.exports ?? [];
  const firstRequestBytes = Object.fromEntries(
    Object.entries(manifest.functions).map(([name, fn]) => {
      if (!exported.includes(fn.export)) {
        throw new Error(
          `${manifest.path}: function ${name} runs the export ${fn.export}, which ${relative(repoRoot, manifest.entryPath)} does not have (it exports ${exported.join(', ') || 'nothing'})`,
        );
      }
      const loaded = staticClosure(entry, new Set());
      if (fn.loads !== undefined) {
        const part = relative(process.cwd(), join(manifest.directory, fn.loads));
        const partOutput = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === part);
        if (!partOutput)
          throw new Error(`${manifest.path}: function ${name} loads ${fn.loads}, which is no chunk`);
        staticClosure(partOutput, loaded);
      }
      return [name, bytesOf(loaded)];
    }),
  );
  const zip = zipDirectory(directory);
  const zipPath = join(DIST, `${manifest.name}.zip`);
  writeFileSync(zipPath, zip);
  const code = filesUnder(directory).filter((file) => file.endsWith('.mjs'));
  const bytes = code.map((file) => readFileSync(join(directory, file)));
  return {
    name: manifest.name,
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
    loadManifests().map((manifest) => buildBundle(manifest, options.sourcemap ?? false)),
  );
  const { report } = options;
  if (report) {
    report('function                first request   all code       gzip        zip');
    for (const b of built) {
      const whole = [b.rawBytes, b.gzipBytes, b.zipBytes].map((n) => kb(n).padStart(10)).join(' ');
      for (const [name, bytes] of Object.entries(b.firstRequestBytes)) {
        report(`${name.padEnd(23)} ${kb(bytes).padStart(13)} ${whole}`);
      }
    }
    report(
      "first request = the entry, the part the function's export loads and their static imports; each operation adds its own validators (a few KiB) on its first request; the rest loads on first need",
    );
    report(`built ${built.length} bundles into dist/ in ${Math.round(performance.now() - started)} ms`);
  }
  return built;
};

export type { BuiltFunction };
export { buildAll, DIST, dropUnusedRequireShims, esbuildOptions, zipDirectory };
