/**
 * The devstack's WebSocket gateway, driven by the real `ws` client over real sockets, in front of
 * made-up functions (the boundary under test): the `$connect` authorizer and route refusing or
 * completing the upgrade, route selection on `action`, two-way answers, each connection's order,
 * `$disconnect` exactly once however a connection ends, and the frame limit.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { selectRoute, WebSocketGateway, type WebSocketGatewayOptions } from '../../src/websocket-gateway.ts';
import { connect, refusal } from '../support/websocket-client.ts';

/** The parts of a WebSocket route's event the tests read. */
interface RouteEvent {
  readonly headers?: Readonly<Record<string, string>>;
  readonly queryStringParameters?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
  readonly methodArn?: string;
  readonly requestContext: {
    readonly routeKey: string;
    readonly eventType: string;
    readonly connectionId: string;
    readonly connectedAt: number;
    readonly requestTimeEpoch: number;
    readonly stage: string;
    readonly domainName: string;
    readonly authorizer?: Readonly<Record<string, unknown>>;
    readonly disconnectStatusCode?: number;
    readonly disconnectReason?: string;
  };
}

interface Call {
  readonly fn: string;
  readonly event: RouteEvent;
}

const policy = (effect: 'Allow' | 'Deny', resource: string | undefined) => ({
  Version: '2012-10-17',
  Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
});

/** The made-up functions: `authorizer` (by token) and `svc` (every route). */
const functions = (calls: Call[]) => async (fn: string, raw: unknown) => {
  const event = raw as RouteEvent;
  calls.push({ fn, event });
  if (fn === 'authorizer') {
    const token = event.queryStringParameters?.token;
    if (token === 'bad') throw new Error('Unauthorized');
    if (token === 'broken') throw new TypeError('the keys are unreadable');
    return {
      principalId: 'u1',
      policyDocument: policy(token === 'deny' ? 'Deny' : 'Allow', event.methodArn),
      context: { userId: 'u1', role: 'user' },
    };
  }
  const { routeKey } = event.requestContext;
  if (routeKey === '$connect') {
    const query = event.queryStringParameters ?? {};
    if (query.crash) throw new Error('$connect crashed');
    return query.status ? { statusCode: Number(query.status) } : { statusCode: 200 };
  }
  if (routeKey === 'ping') return { statusCode: 200, body: '{"type":"pong"}' };
  if (routeKey === 'slow') {
    const { ms, n } = JSON.parse(event.body ?? '{}') as { ms: number; n: number };
    await delay(ms);
    return { statusCode: 200, body: `slow ${n}` };
  }
  if (routeKey === 'silent') return { statusCode: 200 };
  if (routeKey === 'crash') throw new Error('the route crashed');
  return undefined;
};

const ROUTES = new Map(
  ['$connect', '$disconnect', '$default', 'ping', 'slow', 'silent', 'crash'].map((route) => [route, 'svc']),
);

const gateways: WebSocketGateway[] = [];
const logs: string[] = [];

const start = async (options: Partial<WebSocketGatewayOptions> = {}) => {
  const calls: Call[] = [];
  const gateway = new WebSocketGateway({
    port: 0,
    invoke: functions(calls),
    routes: ROUTES,
    authorizer: 'authorizer',
    onLog: (line) => logs.push(line),
    ...options,
  });
  await gateway.start();
  gateways.push(gateway);
  const routesOf = (eventType: string) =>
    calls.filter((c) => c.fn === 'svc' && c.event.requestContext.eventType === eventType);
  return { gateway, calls, routesOf, url: gateway.url };
};

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.stop()));
  logs.length = 0;
});

/** The $disconnect calls, once `count` have come, and a moment more so that a second one would show. */
const disconnects = async (calls: Call[], count = 1) => {
  const ofDisconnect = () => calls.filter((c) => c.event.requestContext.eventType === 'DISCONNECT');
  await pollUntil(ofDisconnect, (list) => list.length >= count, { timeoutMs: 5000, intervalMs: 10 });
  await delay(50);
  return ofDisconnect();
};

