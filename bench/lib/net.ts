/**
 * The devstack's small helpers the bench's own processes and servers use (a free port, a request
 * body, stopping a child on a signal or a crash), through the devstack's public entry.
 */
import { freePort, readBody, stopOnSignalOrCrash as stopTarget } from '../../packages/devstack/src/index.ts';

/**
 * How a bench child process ends: SIGINT or SIGTERM stops what it started and exits 0; an error
 * nothing caught stops it too and exits 1 (the devstack's own `npm start` rule).
 *
 * @example
 * stopOnSignalOrCrash(() => devstack.stop());
 */
const stopOnSignalOrCrash = (stop: () => Promise<void>): void =>
  stopTarget({
    events: process,
    stop,
    exit: (code) => process.exit(code),
    log: (line) => console.error(line),
  });

export { freePort, readBody, stopOnSignalOrCrash };
