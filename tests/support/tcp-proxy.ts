/**
 * A TCP proxy in front of a dependency that a test can break on purpose: `up` forwards, `frozen`
 * accepts connections and answers nothing (a hung process, a full network buffer), `down` refuses
 * connections (a stopped process). Open connections follow the mode at once.
 *
 * @example
 * const proxy = await startTcpProxy('http://127.0.0.1:8000');
 * proxy.set('frozen'); // every request through proxy.url now waits forever
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

type ProxyMode = 'up' | 'frozen' | 'down';

interface TcpProxy {
  readonly url: string;
  set(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

const startTcpProxy = async (target: string): Promise<TcpProxy> => {
  const { hostname, port: targetPort } = new URL(target);
  let mode: ProxyMode = 'up';
  const open = new Set<Socket>();

  const onConnection = (client: Socket) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'frozen') return; // accepted, never answered
    const upstream = connect(Number(targetPort), hostname);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk) => {
      if (mode === 'up') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'up') client.write(chunk);
    });
  };

  let server: Server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));

  return {
    url: `http://127.0.0.1:${port}`,
    async set(next) {
      if (next === mode) return;
      const wasDown = mode === 'down';
      mode = next;
      if (next === 'down') {
        for (const socket of open) socket.destroy();
        await stopListening();
      } else if (wasDown) {
        await listen();
      }
    },
    async close() {
      for (const socket of open) socket.destroy();
      if (mode !== 'down') await stopListening();
    },
  };
};

export type { ProxyMode, TcpProxy };
export { startTcpProxy };
