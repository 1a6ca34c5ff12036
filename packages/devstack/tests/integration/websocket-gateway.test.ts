/**
 * The WebSocket gateway on a real devstack, wired from made-up manifests: a `gate` service whose
 * function is the `$connect` authorizer (it throws `Unauthorized` for a bad token, denies a banned
 * user), and a `hub` service serving `$connect`, `$disconnect`, `$default`, `echo` and `push`, whose
 * environment names `{ "webSocket": "connections" }` and which pushes through the real
 * `ApiGatewayManagementApiClient` from inside its worker, as the notifications service will. The
 * tests drive it with the real `ws` client and the real SDK client: refusals, three connections at
 * once, the listing at `GET /_devstack/websocket/connections`, PostToConnection, GetConnection,
 * DeleteConnection and GoneException by name, and every connection's `$disconnect` on stop.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { repoRoot } from '@tessera/tooling/repo';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { type Devstack, startDevstack } from '../../src/index.ts';
import { fakeManifest } from '../support/manifests.ts';
import { connect, refusal, type TestClient } from '../support/websocket-client.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-websocket-'));
const distDir = join(root, 'dist');
const recordFile = join(root, 'routes.jsonl');

const gate = fakeManifest(
  {
    name: 'gate',
    description: 'Made up: authorizes WebSocket connections.',
    functions: {
      'gate-authorizer': {
        description: 'Made up.',
        export: 'authorizer',
        memorySize: 256,
        timeout: 5,
        webSocket: 'authorizer',
        environment: {},
      },
    },
  },
  root,
);
const hub = fakeManifest(
  {
    name: 'hub',
    description: 'Made up: serves the WebSocket routes.',
    functions: {
      hub: {
        description: 'Made up.',
        export: 'handler',
        memorySize: 256,
        timeout: 5,
        webSocket: { routes: ['$connect', '$disconnect', '$default', 'echo', 'push'] },
        environment: {
          RECORD_FILE: { value: recordFile },
          CONNECTIONS_ENDPOINT: { webSocket: 'connections' },
        },
      },
    },
  },
  root,
);

/** `user-<id>` is a good token, for a user `banned` the policy denies; anything else is Unauthorized. */
const AUTHORIZER = `
export const authorizer = async (event) => {
  const token = event.queryStringParameters?.token ?? '';
  if (!token.startsWith('user-')) throw new Error('Unauthorized');
  const userId = token.slice(5);
  const Effect = userId === 'banned' ? 'Deny' : 'Allow';
  return {
    principalId: userId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect, Resource: event.methodArn }] },
    context: { userId, role: 'user' },
  };
};
`;

/** Records every route's event; `push` posts to its own connection through @connections first. */
const HUB = `
import { appendFileSync } from 'node:fs';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
const management = new ApiGatewayManagementApiClient({ endpoint: process.env.CONNECTIONS_ENDPOINT });
export const handler = async (event) => {
  const { routeKey, connectionId, authorizer, disconnectStatusCode } = event.requestContext;
  appendFileSync(process.env.RECORD_FILE, JSON.stringify({ routeKey, connectionId, authorizer, disconnectStatusCode }) + '\\n');
  if (routeKey === 'echo') {
    const { text } = JSON.parse(event.body);
    return { statusCode: 200, body: JSON.stringify({ type: 'echo', text, userId: authorizer.userId, endpoint: process.env.CONNECTIONS_ENDPOINT }) };
  }
  if (routeKey === 'push') {
    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify({ type: 'pushed' }) }));
    return { statusCode: 200, body: JSON.stringify({ type: 'pushed-then-answered' }) };
  }
  if (routeKey === '$default') return { statusCode: 200, body: JSON.stringify({ type: 'default' }) };
  return { statusCode: 200 };
};
`;

interface Recorded {
  readonly routeKey: string;
  readonly connectionId: string;
  readonly authorizer?: Readonly<Record<string, unknown>>;
  readonly disconnectStatusCode?: number;
}

interface Listed {
  readonly connectionId: string;
  readonly userId: string | null;
  readonly connectedAt: string;
  readonly lastActiveAt: string;
}

const recorded = (): Recorded[] => {
  try {
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recorded);
  } catch {
    return [];
  }
};

let devstack: Devstack;
let management: ApiGatewayManagementApiClient;

const listed = async (): Promise<Listed[]> =>
  ((await (await fetch(`${devstack.httpUrl}/_devstack/websocket/connections`)).json()) as { items: Listed[] })
    .items;