describe('Class: WebSocketGateway, connecting', () => {
  it('refuses an upgrade without a token with 401, calling neither the authorizer nor $connect', async () => {
    const { url, calls, gateway } = await start();

    const missing = await refusal(`${url}/`);
    const empty = await refusal(`${url}/?token=`);

    expect([missing.status, empty.status]).toEqual([401, 401]);
    expect(JSON.parse(missing.body)).toEqual({ message: 'Unauthorized' });
    expect(calls).toEqual([]);
    expect(gateway.list()).toEqual([]);
  });

  it('answers 401 to an authorizer that throws Unauthorized, 403 to a Deny, 500 to any other failure', async () => {
    const { url, routesOf, gateway } = await start();

    expect((await refusal(`${url}/?token=bad`)).status).toBe(401);
    expect((await refusal(`${url}/?token=deny`)).status).toBe(403);
    expect((await refusal(`${url}/?token=broken`)).status).toBe(500);
    expect(routesOf('CONNECT')).toEqual([]);
    expect(gateway.list()).toEqual([]);
    expect(logs.join('\n')).toContain('the keys are unreadable');
  });

  it('gives the authorizer a REQUEST event with the token in the query string and the $connect method ARN', async () => {
    const { url, calls } = await start();

    const client = await connect(`${url}/?token=good`);

    const authorizerEvent = calls.find((c) => c.fn === 'authorizer')?.event;
    expect(authorizerEvent).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:devstack/devstack/$connect',
      queryStringParameters: { token: 'good' },
      requestContext: { routeKey: '$connect', eventType: 'CONNECT' },
    });
    await client.close();
  });

  it('refuses the upgrade with the status $connect answers when it is not 2xx, and 500 when it throws', async () => {
    const { url, gateway, routesOf } = await start();

    const conflict = await refusal(`${url}/?token=good&status=409`);
    const crashed = await refusal(`${url}/?token=good&crash=1`);
    const created = await connect(`${url}/?token=good&status=201`);

    expect([conflict.status, crashed.status]).toEqual([409, 500]);
    expect(gateway.list().map((c) => c.connectionId)).toEqual([
      routesOf('CONNECT')[2]?.event.requestContext.connectionId,
    ]);
    expect(routesOf('DISCONNECT')).toEqual([]);
    expect(logs.join('\n')).toContain('$connect crashed');
    await created.close();
  });

  it('passes $connect the headers, the query and the authorizer context flat with principalId', async () => {
    const { url, routesOf, gateway } = await start();

    const client = await connect(`${url}/?token=good&lang=en`, { 'user-agent': 'test-agent/1' });

    const event = routesOf('CONNECT')[0]?.event;
    expect(event).toMatchObject({
      headers: { 'user-agent': 'test-agent/1', upgrade: 'websocket' },
      queryStringParameters: { token: 'good', lang: 'en' },
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        stage: 'devstack',
        authorizer: { userId: 'u1', role: 'user', principalId: 'u1' },
      },
    });
    expect(gateway.list()).toEqual([
      {
        connectionId: event?.requestContext.connectionId,
        userId: 'u1',
        connectedAt: event?.requestContext.connectedAt,
        lastActiveAt: expect.any(Number),
        sourceIp: '127.0.0.1',
        userAgent: 'test-agent/1',
      },
    ]);
    await client.close();
  });

  it('connects without an authorizer, and then passes no authorizer context', async () => {
    const { url, routesOf } = await start({ authorizer: undefined });

    const client = await connect(`${url}/`);

    expect(routesOf('CONNECT')[0]?.event.requestContext).not.toHaveProperty('authorizer');
    await client.close();
  });
});

describe('Function: selectRoute', () => {
  it.each([
    ['{"action":"ping"}', 'ping'],
    ['{"action":"ping","extra":[1,2]}', 'ping'],
    ['not json', '$default'],
    ['{"type":"ping"}', '$default'],
    ['{"action":5}', '$default'],
    ['{"action":"nothing"}', '$default'],
    ['["ping"]', '$default'],
    ['null', '$default'],
    ['{"action":"$connect"}', '$default'],
    ['{"action":"$disconnect"}', '$default'],
  ])('routes %s to %s', (text, route) => {
    expect(selectRoute(ROUTES, text)).toBe(route);
  });

  it('routes a binary message to $default', () => {
    expect(selectRoute(ROUTES, undefined)).toBe('$default');
  });
});

