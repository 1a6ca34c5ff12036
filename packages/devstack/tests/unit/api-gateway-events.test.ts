/**
 * The API Gateway events the devstack builds (HTTP API payload 2.0, its REQUEST authorizer's, and
 * the WebSocket API's), and `authorize()`, which reads both kinds of authorizer answer: a simple
 * response and an IAM policy. The authorizer function is made up here: the boundary under test.
 */
import { describe, expect, it } from 'vitest';
import {
  authorize,
  type HttpRequestParts,
  httpApiEvent,
  httpAuthorizerEvent,
  requestTime,
  webSocketAuthorizerEvent,
  webSocketEvent,
} from '../../src/api-gateway-events.ts';

const AT = Date.parse('2026-03-12T19:03:58.123Z');

const parts = (overrides: Partial<HttpRequestParts> = {}): HttpRequestParts => ({
  method: 'GET',
  rawPath: '/v1/tickets/t%201',
  rawQueryString: 'a=1&a=2',
  headers: { authorization: 'Bearer abc', 'content-type': 'application/json' },
  cookies: [],
  queryStringParameters: { a: '1,2' },
  routeKey: 'GET /v1/tickets/{ticketId}',
  pathParameters: { ticketId: 't 1' },
  body: Buffer.alloc(0),
  bodyIsText: true,
  sourceIp: '127.0.0.1',
  userAgent: 'test',
  protocol: 'HTTP/1.1',
  domainName: '127.0.0.1:3000',
  receivedAt: AT,
  requestId: 'apigw-1',
  ...overrides,
});

describe('Function: httpApiEvent', () => {
  it('builds a payload 2.0 event with the authorizer context under requestContext.authorizer.lambda', () => {
    const event = httpApiEvent(parts(), { userId: 'u1', role: 'user', exp: 2_000_000_000 });

    expect(event).toEqual({
      version: '2.0',
      routeKey: 'GET /v1/tickets/{ticketId}',
      rawPath: '/v1/tickets/t%201',
      rawQueryString: 'a=1&a=2',
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json' },
      queryStringParameters: { a: '1,2' },
      pathParameters: { ticketId: 't 1' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'devstack',
        domainName: '127.0.0.1:3000',
        domainPrefix: 'devstack',
        http: {
          method: 'GET',
          path: '/v1/tickets/t%201',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        },
        requestId: 'apigw-1',
        routeKey: 'GET /v1/tickets/{ticketId}',
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: AT,
        authorizer: { lambda: { userId: 'u1', role: 'user', exp: 2_000_000_000 } },
      },
      isBase64Encoded: false,
    });
  });

  it('sends a text body as it is, other bodies base64-encoded, and cookies apart from the headers', () => {
    const text = httpApiEvent(parts({ body: Buffer.from('{"a":1}') }));
    const binary = httpApiEvent(parts({ body: Buffer.from([0xff, 0x00]), bodyIsText: false }));
    const withCookies = httpApiEvent(parts({ cookies: ['a=1', 'b=2'] }));

    expect([text.body, text.isBase64Encoded]).toEqual(['{"a":1}', false]);
    expect([binary.body, binary.isBase64Encoded]).toEqual(['/wA=', true]);
    expect(withCookies.cookies).toEqual(['a=1', 'b=2']);
    expect(httpApiEvent(parts()).requestContext).not.toHaveProperty('authorizer');
  });
});

describe('Function: httpAuthorizerEvent', () => {
  it('builds a REQUEST authorizer event with its identity source and route ARN', () => {
    const event = httpAuthorizerEvent(parts(), ['Bearer abc']);

    expect(event).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:us-east-1:000000000000:devstack/$default/GET/v1/tickets/t%201',
      identitySource: ['Bearer abc'],
      routeKey: 'GET /v1/tickets/{ticketId}',
      requestContext: { http: { method: 'GET' }, timeEpoch: AT },
    });
  });
});

