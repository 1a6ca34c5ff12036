/**
 * The gateway over real HTTP, with a contract made up here and functions that answer with a fixed
 * result (the boundary): HEAD operations of the contract are served and never answered with a body,
 * a GET-only path does not take HEAD, a broken percent-encoding in a path parameter is a 400 naming
 * it before any function is called, an operation goes to the function that serves its service, and
 * `/_devstack/*` goes to the router.
 */
import { parseContract } from '@tessera/tooling/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway } from '../../src/gateway.ts';
import { DevstackRouter } from '../../src/router.ts';

const contract = parseContract(`
openapi: 3.0.3
info: { title: made up, version: '1' }
paths:
  /health:
    get:
      operationId: getHealth
      x-tessera-service: status
      security: []
      responses: { '200': { description: ok } }
    head:
      operationId: headHealth
      x-tessera-service: status
      security: []
      responses: { '200': { description: ok } }
  /v1/things/{thingId}:
    parameters:
      - { name: thingId, in: path, required: true, schema: { type: string } }
    get:
      operationId: getThing
      x-tessera-service: things
      security: []
      responses: { '200': { description: ok } }
`);

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

const HEALTH_BODY = JSON.stringify({ status: 'ok' });

/** A gateway whose functions record their event and answer 200 with a JSON body. */
const start = async () => {
  const calls: Array<{ functionName: string; event: { routeKey?: string; pathParameters?: unknown } }> = [];
  gateway = new Gateway({
    port: 0,
    host: '127.0.0.1',
    contract,
    operationsFunction: (service) => ({ status: 'status-fn', things: 'things-fn' })[service],
    authorizer: undefined,
    invoke: async (functionName, event) => {
      calls.push({ functionName, event: event as { routeKey?: string } });
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: HEALTH_BODY };
    },
    router: new DevstackRouter().add('GET', '/_devstack/ping', () => ({ body: { pong: true } })),
    pages: (path) =>
      path === '/docs'
        ? { headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html></html>' }
        : undefined,
  });
  return { url: await gateway.start(), calls };
};

describe('Gateway: HEAD', () => {
  it('serves a HEAD operation of the contract like GET, without a body', async () => {
    const { url, calls } = await start();

    const get = await fetch(`${url}/health`);
    const head = await fetch(`${url}/health`, { method: 'HEAD' });

    expect(head.status).toBe(get.status);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(String(HEALTH_BODY.length));
    expect(await head.text()).toBe('');
    expect(await get.text()).toBe(HEALTH_BODY);
    expect(calls.map((c) => [c.functionName, c.event.routeKey])).toEqual([
      ['status-fn', 'GET /health'],
      ['status-fn', 'HEAD /health'],
    ]);
  });

  it('answers 404 without a body for HEAD on a path whose contract has GET only', async () => {
    const { url, calls } = await start();

    const head = await fetch(`${url}/v1/things/a`, { method: 'HEAD' });

    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toBe('application/problem+json');
    expect(await head.text()).toBe('');
    expect(calls).toEqual([]);
  });

  it('answers HEAD of the contract and the docs, and of a devstack endpoint, without a body', async () => {
    const { url } = await start();

    for (const path of ['/openapi.json', '/docs', '/_devstack/ping']) {
      const head = await fetch(`${url}${path}`, { method: 'HEAD' });
      expect([path, head.status, await head.text()]).toEqual([path, 200, '']);
    }
    expect(await (await fetch(`${url}/_devstack/ping`)).json()).toEqual({ pong: true });
  });
});

describe('Gateway: path parameters', () => {
  it.each(['/v1/things/%E0%A4%A', '/v1/things/%ZZ'])(
    'answers %s with a 400 problem naming the parameter, calling no function',
    async (path) => {
      const { url, calls } = await start();

      const response = await fetch(`${url}${path}`, { headers: { 'x-request-id': 'req-400' } });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toEqual({
        type: 'urn:tessera:problem:invalid-path-encoding',
        title: 'Bad Request',
        status: 400,
        detail: 'The path is not valid percent-encoding.',
        instance: path,
        requestId: 'req-400',
        errors: [{ location: 'path', field: 'thingId', detail: 'is not valid percent-encoding' }],
      });
      expect(calls).toEqual([]);
    },
  );

  it('hands the function of the operation its service the decoded parameter', async () => {
    const { url, calls } = await start();

    await fetch(`${url}/v1/things/a%20b`);

    expect(calls).toEqual([
      { functionName: 'things-fn', event: expect.objectContaining({ pathParameters: { thingId: 'a b' } }) },
    ]);
  });
});