describe('Class: WebSocketGateway, messages', () => {
  it('invokes the route of the action, else $default, each with the connection and its authorizer context', async () => {
    const { url, routesOf } = await start();
    const client = await connect(`${url}/?token=good`);
    const connectionId = routesOf('CONNECT')[0]?.event.requestContext.connectionId;

    for (const text of ['{"action":"silent"}', 'not json', '{"no":"action"}', '{"action":"unknown"}'])
      client.send(text);
    client.send(Buffer.from([0xff, 0x00, 0x01]));

    const messages = await pollUntil(
      () => routesOf('MESSAGE'),
      (list) => list.length === 5,
    );
    expect(
      messages.map((m) => [m.event.requestContext.routeKey, m.event.body, m.event.isBase64Encoded]),
    ).toEqual([
      ['silent', '{"action":"silent"}', false],
      ['$default', 'not json', false],
      ['$default', '{"no":"action"}', false],
      ['$default', '{"action":"unknown"}', false],
      ['$default', '/wAB', true],
    ]);
    for (const { event } of messages) {
      expect(event.requestContext).toMatchObject({
        eventType: 'MESSAGE',
        connectionId,
        stage: 'devstack',
        authorizer: { userId: 'u1', role: 'user', principalId: 'u1' },
        requestTimeEpoch: expect.any(Number),
        connectedAt: expect.any(Number),
      });
    }
    await client.close();
  });

  it('sends a route answer with a string body back to the client, and nothing for one without', async () => {
    const { url } = await start();
    const client = await connect(`${url}/?token=good`);

    client.send('{"action":"silent"}');
    client.send('{"action":"ping"}');

    expect(await client.frame()).toBe('{"type":"pong"}');
    expect(client.received).toEqual(['{"type":"pong"}']);
    await client.close();
  });

  it("answers a route that throws with API Gateway's internal server error, and stays open", async () => {
    const { url, routesOf } = await start();
    const client = await connect(`${url}/?token=good`);

    client.send('{"action":"crash"}');
    const answer = JSON.parse(await client.frame()) as Record<string, unknown>;
    client.send('{"action":"ping"}');

    expect(answer).toEqual({
      message: 'Internal server error',
      connectionId: routesOf('CONNECT')[0]?.event.requestContext.connectionId,
      requestId: expect.any(String),
    });
    expect(await client.frame()).toBe('{"type":"pong"}');
    expect(logs.join('\n')).toContain('the route crashed');
    await client.close();
  });

  it('answers Forbidden to a message no route takes when there is no $default', async () => {
    const routes = new Map([...ROUTES].filter(([route]) => route !== '$default'));
    const { url, routesOf } = await start({ routes });
    const client = await connect(`${url}/?token=good`);

    client.send('{"action":"unknown"}');

    expect(JSON.parse(await client.frame())).toMatchObject({ message: 'Forbidden' });
    expect(routesOf('MESSAGE')).toEqual([]);
    await client.close();
  });

  it("answers one connection's messages in arrival order, without holding up another connection", async () => {
    const { url } = await start();
    const first = await connect(`${url}/?token=good`);
    const second = await connect(`${url}/?token=good`);

    first.send('{"action":"slow","ms":300,"n":1}');
    first.send('{"action":"slow","ms":0,"n":2}');
    first.send('{"action":"ping"}');
    second.send('{"action":"slow","ms":0,"n":3}');

    expect(await second.frame()).toBe('slow 3');
    expect(first.received).toEqual([]);
    expect([await first.frame(), await first.frame(), await first.frame()]).toEqual([
      'slow 1',
      'slow 2',
      '{"type":"pong"}',
    ]);
    await Promise.all([first.close(), second.close()]);
  });

  it('closes a connection with 1009 on a message over 128 KiB, and runs its $disconnect', async () => {
    const { url, calls, routesOf } = await start();
    const client = await connect(`${url}/?token=good`);

    client.send('x'.repeat(128 * 1024 + 1));

    expect((await client.closed).code).toBe(1009);
    expect(await disconnects(calls)).toHaveLength(1);
    expect(routesOf('MESSAGE')).toEqual([]);
  });

  it('takes a message of exactly 128 KiB', async () => {
    const { url, routesOf } = await start();
    const client = await connect(`${url}/?token=good`);

    client.send(`{"action":"silent","pad":"${'x'.repeat(128 * 1024 - 30)}"}`);

    expect(
      (
        await pollUntil(
          () => routesOf('MESSAGE'),
          (list) => list.length === 1,
        )
      )[0]?.event.requestContext.routeKey,
    ).toBe('silent');
    await client.close();
  });
});

