/**
 * A second `npm start` while one runs: `startDevstack` (what the CLI calls, with the ports from
 * TESSERA_HTTP_PORT, TESSERA_WS_PORT, TESSERA_DYNAMODB_PORT and, when set, TESSERA_XRAY_PORT) must stop at once with a message naming the busy port
 * and the variable that moves it, before it builds, makes a data folder or starts Java.
 * (`build: false` only spares a real build should the check ever move; the missing data folder is
 * what shows it runs first. The CLI's own answer is in tests/e2e/devstack/cli.e2e.test.ts.)
 */
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevstack } from '../../src/index.ts';
import { freePort, isPortFree, isUdpPortFree, PortInUseError } from '../../src/ports.ts';

const HOST = '127.0.0.1';

/** Listens on a free port of 127.0.0.1, as a running devstack's gateway or DynamoDB Local would. */
const occupy = (): Promise<{ server: Server; port: number }> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: HOST }, () => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) throw new Error('no address');
      resolve({ server, port: address.port });
    });
  });

const servers: Server[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Where `npm start` would keep its data: a path that does not exist yet. */
const dataDir = () => {
  const parent = mkdtempSync(join(tmpdir(), 'tessera-busy-'));
  folders.push(parent);
  return join(parent, 'data');
};

describe('Devstack: a busy port', () => {
  it('refuses a busy HTTP port at once, naming it and TESSERA_HTTP_PORT, and starts nothing', async () => {
    const { server, port } = await occupy();
    servers.push(server);
    const dynamodbPort = await freePort(HOST);
    const data = dataDir();

    const failure = await startDevstack({ httpPort: port, dynamodbPort, dataDir: data, build: false }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(PortInUseError);
    expect((failure as PortInUseError).port).toBe(port);
    expect((failure as Error).message).toBe(
      `Port ${port} (the HTTP gateway) is already in use. Is another \`npm start\` running? Stop it, or choose another port with TESSERA_HTTP_PORT=<port>.`,
    );
    // Nothing was set up: no data folder, and no DynamoDB Local on its port.
    expect(existsSync(data)).toBe(false);
    expect(await isPortFree(dynamodbPort, HOST)).toBe(true);
  });

  it('refuses a busy DynamoDB Local port, naming it and TESSERA_DYNAMODB_PORT', async () => {
    const { server, port } = await occupy();
    servers.push(server);
    const httpPort = await freePort(HOST);
    const data = dataDir();

    const failure = await startDevstack({ httpPort, dynamodbPort: port, dataDir: data, build: false }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(PortInUseError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^Port ${port} \\(DynamoDB Local\\) is already in use\\..*TESSERA_DYNAMODB_PORT=<port>\\.$`),
    );
    expect(existsSync(data)).toBe(false);
    expect(await isPortFree(httpPort, HOST)).toBe(true);
  });

  it('refuses a busy WebSocket port, naming it and TESSERA_WS_PORT, and starts nothing', async () => {
    const { server, port } = await occupy();
    servers.push(server);
    const [httpPort, dynamodbPort] = [await freePort(HOST), await freePort(HOST)];
    const data = dataDir();

    const failure = await startDevstack({
      httpPort,
      dynamodbPort,
      webSocketPort: port,
      dataDir: data,
      build: false,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PortInUseError);
    expect((failure as Error).message).toBe(
      `Port ${port} (the WebSocket gateway) is already in use. Is another \`npm start\` running? Stop it, or choose another port with TESSERA_WS_PORT=<port>.`,
    );
    expect(existsSync(data)).toBe(false);
    expect(await isPortFree(dynamodbPort, HOST)).toBe(true);
  });

  it('refuses a busy X-Ray daemon port asked for exactly, naming it and TESSERA_XRAY_PORT, and starts nothing', async () => {
    const socket = createSocket('udp4');
    const port = await new Promise<number>((resolve) =>
      socket.bind({ port: 0, address: HOST }, () => resolve(socket.address().port)),
    );
    const [httpPort, dynamodbPort] = [await freePort(HOST), await freePort(HOST)];
    const data = dataDir();

    const failure = await startDevstack({
      httpPort,
      dynamodbPort,
      xrayPort: port,
      dataDir: data,
      build: false,
    })
      .catch((error: unknown) => error)
      .finally(() => socket.close());

    expect(failure).toBeInstanceOf(PortInUseError);
    expect((failure as Error).message).toBe(
      `Port ${port} (the X-Ray daemon) is already in use. Is another \`npm start\` running? Stop it, or choose another port with TESSERA_XRAY_PORT=<port>.`,
    );
    expect(existsSync(data)).toBe(false);
    expect(await isUdpPortFree(port, HOST)).toBe(true);
  });

  it('calls a port free once nothing listens on it any more', async () => {
    const { server, port } = await occupy();

    expect(await isPortFree(port, HOST)).toBe(false);
    await new Promise((resolve) => server.close(resolve));
    expect(await isPortFree(port, HOST)).toBe(true);
  });
});