const bundle = (name: string, contents: string) =>
  build({
    stdin: { contents, resolveDir: repoRoot, sourcefile: `${name}.mjs`, loader: 'js' },
    outfile: join(distDir, name, 'index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });

beforeAll(async () => {
  await Promise.all([bundle('gate', AUTHORIZER), bundle('hub', HUB)]);
  devstack = await startDevstack({
    manifests: [gate, hub],
    distDir,
    build: false,
    httpPort: 0,
    webSocketPort: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: 'it-websocket-',
    logLevel: 'WARN',
  });
  management = new ApiGatewayManagementApiClient({
    endpoint: devstack.webSocketConnectionsUrl,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
}, 60_000);

afterAll(async () => {
  management?.destroy();
  await devstack?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('Devstack: the WebSocket gateway', () => {
  const clients: Record<string, TestClient> = {};

  it('serves the WebSocket API and its @connections endpoint on one port', () => {
    const port = new URL(devstack.webSocketUrl).port;

    expect(devstack.webSocketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(devstack.webSocketConnectionsUrl).toBe(`http://127.0.0.1:${port}`);
    expect(new URL(devstack.httpUrl).port).not.toBe(port);
  });

  it('refuses without a token and for a bad one with 401, a banned user with 403, and stores nothing', async () => {
    const statuses = [
      (await refusal(`${devstack.webSocketUrl}/`)).status,
      (await refusal(`${devstack.webSocketUrl}/?token=forged`)).status,
      (await refusal(`${devstack.webSocketUrl}/?token=user-banned`)).status,
    ];

    expect(statuses).toEqual([401, 401, 403]);
    expect(recorded()).toEqual([]);
    expect(await listed()).toEqual([]);
  });

  it('holds three connections at once, each answered on its own with its own authorizer context', async () => {
    for (const user of ['a', 'b', 'c'])
      clients[user] = await connect(`${devstack.webSocketUrl}/?token=user-${user}`);

    for (const user of ['a', 'b', 'c'])
      clients[user]?.send(JSON.stringify({ action: 'echo', text: `hi ${user}` }));

    for (const user of ['a', 'b', 'c']) {
      expect(JSON.parse((await clients[user]?.frame()) ?? '{}')).toEqual({
        type: 'echo',
        text: `hi ${user}`,
        userId: user,
        endpoint: devstack.webSocketConnectionsUrl,
      });
    }
    const list = await listed();
    expect(list.map((c) => c.userId).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(list.map((c) => c.connectionId)).size).toBe(3);
    expect(list.every((c) => Date.parse(c.lastActiveAt) >= Date.parse(c.connectedAt))).toBe(true);
    expect(recorded().filter((r) => r.routeKey === '$connect')).toHaveLength(3);
    expect(recorded().find((r) => r.routeKey === '$connect')?.authorizer).toMatchObject({ role: 'user' });
  });

  it('sends a message with no route to $default, and lets a route push through @connections before it answers', async () => {
    const client = clients.a as TestClient;

    client.send('not json');
    client.send('{"action":"push"}');

    expect([await client.frame(), await client.frame(), await client.frame()]).toEqual([
      '{"type":"default"}',
      '{"type":"pushed"}',
      '{"type":"pushed-then-answered"}',
    ]);
  });

  it('works with the real ApiGatewayManagementApiClient: post, get, delete, then GoneException', async () => {
    const entry = (await listed()).find((c) => c.userId === 'b');
    const b = entry?.connectionId ?? '';
    const client = clients.b as TestClient;

    await management.send(
      new PostToConnectionCommand({ ConnectionId: b, Data: Buffer.from('{"type":"hello"}') }),
    );
    const described = await management.send(new GetConnectionCommand({ ConnectionId: b }));
    await management.send(new DeleteConnectionCommand({ ConnectionId: b }));
    const gone = await management
      .send(new PostToConnectionCommand({ ConnectionId: b, Data: Buffer.from('late') }))
      .catch((error: unknown) => error as Error);

    expect(await client.frame()).toBe('{"type":"hello"}');
    expect(described.Identity?.SourceIp).toBe('127.0.0.1');
    expect(described.ConnectedAt?.toISOString()).toBe(entry?.connectedAt);
    expect((await client.closed).code).toBe(1000);
    expect(gone).toMatchObject({ name: 'GoneException' });
    const disconnects = await pollUntil(
      () => recorded().filter((r) => r.routeKey === '$disconnect' && r.connectionId === b),
      (list) => list.length > 0,
    );
    expect(disconnects).toHaveLength(1);
    expect((await listed()).map((c) => c.userId).sort()).toEqual(['a', 'c']);
  });

  it('closes every connection when it stops, and runs each $disconnect once before the functions stop', async () => {
    const ids = (await listed()).map((c) => c.connectionId);

    await devstack.stop();

    expect((await clients.a?.closed)?.code).toBe(1001);
    expect((await clients.c?.closed)?.code).toBe(1001);
    const disconnects = recorded().filter((r) => r.routeKey === '$disconnect');
    expect(disconnects).toHaveLength(3);
    expect(
      disconnects.filter((r) => ids.includes(r.connectionId)).map((r) => r.disconnectStatusCode),
    ).toEqual([1001, 1001]);
  });
});
