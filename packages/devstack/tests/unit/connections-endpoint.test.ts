/**
 * The WebSocket gateway's `@connections` endpoint, driven by the real
 * `@aws-sdk/client-apigatewaymanagementapi` (restJson1) as the notifications service drives it:
 * PostToConnection, GetConnection, DeleteConnection, the errors it throws by name (GoneException,
 * PayloadTooLargeException), a stage in the endpoint's path, and what a plain HTTP client meets on
 * paths and methods the endpoint does not have.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { WebSocketGateway } from '../../src/websocket-gateway.ts';
import { connect, type TestClient } from '../support/websocket-client.ts';

let gateway: WebSocketGateway;
let management: ApiGatewayManagementApiClient;
const disconnected: string[] = [];

const clientFor = (endpoint: string) =>
  new ApiGatewayManagementApiClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

/** Opens a connection and answers it with its id, as the gateway lists it. */
const open = async (userAgent = 'tests/1'): Promise<{ client: TestClient; id: string }> => {
  const before = new Set(gateway.list().map((c) => c.connectionId));
  const client = await connect(`${gateway.url}/`, { 'user-agent': userAgent });
  const id = gateway.list().find((c) => !before.has(c.connectionId))?.connectionId;
  if (!id) throw new Error('The connection is not listed');
  return { client, id };
};

/** The error a command rejects with. */
const failure = async (command: Promise<unknown>, ...clients: ApiGatewayManagementApiClient[]) => {
  try {
    await command;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  } finally {
    for (const c of clients) c.destroy();
  }
  throw new Error('The command succeeded');
};

beforeAll(async () => {
  gateway = new WebSocketGateway({
    port: 0,
    routes: new Map([['$disconnect', 'svc']]),
    invoke: async (_fn, event) => {
      disconnected.push((event as { requestContext: { connectionId: string } }).requestContext.connectionId);
      return undefined;
    },
  });
  await gateway.start();
  management = clientFor(gateway.connectionsUrl);
});

afterAll(async () => {
  management?.destroy();
  await gateway?.stop();
});

describe('Endpoint: @connections with ApiGatewayManagementApiClient', () => {
  it('sends PostToConnection data to the client as one text frame', async () => {
    const { client, id } = await open();

    const answer = await management.send(
      new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"type":"hello"}') }),
    );

    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(await client.frame()).toBe('{"type":"hello"}');
    await client.close();
  });

  it('sends data that is not UTF-8 as a binary frame', async () => {
    const { client, id } = await open();

    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from([0xff, 0xfe]) }));

    expect(await client.frame()).toBe('binary://4=');
    await client.close();
  });

  it('tells GetConnection when it connected, from where, and when it was last active', async () => {
    const { client, id } = await open('agent/7');
    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('x') }));

    const answer = await management.send(new GetConnectionCommand({ ConnectionId: id }));

    expect(answer.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent/7' });
    expect(answer.ConnectedAt).toBeInstanceOf(Date);
    expect(answer.LastActiveAt?.getTime()).toBeGreaterThanOrEqual(answer.ConnectedAt?.getTime() ?? Infinity);
    expect(answer.ConnectedAt?.getTime()).toBe(gateway.describe(id)?.connectedAt);
    await client.close();
  });

  it('closes the connection on DeleteConnection, which runs $disconnect, and then the connection is gone', async () => {
    const { client, id } = await open();

    const answer = await management.send(new DeleteConnectionCommand({ ConnectionId: id }));

    expect(answer.$metadata.httpStatusCode).toBe(204);
    expect((await client.closed).code).toBe(1000);
    const gone = await failure(management.send(new GetConnectionCommand({ ConnectionId: id })));
    expect(gone.name).toBe('GoneException');
    expect(gone.$metadata?.httpStatusCode).toBe(410);
    await expect.poll(() => disconnected.filter((d) => d === id)).toEqual([id]);
  });

  it('throws GoneException by name for a connection that never was, on every operation', async () => {
    const unknown = 'Yk1x2cCoIAMCJ2Q=';

    const errors = await Promise.all([
      failure(
        management.send(new PostToConnectionCommand({ ConnectionId: unknown, Data: Buffer.from('x') })),
      ),
      failure(management.send(new GetConnectionCommand({ ConnectionId: unknown }))),
      failure(management.send(new DeleteConnectionCommand({ ConnectionId: unknown }))),
    ]);

    expect(errors.map((e) => e.name)).toEqual(['GoneException', 'GoneException', 'GoneException']);
    expect(errors[0]?.message).toContain(unknown);
  });

  it('throws PayloadTooLargeException for data over 128 KiB, and sends nothing', async () => {
    const { client, id } = await open();

    const tooLarge = await failure(
      management.send(
        new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(128 * 1024 + 1, 0x61) }),
      ),
    );
    await management.send(
      new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(128 * 1024, 0x62) }),
    );

    expect(tooLarge.name).toBe('PayloadTooLargeException');
    expect(tooLarge.$metadata?.httpStatusCode).toBe(413);
    expect((await client.frame()).length).toBe(128 * 1024);
    expect(client.received).toHaveLength(1);
    await client.close();
  });

  it.each(['devstack', '$default'])('works with the stage %s in the endpoint', async (stage) => {
    const { client, id } = await open();
    const staged = clientFor(`${gateway.connectionsUrl}/${stage}`);

    await staged.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('staged') }));

    expect(await client.frame()).toBe('staged');
    staged.destroy();
    await client.close();
  });
});

describe('Endpoint: @connections over plain HTTP', () => {
  it('answers another method on a connection with 403 ForbiddenException', async () => {
    const response = await fetch(`${gateway.connectionsUrl}/@connections/abc`, { method: 'PUT', body: 'x' });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(await response.json()).toEqual({ message: 'Forbidden' });
  });

  it('answers 404 to a path that is no connection, and 426 to a plain GET where sockets open', async () => {
    const elsewhere = await fetch(`${gateway.connectionsUrl}/a/b/@connections/abc`);
    const plain = await fetch(`${gateway.connectionsUrl}/`);

    expect(elsewhere.status).toBe(404);
    expect(plain.status).toBe(426);
  });
});
