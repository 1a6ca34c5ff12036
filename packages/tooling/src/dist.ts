/**
 * Where the build puts the bundles, for the build and everything that runs them (the devstack, the
 * bench): `dist/<name>/index.mjs` and its chunks, and `dist/<name>.zip`, one per manifest.
 */
import { join } from 'node:path';
import { repoRoot } from './repo.ts';

/** The build's output folder. */
const DIST = join(repoRoot, 'dist');

/**
 * The entry of a manifest's bundle, which every function of the manifest runs.
 *
 * @example
 * bundlePath('users'); // '<repo>/dist/users/index.mjs'
 */
const bundlePath = (name: string, distDir: string = DIST): string => join(distDir, name, 'index.mjs');

export { bundlePath, DIST };
