import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it, vi } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import { ConflictError } from '../../../src/errors.ts';
import { createHttpHandler } from '../../../src/http/adapter.ts';
import type { OperationSpec, ValidateFunction } from '../../../src/http/types.ts';
import { createWebSocketCommands } from '../../../src/http/websocket-commands.ts';
import type { Logger } from '../../../src/logger.ts';

const NOW = 1_800_000_000;
const SHOP = '8c5d7a4e-52c1-4b3f-9c1a-2f0d7e6b1a90';
const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
addFormats.default(ajv, ['uuid']);

const params = ajv.compile({
  type: 'object',
  properties: {
    path: {
      type: 'object',
      properties: { shopId: { type: 'string', format: 'uuid' } },
      required: ['shopId'],
    },
    query: {
      type: 'object',
      properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
    },
    header: { type: 'object', properties: { 'if-match': { type: 'string', pattern: '^"\\d+"$' } } },
  },
}) as ValidateFunction;
const body = new Ajv({ allErrors: true }).compile({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
}) as ValidateFunction;

const spec = (operationId: string, method: 'GET' | 'POST', withBody: boolean): OperationSpec => ({
  operationId,
  method,
  path: '/shops/{shopId}/widgets',
  secured: true,
  roles: null,
  params: { path: ['shopId'], query: ['limit'], header: ['if-match'] },
  body: withBody ? { required: true } : null,
  validators: async () => ({ params, body: withBody ? body : undefined }),
});

const operations = {
  addWidget: spec('addWidget', 'POST', true),
  listWidgets: spec('listWidgets', 'GET', false),
};
const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() } as unknown as Logger;

const seen: unknown[] = [];
const http = createHttpHandler({
  operations,
  logger,
  metrics: capturedMetrics('widgets'),
  now: () => NOW,
  handlers: {
    async addWidget(request: {
      body: { name: string };
      header: object;
      correlationId: string;
      principal: unknown;
    }) {
      seen.push(request);
      if (request.body.name === 'taken') throw new ConflictError('WIDGET_TAKEN', 'That widget exists.');
      return { status: 201, body: { name: request.body.name }, headers: { etag: '"1"' } };
    },
    async listWidgets(request: { query: { limit: number }; path: { shopId: string } }) {
      return { status: 200, body: { items: [], limit: request.query.limit, shopId: request.path.shopId } };
    },
  },
});

const commands = createWebSocketCommands({
  operations,
  http,
  logger,
  now: () => NOW,
  actions: { addWidget: 'addWidget', listWidgets: 'listWidgets' },
});

const event = (
  action: string,
  message: unknown,
  authorizer: object = { userId: 'u-1', role: 'user', exp: NOW + 60 },
) => ({
  requestContext: {
    routeKey: action,
    eventType: 'MESSAGE',
    connectionId: 'c-1',
    requestId: 'apigw-request',
    apiId: 'api',
    domainName: 'localhost',
    stage: 'test',
    requestTimeEpoch: NOW * 1000,
    authorizer,
  },
  body: typeof message === 'string' ? message : JSON.stringify(message),
  isBase64Encoded: false,
});

interface Answered {
  readonly type?: string;
  readonly errors: readonly { readonly location: string; readonly field: string }[];
  readonly [member: string]: unknown;
}

const run = async (...args: Parameters<typeof event>) => {
  const result = await commands(event(...args) as never);
  expect(result.statusCode).toBe(200);
  return JSON.parse(result.body) as {
    type: string;
    requestId: string | null;
    status: number;
    body: Answered;
    headers?: object;
  };
};