describe('Class: WebSocketGateway, disconnecting', () => {
  it('runs $disconnect once when the client closes, with its code and reason and the authorizer context', async () => {
    const { url, calls, gateway } = await start();
    const client = await connect(`${url}/?token=good`);
    const [connection] = gateway.list();

    await client.close(4000, 'bye');

    const [disconnect, ...more] = await disconnects(calls);
    expect(more).toEqual([]);
    expect(disconnect?.event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      connectionId: connection?.connectionId,
      disconnectStatusCode: 4000,
      disconnectReason: 'bye',
      authorizer: { userId: 'u1', principalId: 'u1' },
    });
    expect(gateway.list()).toEqual([]);
  });

  it('runs $disconnect once when the gateway deletes the connection, which then is gone', async () => {
    const { url, calls, gateway } = await start();
    const client = await connect(`${url}/?token=good`);
    const id = gateway.list()[0]?.connectionId ?? '';

    expect(gateway.delete(id)).toBe(true);
    expect(gateway.delete(id)).toBe(false);
    expect(gateway.post(id, Buffer.from('late'))).toBe(false);

    expect((await client.closed).code).toBe(1000);
    const list = await disconnects(calls);
    expect(list.map((c) => c.event.requestContext.disconnectReason)).toEqual(['Connection deleted']);
  });

  it('closes an idle connection after the idle timeout, and a message or a post keeps it open', async () => {
    const { url, calls, gateway } = await start({ idleTimeoutMs: 300 });
    const idle = await connect(`${url}/?token=good`);
    const busy = await connect(`${url}/?token=good`);
    const busyId = gateway.list()[1]?.connectionId ?? '';

    for (let i = 0; i < 4; i++) {
      await delay(150);
      if (i % 2 === 0) busy.send('{"action":"silent"}');
      else gateway.post(busyId, Buffer.from('hello'));
    }

    expect(await idle.closed).toMatchObject({ code: 1001 });
    const list = await disconnects(calls);
    expect(list.map((c) => c.event.requestContext.disconnectReason)).toEqual(['Connection Idle Timeout']);
    expect(gateway.list().map((c) => c.connectionId)).toEqual([busyId]);
    await busy.close();
  });

  it('closes any connection after the longest a connection may last', async () => {
    const { url, calls } = await start({ maxConnectionMs: 200 });
    const client = await connect(`${url}/?token=good`);
    client.send('{"action":"silent"}');

    expect(await client.closed).toMatchObject({ code: 1001 });
    expect((await disconnects(calls)).map((c) => c.event.requestContext.disconnectReason)).toEqual([
      'Connection Duration Timeout',
    ]);
  });

  it('closes every connection on stop, running each $disconnect before stop resolves', async () => {
    const { url, calls, gateway } = await start();
    const clients = await Promise.all([1, 2, 3].map(() => connect(`${url}/?token=good`)));

    await gateway.stop();

    const list = calls.filter((c) => c.event.requestContext.eventType === 'DISCONNECT');
    expect(list).toHaveLength(3);
    expect(new Set(list.map((c) => c.event.requestContext.connectionId)).size).toBe(3);
    expect(list.map((c) => c.event.requestContext.disconnectStatusCode)).toEqual([1001, 1001, 1001]);
    for (const client of clients) expect((await client.closed).code).toBe(1001);
  });

  it('runs $disconnect after the messages the connection sent before it closed', async () => {
    const { url, calls } = await start();
    const client = await connect(`${url}/?token=good`);

    client.send('{"action":"slow","ms":200,"n":1}');
    await delay(20);
    await client.close();

    await disconnects(calls);
    const order = calls.filter((c) => c.fn === 'svc').map((c) => c.event.requestContext.routeKey);
    expect(order).toEqual(['$connect', 'slow', '$disconnect']);
  });
});
