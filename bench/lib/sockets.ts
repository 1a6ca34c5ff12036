/**
 * A WebSocket client for the benchmarks that listen on the devstack's WebSocket gateway, on the
 * `ws` client: `openSockets` connects with an access token in the query string (as a browser
 * would), and each socket keeps every JSON message it gets with the time it arrived, in ms since
 * the epoch (`performance.timeOrigin + performance.now()`, the clock the devstack's process stamps
 * the bus with), stamped first thing in the `message` handler, before the message is parsed.
 *
 * @example
 * const [socket] = await openSockets(devstack.webSocketUrl, [token]);
 * const created = await socket.next((m) => m.type === 'booking.created', 10_000);
 */
import { WebSocket } from 'ws';

/** A message the server sent, and when it arrived here. */
interface Arrival {
  readonly at: number;
  readonly message: {
    readonly type: string;
    readonly correlationId?: string;
    readonly requestId?: string;
    readonly [field: string]: unknown;
  };
}

interface BenchSocket {
  /** Every message received so far, in order. */
  readonly arrivals: readonly Arrival[];
  send(message: unknown): void;
  /** The first arrival (received already or to come) that `predicate` accepts; rejects after `timeoutMs`. */
  next(predicate: (message: Arrival['message']) => boolean, timeoutMs: number): Promise<Arrival>;
  /** Forgets the messages received so far. */
  clear(): void;
  /** Closes the socket and resolves once it closed. */
  close(): Promise<void>;
}

const epochMs = () => performance.timeOrigin + performance.now();

const openSocket = (url: string, token: string): Promise<BenchSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/?token=${encodeURIComponent(token)}`);
    const arrivals: Arrival[] = [];
    const waiting = new Set<() => void>();
    socket.on('message', (data) => {
      const at = epochMs();
      arrivals.push({ at, message: JSON.parse(String(data)) as Arrival['message'] });
      for (const wake of [...waiting]) wake();
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`the WebSocket upgrade was refused with ${response.statusCode}`));
      socket.terminate();
    });
    socket.once('error', reject);
    socket.once('open', () => {
      socket.off('error', reject);
      // An error after the upgrade (the devstack stopping) closes the socket; nothing to throw.
      socket.on('error', () => undefined);
      resolve({
        arrivals,
        send: (message) => socket.send(JSON.stringify(message)),
        next: (predicate, timeoutMs) =>
          new Promise<Arrival>((done, fail) => {
            let from = 0;
            const check = () => {
              for (; from < arrivals.length; from++) {
                const arrival = arrivals[from] as Arrival;
                if (predicate(arrival.message)) {
                  waiting.delete(check);
                  clearTimeout(timer);
                  done(arrival);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiting.delete(check);
              fail(new Error(`no such message within ${timeoutMs} ms`));
            }, timeoutMs);
            waiting.add(check);
            check();
          }),
        clear: () => {
          arrivals.length = 0;
        },
        close: () => {
          if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
          socket.close();
          return closed;
        },
      });
    });
  });

/** Runs `work` over the items, `limit` at a time, and returns the results in the items' order. */
const eachLimited = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
};

const closeSockets = async (sockets: readonly BenchSocket[]) => {
  await Promise.all(sockets.map((socket) => socket.close()));
};

/**
 * Opens one socket per token, `concurrency` upgrades at a time (each runs the authorizer and the
 * `$connect` function); closes those it opened if one fails.
 */
const openSockets = async (
  url: string,
  tokens: readonly string[],
  concurrency = 8,
): Promise<BenchSocket[]> => {
  const opened: BenchSocket[] = [];
  let failure: unknown;
  const sockets = await eachLimited(tokens, concurrency, async (token) => {
    if (failure !== undefined) return undefined;
    try {
      const socket = await openSocket(url, token);
      opened.push(socket);
      return socket;
    } catch (error) {
      failure ??= error;
      return undefined;
    }
  });
  if (failure !== undefined) {
    await closeSockets(opened);
    throw failure;
  }
  return sockets as BenchSocket[];
};

export type { Arrival, BenchSocket };
export { closeSockets, eachLimited, epochMs, openSockets };
