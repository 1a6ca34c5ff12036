/**
 * The router of the devstack's own endpoints: routes by method and path with parameters, HEAD
 * answered like GET, 404 and 405 (with `Allow`) as problem+json, JSON answers never cached.
 */
import { describe, expect, it } from 'vitest';
import { DevstackRouter, routeProblem } from '../../src/router.ts';

const request = (method: string, path: string, body = '') => ({
  method,
  url: new URL(path, 'http://127.0.0.1:3000'),
  headers: {},
  body: async () => Buffer.from(body),
});

const router = new DevstackRouter()
  .add('GET', '/_devstack/events', ({ url }) => ({ body: { items: [url.searchParams.get('detailType')] } }))
  .add('POST', '/_devstack/queues/{name}/redrive', async ({ params, body }) => ({
    status: 202,
    body: { queue: params.name, sent: (await body()).toString() },
  }))
  .add('GET', '/_devstack/page', () => ({ headers: { 'content-type': 'text/plain' }, body: 'plain' }));

const json = (body: Buffer) => JSON.parse(body.toString('utf8')) as unknown;

describe('Class: DevstackRouter', () => {
  it('answers a GET route with JSON that is never cached', async () => {
    const answer = await router.handle(request('GET', '/_devstack/events?detailType=user.registered'));

    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(json(answer.body)).toEqual({ items: ['user.registered'] });
  });

  it('hands a route its decoded path parameters and its body', async () => {
    const answer = await router.handle(
      request('POST', '/_devstack/queues/payments%2Dbookings/redrive', 'now'),
    );

    expect(answer.status).toBe(202);
    expect(json(answer.body)).toEqual({ queue: 'payments-bookings', sent: 'now' });
  });

  it('answers HEAD on a GET route, and leaves a body that is text as the route wrote it', async () => {
    const head = await router.handle(request('HEAD', '/_devstack/events'));
    const page = await router.handle(request('GET', '/_devstack/page'));

    expect(head.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/plain');
    expect(page.body.toString()).toBe('plain');
  });

  it('answers 404 problem+json for a path it has no route for', async () => {
    const answer = await router.handle(request('GET', '/_devstack/nothing'));

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(json(answer.body)).toEqual({
      type: 'urn:tessera:problem:route-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'The devstack has no endpoint /_devstack/nothing.',
      instance: '/_devstack/nothing',
    });
  });

  it('answers 405 problem+json with Allow for a method the path does not take', async () => {
    const answer = await router.handle(request('DELETE', '/_devstack/events'));

    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(json(answer.body)).toMatchObject({ status: 405, type: 'urn:tessera:problem:method-not-allowed' });
  });

  it('answers 400 for a path parameter whose percent-encoding is broken', async () => {
    const answer = await router.handle(request('POST', '/_devstack/queues/%ZZ/redrive'));

    expect(answer.status).toBe(400);
  });

  it('owns every path under /_devstack/ and nothing else', () => {
    expect(router.owns('/_devstack/anything')).toBe(true);
    expect(router.owns('/_devstack')).toBe(true);
    expect(router.owns('/v1/_devstack/events')).toBe(false);
    expect(() => router.add('GET', '/elsewhere', () => ({}))).toThrow(/starts with \/_devstack\//);
  });
});

describe('Function: routeProblem', () => {
  it('answers a problem+json a route can return', async () => {
    const refusing = new DevstackRouter().add('POST', '/_devstack/queues/{name}/redrive', ({ params }) =>
      routeProblem(404, 'QUEUE_NOT_FOUND', `No queue ${params.name}.`),
    );

    const answer = await refusing.handle(request('POST', '/_devstack/queues/nobody/redrive'));

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(json(answer.body)).toEqual({
      type: 'urn:tessera:problem:queue-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No queue nobody.',
    });
  });
});
