/**
 * Where this repository is, for the tools that read its files (the contract, the service manifests,
 * `dist/`): the devstack, the scripts, the tests and the benchmarks.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export { repoRoot };
