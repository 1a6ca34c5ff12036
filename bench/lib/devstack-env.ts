/**
 * The devstack options a bench child process takes from its environment: the data folder
 * (BENCH_DATA_DIR), the bundles (BENCH_DIST_DIR, else `dist/`) and the bootstrap admin
 * (BENCH_BOOTSTRAP_ADMIN_EMAIL and BENCH_BOOTSTRAP_ADMIN_PASSWORD, both or neither); it never builds,
 * and its gateway takes a free port.
 *
 * @example
 * const devstack = await startDevstack({ ...devstackOptionsFromEnv(process.env), dynamodbEndpoint });
 */
import type { DevstackOptions } from '../../packages/devstack/src/index.ts';

const devstackOptionsFromEnv = (env: NodeJS.ProcessEnv): DevstackOptions => ({
  build: false,
  httpPort: 0,
  ...(env.BENCH_DATA_DIR ? { dataDir: env.BENCH_DATA_DIR } : {}),
  ...(env.BENCH_DIST_DIR ? { distDir: env.BENCH_DIST_DIR } : {}),
  ...(env.BENCH_BOOTSTRAP_ADMIN_EMAIL && env.BENCH_BOOTSTRAP_ADMIN_PASSWORD
    ? {
        bootstrapAdmin: {
          email: env.BENCH_BOOTSTRAP_ADMIN_EMAIL,
          password: env.BENCH_BOOTSTRAP_ADMIN_PASSWORD,
        },
      }
    : {}),
});

export { devstackOptionsFromEnv };
