/**
 * `freePort` picks below the OS's ephemeral range, so a port it hands out is not taken by the
 * `listen(0)` of another server before the devstack binds it, and never hands the same port out
 * twice in one process.
 */
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isPortFree } from '../../src/ports.ts';

const listen = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });

describe('Function: freePort', () => {
  it('hands out distinct, free ports below the ephemeral range, that a server can then bind', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    const servers = await Promise.all(ports.map(listen));
    try {
      expect(new Set(ports).size).toBe(ports.length);
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(20_000);
        expect(port).toBeLessThan(32_768);
      }
      // Ports the OS hands out for listen(0) meanwhile are never among them.
      const ephemeral = await listen(0);
      const address = ephemeral.address();
      expect(ports).not.toContain(typeof address === 'object' && address ? address.port : 0);
      ephemeral.close();
      expect(await isPortFree(ports[0] as number, '127.0.0.1')).toBe(false);
    } finally {
      for (const server of servers) server.close();
    }
  });
});
