/**
 * Child process of the load, start and bookings benchmarks: the devstack alone, through its public entry
 * (`startDevstack`), on free ports, over the bundles already in `dist/` or in BENCH_DIST_DIR (it
 * does not build), with a data folder given in BENCH_DATA_DIR (and the bootstrap admin of BENCH_BOOTSTRAP_ADMIN_EMAIL and
 * BENCH_BOOTSTRAP_ADMIN_PASSWORD, when given). It prints `@@bench {"httpUrl", "readyMs", ...}` once
 * ready and stops everything, Java included, on SIGTERM or on an error nothing caught.
 */
import { startDevstack } from '../../packages/devstack/src/index.ts';
import { devstackOptionsFromEnv } from '../lib/devstack-env.ts';
import { stopOnSignalOrCrash } from '../lib/net.ts';

const started = performance.now();
const devstack = await startDevstack(devstackOptionsFromEnv(process.env));
const ready = performance.now();
console.log(
  `@@bench ${JSON.stringify({
    httpUrl: devstack.httpUrl,
    dynamodbEndpoint: devstack.dynamodbEndpoint,
    readyMs: ready - started,
    sinceProcessStartMs: ready,
  })}`,
);

stopOnSignalOrCrash(() => devstack.stop());