describe('Function: createWebSocketCommands', () => {
  it('runs the operation with the message as its request, and answers its status, body and headers', async () => {
    const answer = await run('addWidget', {
      action: 'addWidget',
      requestId: 'r-1',
      shopId: SHOP,
      body: { name: 'gear' },
    });

    expect(answer).toEqual({
      type: 'response',
      requestId: 'r-1',
      status: 201,
      body: { name: 'gear' },
      headers: { etag: '"1"' },
    });
    expect(seen.at(-1)).toMatchObject({ correlationId: 'r-1', principal: { userId: 'u-1', role: 'user' } });
  });

  it('passes the query (coerced by the contract) and the path parameter', async () => {
    const answer = await run('listWidgets', {
      action: 'listWidgets',
      requestId: 'r-2',
      shopId: SHOP,
      query: { limit: 5 },
    });

    expect(answer.body).toEqual({ items: [], limit: 5, shopId: SHOP });
  });

  it("answers the operation's own 400, naming the body's bad fields as REST does", async () => {
    const answer = await run('addWidget', {
      action: 'addWidget',
      requestId: 'r-3',
      shopId: SHOP,
      body: { name: '', extra: 1 },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:tessera:problem:invalid-request');
    expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'name']);
  });

  it("answers the use case's problem (a 409) with the request id", async () => {
    const answer = await run('addWidget', {
      action: 'addWidget',
      requestId: 'r-4',
      shopId: SHOP,
      body: { name: 'taken' },
    });

    expect(answer).toMatchObject({
      type: 'response',
      requestId: 'r-4',
      status: 409,
      body: { type: 'urn:tessera:problem:widget-taken' },
    });
  });

  it('checks a bad path parameter and a bad header with the contract', async () => {
    const answer = await run('listWidgets', {
      action: 'listWidgets',
      requestId: 'r-5',
      shopId: 'nope',
      ifMatch: 'W/"x"',
    });

    expect(answer.status).toBe(400);
    expect(
      answer.body.errors.map((e: { location: string; field: string }) => `${e.location}:${e.field}`).sort(),
    ).toEqual(['header:if-match', 'path:shopId']);
  });

  it.each([
    ['no request id', { action: 'listWidgets', shopId: SHOP }, 'requestId'],
    ['a missing path parameter', { action: 'listWidgets', requestId: 'r' }, 'shopId'],
    ['an unknown field', { action: 'listWidgets', requestId: 'r', shopId: SHOP, owner: 'x' }, 'owner'],
    [
      'a query that is not an object',
      { action: 'listWidgets', requestId: 'r', shopId: SHOP, query: 'limit=5' },
      'query',
    ],
    [
      'a body for a command without one',
      { action: 'listWidgets', requestId: 'r', shopId: SHOP, body: {} },
      'body',
    ],
    [
      'a header that is not a string',
      { action: 'listWidgets', requestId: 'r', shopId: SHOP, ifMatch: 1 },
      'ifMatch',
    ],
  ])('refuses %s with a 400 naming the message field', async (_label, message, field) => {
    const answer = await run('listWidgets', message);

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toContainEqual(expect.objectContaining({ location: 'message', field }));
  });

  it('refuses a message that is not JSON, echoing no request id', async () => {
    const answer = await run('listWidgets', '{not json');

    expect(answer).toMatchObject({
      type: 'response',
      requestId: null,
      status: 400,
      body: { type: 'urn:tessera:problem:malformed-message' },
    });
  });

  it("answers 401 once the connection's access token has expired, and runs nothing", async () => {
    const before = seen.length;
    const answer = await run(
      'addWidget',
      { action: 'addWidget', requestId: 'r-6', shopId: SHOP, body: { name: 'late' } },
      { userId: 'u-1', role: 'user', exp: NOW - 1 },
    );

    expect(answer).toMatchObject({
      requestId: 'r-6',
      status: 401,
      body: { type: 'urn:tessera:problem:unauthenticated' },
    });
    expect(seen.length).toBe(before);
  });

  it('uses a request id that is no valid X-Request-Id only as the echo, not as the correlation id', async () => {
    const answer = await run('addWidget', {
      action: 'addWidget',
      requestId: 'has spaces',
      shopId: SHOP,
      body: { name: 'x' },
    });

    expect(answer.requestId).toBe('has spaces');
    expect((seen.at(-1) as { correlationId: string }).correlationId).not.toBe('has spaces');
  });

  it('refuses to be built with an action naming no operation', () => {
    expect(() => createWebSocketCommands({ operations, http, logger, actions: { nope: 'missing' } })).toThrow(
      /missing/,
    );
  });
});
