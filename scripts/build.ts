/**
 * `npm run build [-- --sourcemap]`: builds every Lambda bundle into `dist/` and prints their sizes.
 * The build itself is `packages/tooling/src/build.ts`, which the devstack runs too.
 */
import { buildAll } from '../packages/tooling/src/build.ts';

await buildAll({ sourcemap: process.argv.includes('--sourcemap'), report: console.log });
