/**
 * Port checks, so a second `npm start` fails at once with a clear message instead of half starting.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

class PortInUseError extends Error {
  constructor(
    readonly port: number,
    what: string,
    variable: string,
  ) {
    super(
      `Port ${port} (${what}) is already in use. Is another \`npm start\` running? Stop it, or choose another port with ${variable}=<port>.`,
    );
    this.name = 'PortInUseError';
  }
}

/** True when nothing listens on the port. */
const isPortFree = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });

/** True when no socket is bound to the UDP port (the X-Ray daemon's). */
const isUdpPortFree = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => {
      try {
        socket.close();
      } catch {
        // Never bound: nothing to close.
      }
      resolve(false);
    });
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
  });

/** A port the OS hands out for `listen(0)`, for the fallback. */
const ephemeralPort = (host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * Below the ephemeral ranges (Linux 32768-60999, macOS and Windows 49152-65535): a port picked here is
 * bound a moment later, and meanwhile every `listen(0)` (the devstack's own SQS endpoint and bus,
 * another test's) gets a port from the OS's ephemeral range, so none of them can take it.
 */
const PICK_FROM = 20_000;
const PICK_TO = 32_767;
/** Ports this process already handed out: two picks in one process never collide either. */
const handedOut = new Set<number>();

/**
 * A port free right now that nothing else is about to take: picked at random below the OS's
 * ephemeral range and checked, or (after 50 busy picks) one the OS hands out.
 */
const freePort = async (host = '127.0.0.1'): Promise<number> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM + 1));
    if (handedOut.has(port)) continue;
    // Claimed before the check, so two picks at once in this process cannot both take it.
    handedOut.add(port);
    if (await isPortFree(port, host)) return port;
  }
  return ephemeralPort(host);
};

const assertPortFree = async (port: number, host: string, what: string, variable: string): Promise<void> => {
  if (port !== 0 && !(await isPortFree(port, host))) throw new PortInUseError(port, what, variable);
};

const assertUdpPortFree = async (
  port: number,
  host: string,
  what: string,
  variable: string,
): Promise<void> => {
  if (port !== 0 && !(await isUdpPortFree(port, host))) throw new PortInUseError(port, what, variable);
};

export { assertPortFree, assertUdpPortFree, freePort, isPortFree, isUdpPortFree, PortInUseError };
