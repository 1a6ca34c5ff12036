/**
 * Port checks, so a second `npm start` fails at once with a clear message instead of half starting.
 */
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

/** A port the OS says is free right now. */
const freePort = (host = '127.0.0.1'): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const assertPortFree = async (port: number, host: string, what: string, variable: string): Promise<void> => {
  if (port !== 0 && !(await isPortFree(port, host))) throw new PortInUseError(port, what, variable);
};

export { assertPortFree, freePort, isPortFree, PortInUseError };
