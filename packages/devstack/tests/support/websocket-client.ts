/**
 * A WebSocket client for the devstack's tests, on the real `ws` client: `connect` resolves once the
 * upgrade completes (or rejects with the HTTP status of a refused one), and the client keeps every
 * text frame it gets, in order, so a test can wait for the next one or for the close.
 */
import { WebSocket } from 'ws';

/** An upgrade the server answered with an HTTP status instead of 101. */
class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`The upgrade was refused with ${status}: ${body}`);
    this.name = 'UpgradeRefused';
  }
}

interface TestClient {
  readonly socket: WebSocket;
  /** Every text frame received so far, in order. */
  readonly received: string[];
  /** Resolves with the `n`-th frame (0-based; the next one unless told) once it has arrived. */
  frame(n?: number, timeoutMs?: number): Promise<string>;
  /** Resolves with the close's code and reason once the connection has closed. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  send(data: string | Buffer): void;
  close(code?: number, reason?: string): Promise<{ readonly code: number; readonly reason: string }>;
}

/**
 * Opens a connection to `url`.
 *
 * @example
 * const client = await connect(`${gateway.url}/?token=good`);
 * client.send('{"action":"ping"}');
 * expect(await client.frame()).toBe('pong');
 */
const connect = (url: string, headers: Readonly<Record<string, string>> = {}): Promise<TestClient> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { ...headers } });
    const received: string[] = [];
    const waiting = new Set<() => void>();
    let read = 0;
    socket.on('message', (data, isBinary) => {
      received.push(isBinary ? `binary:${Buffer.from(data as Buffer).toString('base64')}` : String(data));
      for (const wake of waiting) wake();
    });
    const closed = new Promise<{ code: number; reason: string }>((done) => {
      socket.once('close', (code, reason) => {
        done({ code, reason: reason.toString('utf8') });
        for (const wake of waiting) wake();
      });
    });
    const frame = (n = read, timeoutMs = 5000): Promise<string> =>
      new Promise((done, fail) => {
        const check = () => {
          const value = received[n];
          if (value !== undefined) {
            waiting.delete(check);
            clearTimeout(timer);
            read = Math.max(read, n + 1);
            done(value);
          }
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          fail(new Error(`No frame ${n} within ${timeoutMs} ms (got ${JSON.stringify(received)})`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      response.on('end', () => {
        reject(new UpgradeRefused(response.statusCode ?? 0, body));
        socket.terminate();
      });
    });
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        received,
        frame,
        closed,
        send: (data) => socket.send(data, { binary: typeof data !== 'string' }),
        close: (code, reason) => {
          socket.close(code, reason);
          return closed;
        },
      }),
    );
  });

/**
 * The status of a refused upgrade, or a failure when the upgrade completed.
 *
 * @example
 * expect(await refusal(`${url}/`)).toMatchObject({ status: 401 });
 */
const refusal = async (url: string): Promise<UpgradeRefused> => {
  try {
    const client = await connect(url);
    await client.close();
  } catch (error) {
    if (error instanceof UpgradeRefused) return error;
    throw error;
  }
  throw new Error(`The upgrade to ${url} completed`);
};

export type { TestClient };
export { connect, refusal, UpgradeRefused };