describe('Function: webSocketEvent', () => {
  const connection = {
    connectionId: 'Yk1x2cCoIAMCJ2Q=',
    connectedAt: AT - 1000,
    at: AT,
    domainName: '127.0.0.1:3001',
    sourceIp: '127.0.0.1',
  };

  it('builds $connect with the upgrade request, and a message route with its body', () => {
    const connect = webSocketEvent({
      ...connection,
      routeKey: '$connect',
      eventType: 'CONNECT',
      headers: { host: '127.0.0.1:3001' },
      queryStringParameters: { token: 'abc' },
      authorizer: { principalId: 'u1', userId: 'u1' },
    });
    const message = webSocketEvent({
      ...connection,
      routeKey: 'ping',
      eventType: 'MESSAGE',
      body: '{"action":"ping"}',
    });

    expect(connect).toMatchObject({
      headers: { host: '127.0.0.1:3001' },
      multiValueHeaders: { host: ['127.0.0.1:3001'] },
      queryStringParameters: { token: 'abc' },
      multiValueQueryStringParameters: { token: ['abc'] },
      isBase64Encoded: false,
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        connectionId: 'Yk1x2cCoIAMCJ2Q=',
        connectedAt: AT - 1000,
        requestTimeEpoch: AT,
        requestTime: requestTime(AT),
        messageDirection: 'IN',
        domainName: '127.0.0.1:3001',
        stage: 'devstack',
        identity: { sourceIp: '127.0.0.1' },
        authorizer: { principalId: 'u1', userId: 'u1' },
      },
    });
    expect(connect.requestContext).not.toHaveProperty('messageId');
    expect(message).toMatchObject({
      body: '{"action":"ping"}',
      requestContext: { routeKey: 'ping', eventType: 'MESSAGE', messageId: expect.any(String) },
    });
    expect(message).not.toHaveProperty('headers');
  });

  it('builds $disconnect with its status code and reason', () => {
    const event = webSocketEvent({
      ...connection,
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });

    expect(event.requestContext).toMatchObject({
      eventType: 'DISCONNECT',
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
  });

  it('builds the $connect REQUEST authorizer event with its method ARN', () => {
    const event = webSocketAuthorizerEvent({
      ...connection,
      routeKey: '$connect',
      eventType: 'CONNECT',
      queryStringParameters: { token: 'abc' },
    });

    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:devstack/devstack/$connect',
      queryStringParameters: { token: 'abc' },
      requestContext: { routeKey: '$connect', eventType: 'CONNECT' },
    });
  });
});

describe('Function: authorize', () => {
  const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:devstack/devstack/$connect';
  const run = (answer: unknown, identitySource: Array<string | undefined> = ['token']) => {
    const calls: unknown[] = [];
    return authorize({
      invoke: async (event) => {
        calls.push(event);
        return answer;
      },
      identitySource,
      event: (identity) => ({ methodArn, identity }),
    }).then((result) => ({ result, calls }));
  };
  const policy = (effect: 'Allow' | 'Deny', resource = methodArn) => ({
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  });

  it('answers the context of a simple response that authorizes, and a refusal of one that does not', async () => {
    const yes = await run({ isAuthorized: true, context: { userId: 'u1' } });
    const no = await run({ isAuthorized: false, context: { userId: 'u1' } });

    expect(yes.result).toEqual({ authorized: true, context: { userId: 'u1' } });
    expect(yes.calls).toEqual([{ methodArn, identity: ['token'] }]);
    expect(no.result).toEqual({ authorized: false, reason: 'refused' });
  });

  it('reads an IAM policy answer: an Allow covering the ARN authorizes, a Deny wins', async () => {
    const allowed = await run({
      principalId: 'u1',
      policyDocument: policy('Allow'),
      context: { role: 'admin' },
    });
    const wildcard = await run({
      principalId: 'u1',
      policyDocument: policy('Allow', 'arn:aws:execute-api:*:*:devstack/*'),
    });
    const elsewhere = await run({
      principalId: 'u1',
      policyDocument: policy('Allow', 'arn:aws:execute-api:*:*:other/*'),
    });
    const denied = await run({
      principalId: 'u1',
      policyDocument: { Statement: [...policy('Allow').Statement, ...policy('Deny', '*').Statement] },
    });

    expect(allowed.result).toEqual({ authorized: true, context: { role: 'admin' }, principalId: 'u1' });
    expect(wildcard.result.authorized).toBe(true);
    expect(elsewhere.result).toEqual({ authorized: false, reason: 'refused' });
    expect(denied.result).toEqual({ authorized: false, reason: 'refused' });
  });

  it('refuses a missing identity source without calling the authorizer', async () => {
    const missing = await run({ isAuthorized: true, context: {} }, [undefined]);
    const empty = await run({ isAuthorized: true, context: {} }, ['']);

    expect(missing).toEqual({ result: { authorized: false, reason: 'identity-missing' }, calls: [] });
    expect(empty.calls).toEqual([]);
  });

  it('reads a thrown Unauthorized as the refusal unauthorized, and rethrows any other error', async () => {
    const failing = (error: Error) =>
      authorize({
        invoke: async () => {
          throw error;
        },
        identitySource: ['token'],
        event: () => ({ methodArn }),
      });

    expect(await failing(new Error('Unauthorized'))).toEqual({ authorized: false, reason: 'unauthorized' });
    await expect(failing(new Error('unauthorized token'))).rejects.toThrow('unauthorized token');
    await expect(failing(new TypeError('boom'))).rejects.toThrow('boom');
  });

  it('refuses an answer that is neither a simple response nor a policy', async () => {
    expect((await run(null)).result).toEqual({ authorized: false, reason: 'refused' });
    expect((await run({ context: { userId: 'u1' } })).result).toEqual({
      authorized: false,
      reason: 'refused',
    });
  });
});
