/**
 * How `npm start` ends: Ctrl-C or SIGTERM stops the devstack (Java included) and exits 0; an error
 * nothing caught stops it too, then exits 1, so a crash never leaves DynamoDB Local holding its port
 * for the next `npm start` to trip over. The devstack is stopped once, whatever comes after.
 */
import type { EventEmitter } from 'node:events';

interface ShutdownTarget {
  /** The process, or a stand-in in tests: where the signals and the uncaught errors arrive. */
  readonly events: Pick<EventEmitter, 'on'>;
  stop(): Promise<void>;
  exit(code: number): void;
  log(line: string): void;
}

const stopOnSignalOrCrash = (target: ShutdownTarget): void => {
  let stopping = false;
  const finish = (code: number, message: string) => {
    if (stopping) return;
    stopping = true;
    target.log(message);
    target
      .stop()
      .then(
        () => target.log('Stopped.'),
        (error: unknown) => target.log(`Stopping failed: ${String(error)}`),
      )
      .finally(() => target.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    target.events.on(signal, () => finish(0, `\n${signal}: stopping Tessera ...`));
  }
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    target.events.on(event, (error: unknown) =>
      finish(
        1,
        `Tessera hit an unexpected error and is stopping: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
  }
};

export type { ShutdownTarget };
export { stopOnSignalOrCrash };
