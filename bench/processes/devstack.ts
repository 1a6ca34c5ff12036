/**
 * Child process of the load and start benchmarks: the devstack alone, on free ports, over the
 * bundles already in `dist/` (it does not build), with a data folder given in BENCH_DATA_DIR. It
 * prints `@@bench {"httpUrl", "readyMs", ...}` once ready and stops everything, Java included, on
 * SIGTERM.
 */
import { startDevstack } from '../../packages/devstack/src/index.ts';
import { stopOnSignalOrCrash } from '../../packages/devstack/src/shutdown.ts';

const started = performance.now();
const devstack = await startDevstack({
  build: false,
  httpPort: 0,
  ...(process.env.BENCH_DATA_DIR ? { dataDir: process.env.BENCH_DATA_DIR } : {}),
});
const ready = performance.now();
console.log(
  `@@bench ${JSON.stringify({
    httpUrl: devstack.httpUrl,
    dynamodbEndpoint: devstack.dynamodbEndpoint,
    readyMs: ready - started,
    sinceProcessStartMs: ready,
  })}`,
);

// As `npm start` ends: SIGTERM stops it (Java included) and exits 0; an error nothing caught stops it, then exits 1.
stopOnSignalOrCrash({
  events: process,
  stop: () => devstack.stop(),
  exit: (code) => process.exit(code),
  log: (line) => console.error(line),
});
