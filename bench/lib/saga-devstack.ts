/**
 * A devstack in a child process (`bench/processes/saga-devstack.ts`) for the parts that drive the
 * whole system (payments, notifications, schedules): on a fresh data folder, over the bundles measured, with
 * the bench's bootstrap admin, and stopped (Java included) when the part ends, fails, or the bench
 * is interrupted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD } from './api-client.ts';
import { spawnBenchChild } from './children.ts';

/** The admin every saga devstack bootstraps. */
const BENCH_ADMIN = { email: 'bench-admin@example.com', password: PASSWORD } as const;

/** What the child announces once it serves. */
interface SagaDevstack {
  readonly api: string;
  readonly controlUrl: string;
  readonly webSocketUrl: string;
  /** The scheduler's endpoint (EventBridge Scheduler's REST JSON), for `@aws-sdk/client-scheduler`. */
  readonly schedulerEndpoint: string;
  readonly lambdaEndpoint: string;
  readonly pid: number;
}

/**
 * Runs `part` against a devstack child started for it, and stops the child whatever happens.
 *
 * @example
 * const figures = await withSagaDevstack({ label: 'payments', dist }, (devstack) => measure(devstack.api));
 */
const withSagaDevstack = async <T>(
  options: {
    /** Names the temporary data folder. */
    readonly label: string;
    readonly dist?: string | undefined;
    /** More of the child's environment. */
    readonly env?: Readonly<Record<string, string>>;
  },
  part: (devstack: SagaDevstack) => Promise<T>,
): Promise<T> => {
  const dataDir = mkdtempSync(join(tmpdir(), `tessera-bench-${options.label}-`));
  const child = spawnBenchChild('saga-devstack', {
    ...options.env,
    BENCH_DATA_DIR: dataDir,
    BENCH_BOOTSTRAP_ADMIN_EMAIL: BENCH_ADMIN.email,
    BENCH_BOOTSTRAP_ADMIN_PASSWORD: BENCH_ADMIN.password,
    ...(options.dist ? { BENCH_DIST_DIR: options.dist } : {}),
  });
  // Interrupted meanwhile: the devstack and its Java go with the bench.
  const interrupted = (signal: NodeJS.Signals) => {
    void child.stop().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const { message } = await child.ready;
    return await part({
      api: String(message.httpUrl),
      controlUrl: String(message.controlUrl),
      webSocketUrl: String(message.webSocketUrl),
      schedulerEndpoint: String(message.schedulerEndpoint),
      lambdaEndpoint: String(message.lambdaEndpoint),
      pid: child.pid,
    });
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export type { SagaDevstack };
export { BENCH_ADMIN, withSagaDevstack };
