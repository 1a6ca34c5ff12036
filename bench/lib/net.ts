/**
 * Small HTTP and port helpers for the bench's own servers (the AWS stand-in, the ceiling server),
 * so the bench needs nothing of the devstack's modules but its public entry.
 */
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:net';

/**
 * A request body, whole.
 *
 * @example
 * const text = (await readBody(request)).toString('utf8');
 */
const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/**
 * A port of 127.0.0.1 that the OS says is free right now.
 *
 * @example
 * const port = await freePort();
 */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * How a bench child process ends: SIGINT or SIGTERM stops what it started and exits 0; an error
 * nothing caught stops it too and exits 1, so no DynamoDB Local outlives its child. Once only.
 *
 * @example
 * stopOnSignalOrCrash(() => devstack.stop());
 */
const stopOnSignalOrCrash = (stop: () => Promise<void>): void => {
  let stopping = false;
  const finish = (code: number, message?: string) => {
    if (stopping) return;
    stopping = true;
    if (message) console.error(message);
    stop()
      .catch((error: unknown) => console.error(`Stopping failed: ${String(error)}`))
      .finally(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => finish(0));
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) =>
      finish(
        1,
        `bench child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
  }
};

export { freePort, readBody, stopOnSignalOrCrash };
