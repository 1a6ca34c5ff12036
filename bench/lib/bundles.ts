/**
 * Sizes of a built bundle folder (`dist/<name>/`): all code, the code a cold start loads, gzip and
 * zip, measured from the files alone, so any folder can be measured, the snapshot of an older build
 * included, without its build metadata.
 *
 * "Cold start" code is the entry and every chunk it reaches through static `import ... from`
 * statements; chunks reached only through `import()` load on first need (the SSM client, the SDK's
 * SSO/STS credential providers, which a Lambda never loads).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';

interface BundleSize {
  readonly rawBytes: number;
  readonly coldStartBytes: number;
  readonly gzipBytes: number;
  /** The folder zipped as the build zips it (deflate level 9, fixed timestamps). */
  readonly zipBytes: number;
  readonly files: number;
  readonly coldStartFiles: number;
}

// 1980-01-01, as scripts/build.ts, so the zip size matches the shipped zip's.
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

const filesUnder = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();

// Static imports and re-exports of relative files, as esbuild writes them (`import{a as b}from"./x.mjs"`,
// `import"./x.mjs"`). A dynamic `import("./x.mjs")` has a parenthesis where this wants a quote.
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{][^'"();]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g;

/** The entry and every file it reaches through static imports. */
const staticClosure = (entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(STATIC_IMPORT)) visit(resolve(dirname(file), match[1] as string));
  };
  visit(entry);
  return [...seen];
};

/**
 * Measures one bundle folder.
 *
 * @example
 * measureBundle('dist/tickets').coldStartBytes
 */
const measureBundle = (directory: string): BundleSize => {
  const contents = new Map(filesUnder(directory).map((file) => [file, readFileSync(join(directory, file))]));
  const code = [...contents].filter(([file]) => file.endsWith('.mjs')).map(([, bytes]) => bytes);
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 9 }]> = {};
  for (const [file, bytes] of contents) entries[file] = [bytes, { mtime: ZIP_MTIME, level: 9 }];
  const cold = staticClosure(join(directory, 'index.mjs'));
  return {
    rawBytes: code.reduce((sum, bytes) => sum + bytes.length, 0),
    coldStartBytes: cold.reduce((sum, file) => sum + statSync(file).size, 0),
    gzipBytes: code.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0),
    zipBytes: zipSync(entries).length,
    files: code.length,
    coldStartFiles: cold.length,
  };
};

/** The functions in a dist folder: every subfolder with an `index.mjs`. */
const functionsIn = (dist: string): string[] =>
  readdirSync(dist, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dist, entry.name, 'index.mjs')))
    .map((entry) => entry.name)
    .sort();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A copy of the bundle folders of a dist folder, taken once, for a run to measure: Lambda's code
 * is immutable, and `npm run build` (which others run on a shared machine) empties and rewrites
 * `dist/<name>/` under a running benchmark. Waits, up to a minute, for every named bundle to be
 * there, and copies each folder whole.
 *
 * @example
 * const snapshot = await snapshotBundles('dist', ['tickets', 'users', 'publisher']);
 * // ... measure snapshot.directory ...
 * snapshot.remove();
 */
const snapshotBundles = async (dist: string, names: readonly string[]) => {
  const directory = mkdtempSync(join(tmpdir(), 'tessera-bench-dist-'));
  for (let attempt = 1; ; attempt++) {
    try {
      for (const name of names) {
        rmSync(join(directory, name), { recursive: true, force: true });
        if (!existsSync(join(dist, name, 'index.mjs')))
          throw new Error(`${dist}/${name}/index.mjs is missing`);
        cpSync(join(dist, name), join(directory, name), { recursive: true });
        if (!existsSync(join(directory, name, 'index.mjs'))) throw new Error(`${name} changed while copied`);
      }
      break;
    } catch (error) {
      if (attempt >= 30) {
        rmSync(directory, { recursive: true, force: true });
        throw new Error(`No complete bundles to measure: ${String(error)} (run \`npm run build\`)`);
      }
      await sleep(2000);
    }
  }
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
};

export type { BundleSize };
export { functionsIn, measureBundle, snapshotBundles, staticClosure };
