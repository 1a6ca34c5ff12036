/**
 * The one HTTP server helper: it answers its URL on a free port, refuses a busy one with the
 * devstack's message, turns a handler's failure into a bare 500, and closes promptly even while a
 * client holds an idle keep-alive connection.
 */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpServer, startHttpServer } from '../../src/http-server.ts';
import { PortInUseError } from '../../src/ports.ts';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A GET over an agent that keeps its connection open afterwards, as fetch and the SDK do. */
const get = (url: string, agent: Agent) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    request(url, { agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });

describe('Function: startHttpServer', () => {
  it('listens on a free port and answers its URL', async () => {
    const server = await startHttpServer({ handler: (_request, response) => response.end('hello') });
    servers.push(server);

    const response = await fetch(server.url);

    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect(await response.text()).toBe('hello');
  });

  it('refuses a busy port, naming it and the variable that moves it', async () => {
    const first = await startHttpServer({ handler: (_request, response) => response.end() });
    servers.push(first);

    const failure = await startHttpServer({
      port: first.port,
      handler: (_request, response) => response.end(),
      busyPort: { what: 'the HTTP gateway', variable: 'TESSERA_HTTP_PORT' },
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PortInUseError);
    expect((failure as Error).message).toContain(`Port ${first.port} (the HTTP gateway) is already in use.`);
  });

  it('answers 500 when the handler fails, and reports the error', async () => {
    const reported: unknown[] = [];
    const server = await startHttpServer({
      handler: async () => {
        throw new Error('handler broke');
      },
      onError: (error) => reported.push(error),
    });
    servers.push(server);

    const response = await fetch(server.url);

    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    expect(String(reported[0])).toContain('handler broke');
  });

  it('closes at once while a client keeps an idle connection open', async () => {
    const server = await startHttpServer({ handler: (_request, response) => response.end('ok') });
    const agent = new Agent({ keepAlive: true });
    await get(server.url, agent);

    const started = performance.now();
    await server.close();
    const ms = performance.now() - started;

    expect(ms).toBeLessThan(1000);
    await expect(get(server.url, new Agent())).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it('lets a request under way finish, then closes its connection', async () => {
    let arrived: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let release: () => void = () => {};
    const server = await startHttpServer({
      handler: async (_request, response) => {
        arrived();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        response.end('finished');
      },
    });
    const agent = new Agent({ keepAlive: true });
    const answer = get(server.url, agent);
    await inHandler;

    const started = performance.now();
    const closing = server.close();
    release();

    expect(await answer).toEqual({ status: 200, body: 'finished' });
    await closing;
    // Its connection closes once the answer is out, not when the grace period runs out.
    expect(performance.now() - started).toBeLessThan(1000);
    agent.destroy();
  });
});
