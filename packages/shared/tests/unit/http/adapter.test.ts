import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import type { AuthorizerContext } from '../../../src/auth.ts';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  UnprocessableError,
} from '../../../src/errors.ts';
import { createHttpHandler, type HttpEvent } from '../../../src/http/adapter.ts';
import type { OperationSpec, ValidateFunction } from '../../../src/http/types.ts';
import type { Logger } from '../../../src/logger.ts';

const bodyAjv = new Ajv({ allErrors: true });
const paramAjv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
addFormats.default(bodyAjv, ['email', 'uuid']);
addFormats.default(paramAjv, ['email', 'uuid']);

const NOW = 1_800_000_000;

const widgetValidators = {
  params: paramAjv.compile({
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
      header: { type: 'object' },
    },
  }) as ValidateFunction,
  body: bodyAjv.compile({
    type: 'object',
    additionalProperties: false,
    required: ['name', 'owner'],
    properties: {
      name: { type: 'string', minLength: 1 },
      owner: { type: 'string', format: 'email' },
      size: { type: 'integer' },
    },
  }) as ValidateFunction,
};

let widgetValidatorLoads = 0;

const createWidget: OperationSpec = {
  operationId: 'createWidget',
  method: 'POST',
  path: '/widgets/{shopId}',
  secured: true,
  roles: null,
  params: { path: ['shopId'], query: ['limit'], header: [] },
  body: { required: true },
  validators: async () => {
    widgetValidatorLoads++;
    return widgetValidators;
  },
};

const noParameters = async () => ({
  params: paramAjv.compile({ type: 'object' }) as ValidateFunction,
  body: undefined,
});

const deleteShop: OperationSpec = {
  operationId: 'deleteShop',
  method: 'DELETE',
  path: '/shops',
  secured: true,
  roles: ['admin'],
  params: { path: [], query: [], header: [] },
  body: null,
  validators: noParameters,
};

const ping: OperationSpec = {
  operationId: 'ping',
  method: 'GET',
  path: '/ping',
  secured: false,
  roles: null,
  params: { path: [], query: [], header: [] },
  body: null,
  validators: noParameters,
};

const SHOP = '6f1c2b5e-8a4d-4c3e-9f2a-1b2c3d4e5f60';
const USER: AuthorizerContext = { userId: 'u-1', role: 'user', exp: NOW + 600 };

const event = (overrides: Partial<HttpEvent> & { routeKey: string }): HttpEvent =>
  ({
    version: '2.0',
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { authorizer: { lambda: USER } },
    ...overrides,
  }) as unknown as HttpEvent;

const widgetEvent = (
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  event({
    routeKey: 'POST /widgets/{shopId}',
    rawPath: `/widgets/${SHOP}`,
    pathParameters: { shopId: SHOP },
    headers,
    ...(body === undefined ? {} : { body }),
  });

const setup = (handlers: Record<string, (request: never) => Promise<unknown>> = {}) => {
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
  const received: unknown[] = [];
  const metrics = capturedMetrics('widgets');
  const handler = createHttpHandler({
    operations: { createWidget, deleteShop, ping },
    handlers: {
      createWidget: async (request: unknown) => {
        received.push(request);
        return { status: 201, body: { ok: true }, headers: { Location: '/widgets/1' } };
      },
      deleteShop: async () => ({ status: 204 }),
      ping: async () => ({ status: 200, body: { pong: true } }),
      ...handlers,
    },
    logger: logger as unknown as Logger,
    metrics,
    now: () => NOW,
  });
  return { handler, logger, received, metrics };
};

const problem = (result: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(String(result.body)) as Record<string, unknown>;

describe('Function: createHttpHandler', () => {
  it('passes a valid request to the handler with coerced parameters and defaults', async () => {
    // Prepare
    const { handler, received } = setup();

    // Act
    const result = await handler({
      ...widgetEvent(JSON.stringify({ name: 'w', owner: 'a@b.co' })),
      queryStringParameters: { limit: '5' },
    });

    // Assess
    expect(result.statusCode).toBe(201);
    expect(result.headers?.location).toBe('/widgets/1');
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(received[0]).toMatchObject({
      path: { shopId: SHOP },
      query: { limit: 5 },
      body: { name: 'w', owner: 'a@b.co' },
      principal: { userId: 'u-1', role: 'user' },
    });
  });

  it('loads an operation validators on its first request only', async () => {
    const { handler } = setup();
    const before = widgetValidatorLoads;

    await handler(widgetEvent(JSON.stringify({ name: 'w', owner: 'a@b.co' })));
    await handler(widgetEvent(JSON.stringify({ name: 'v', owner: 'a@b.co' })));
    await handler(event({ routeKey: 'GET /ping' }));

    expect(widgetValidatorLoads - before).toBe(1);
  });

  it('fills a query default when the parameter is absent', async () => {
    const { handler, received } = setup();

    await handler(widgetEvent(JSON.stringify({ name: 'w', owner: 'a@b.co' })));

    expect(received[0]).toMatchObject({ query: { limit: 20 } });
  });

  it('answers 404 problem+json for a route key it does not serve', async () => {
    const { handler } = setup();

    const result = await handler(event({ routeKey: 'GET /nowhere', rawPath: '/nowhere' }));

    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(problem(result)).toMatchObject({
      status: 404,
      type: 'urn:tessera:problem:route-not-found',
      instance: '/nowhere',
    });
  });

  it('answers 400 naming the parameter whose percent-encoding is broken, and calls no handler', async () => {
    // Prepare
    const { handler, received } = setup();

    // Act
    const result = await handler({
      ...widgetEvent(JSON.stringify({ name: 'w', owner: 'a@b.co' })),
      rawPath: '/widgets/%E0%A4%A',
      pathParameters: { shopId: '%E0%A4%A' },
    });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(problem(result)).toMatchObject({
      type: 'urn:tessera:problem:invalid-path-encoding',
      errors: [{ location: 'path', field: 'shopId', detail: 'is not valid percent-encoding' }],
    });
    expect(received).toHaveLength(0);
  });

  it('answers 401 with a bare Bearer challenge when no token was presented', async () => {
    const { handler } = setup();

    const result = await handler({ ...widgetEvent('{}'), requestContext: {} } as unknown as HttpEvent);

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toBe('Bearer realm="tessera"');
  });

  it('answers 401 with invalid_token and the authorizer reason when the token was refused', async () => {
    const { handler } = setup();

    const result = await handler({
      ...widgetEvent('{}', { authorization: 'Bearer x', 'content-type': 'application/json' }),
      requestContext: {
        authorizer: { lambda: { authError: 'The access token was not signed by a Tessera key' } },
      },
    } as unknown as HttpEvent);

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toBe(
      'Bearer realm="tessera", error="invalid_token", error_description="The access token was not signed by a Tessera key"',
    );
  });

  it('answers 401 when a cached authorizer answer outlived the token', async () => {
    const { handler } = setup();

    const result = await handler({
      ...widgetEvent('{}', { authorization: 'Bearer x', 'content-type': 'application/json' }),
      requestContext: { authorizer: { lambda: { ...USER, exp: NOW - 1 } } },
    } as unknown as HttpEvent);

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toContain('The access token has expired');
  });

  it('answers 403 when the caller lacks the operation role', async () => {
    const { handler } = setup();

    const result = await handler(event({ routeKey: 'DELETE /shops', rawPath: '/shops' }));

    expect(result.statusCode).toBe(403);
    expect(problem(result).detail).toBe('This operation needs the role admin.');
  });

  it('lets an allowed role through', async () => {
    const { handler } = setup();

    const result = await handler(
      event({
        routeKey: 'DELETE /shops',
        requestContext: { authorizer: { lambda: { ...USER, role: 'admin' } } },
      } as never),
    );

    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    expect(result.headers?.['content-type']).toBeUndefined();
  });

  it('answers 413 for a body over 64 KiB and accepts one of exactly 64 KiB', async () => {
    const { handler } = setup();
    const envelope = JSON.stringify({ name: '', owner: 'a@b.co' }).length;
    const padding = (bytes: number) =>
      JSON.stringify({ name: 'x'.repeat(bytes - envelope), owner: 'a@b.co' });
    const atLimit = padding(64 * 1024);
    const overLimit = padding(64 * 1024 + 1);
    expect(Buffer.byteLength(atLimit)).toBe(64 * 1024);

    const accepted = await handler(widgetEvent(atLimit));
    const refused = await handler(widgetEvent(overLimit));

    expect(accepted.statusCode).toBe(201);
    expect(refused.statusCode).toBe(413);
    expect(problem(refused).type).toBe('urn:tessera:problem:payload-too-large');
  });

  it('counts the decoded size of a base64 body', async () => {
    const { handler } = setup();
    const body = Buffer.from(JSON.stringify({ name: 'w', owner: 'a@b.co' })).toString('base64');

    const result = await handler({ ...widgetEvent(body), isBase64Encoded: true });

    expect(result.statusCode).toBe(201);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a missing content type', undefined],
    ['JSON in another charset', 'application/json; charset=latin1'],
  ])('answers 415 for %s', async (_label, contentType) => {
    const { handler } = setup();
    const headers = contentType ? { 'content-type': contentType } : {};

    const result = await handler(widgetEvent('{"name":"w","owner":"a@b.co"}', headers));

    expect(result.statusCode).toBe(415);
  });

  it('accepts application/json with a UTF-8 charset and +json media types', async () => {
    const { handler } = setup();
    const body = '{"name":"w","owner":"a@b.co"}';

    const a = await handler(widgetEvent(body, { 'content-type': 'application/json; charset=UTF-8' }));
    const b = await handler(widgetEvent(body, { 'content-type': 'application/merge-patch+json' }));

    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
  });

  it('answers 400 for malformed JSON', async () => {
    const { handler } = setup();

    const result = await handler(widgetEvent('{"name": '));

    expect(result.statusCode).toBe(400);
    expect(problem(result)).toMatchObject({
      type: 'urn:tessera:problem:malformed-json',
      errors: [{ location: 'body', field: '(body)', detail: 'is not well-formed JSON' }],
    });
  });

  it('answers 400 naming every bad field, parameters and body together', async () => {
    const { handler, received } = setup();

    const result = await handler({
      ...widgetEvent(JSON.stringify({ owner: 'not an email', size: 'big', extra: 1 })),
      pathParameters: { shopId: 'nope' },
      queryStringParameters: { limit: '500' },
    });

    expect(result.statusCode).toBe(400);
    expect(problem(result).errors).toEqual(
      expect.arrayContaining([
        { location: 'path', field: 'shopId', detail: 'must be a UUID' },
        { location: 'query', field: 'limit', detail: 'must be at most 100' },
        { location: 'body', field: 'name', detail: 'is required' },
        { location: 'body', field: 'owner', detail: 'must be a valid email address' },
        { location: 'body', field: 'size', detail: 'must be an integer' },
        { location: 'body', field: 'extra', detail: 'is not allowed' },
      ]),
    );
    expect(received).toHaveLength(0);
  });

  it('answers 400 when a required body is missing', async () => {
    const { handler } = setup();

    const result = await handler(widgetEvent(undefined));

    expect(result.statusCode).toBe(400);
    expect(problem(result).errors).toEqual([{ location: 'body', field: '(body)', detail: 'is required' }]);
  });

  it.each([
    [new NotFoundError('WIDGET_NOT_FOUND', 'No such widget.'), 404, 'urn:tessera:problem:widget-not-found'],
    [new ConflictError('WIDGET_TAKEN', 'Taken.'), 409, 'urn:tessera:problem:widget-taken'],
    [new PreconditionFailedError('STALE', 'Stale.'), 412, 'urn:tessera:problem:stale'],
    [new UnprocessableError('KEY_REUSED', 'Reused.'), 422, 'urn:tessera:problem:key-reused'],
  ])('maps %s to its status', async (error, status, type) => {
    const { handler } = setup({
      ping: async () => {
        throw error;
      },
    });

    const result = await handler(event({ routeKey: 'GET /ping', rawPath: '/ping' }));

    expect(result.statusCode).toBe(status);
    expect(problem(result)).toMatchObject({ status, type, detail: error.message });
  });

  it('answers 429 with Retry-After in whole seconds', async () => {
    const { handler } = setup({
      ping: async () => {
        throw new RateLimitedError('SLOW_DOWN', 'Slow down.', 12.2);
      },
    });

    const result = await handler(event({ routeKey: 'GET /ping' }));

    expect(result.statusCode).toBe(429);
    expect(result.headers?.['retry-after']).toBe('13');
  });

  it('answers 500 without internals and logs the details', async () => {
    const { handler, logger } = setup({
      ping: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
      },
    });

    const result = await handler(event({ routeKey: 'GET /ping', headers: { 'x-request-id': 'req-500' } }));

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('ECONNREFUSED');
    expect(result.body).not.toContain('hunter2');
    expect(problem(result)).toMatchObject({
      status: 500,
      requestId: 'req-500',
      title: 'Internal Server Error',
    });
    expect(logger.error).toHaveBeenCalledWith(
      'request failed',
      expect.objectContaining({
        correlationId: 'req-500',
        error: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }),
      }),
    );
  });

  it('echoes a well-formed X-Request-Id and passes it to the handler', async () => {
    const { handler, received } = setup();

    const result = await handler({
      ...widgetEvent(JSON.stringify({ name: 'w', owner: 'a@b.co' }), {
        'content-type': 'application/json',
        'x-request-id': 'trace-42',
      }),
    });

    expect(result.headers?.['x-request-id']).toBe('trace-42');
    expect(received[0]).toMatchObject({ correlationId: 'trace-42' });
  });

  it('replaces a malformed X-Request-Id with a new UUID', async () => {
    const { handler } = setup();

    const result = await handler(event({ routeKey: 'GET /ping', headers: { 'x-request-id': 'bad id\n' } }));

    expect(result.headers?.['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts each request once, by its operation and status class, with its latency', async () => {
    // Prepare
    const { handler, metrics } = setup({
      ping: async () => {
        throw new Error('down');
      },
    });

    // Act
    await handler({
      ...widgetEvent(JSON.stringify({ name: 'w', owner: 'a@b.co' })),
      queryStringParameters: {},
    });
    await handler(widgetEvent('{'));
    await handler(event({ routeKey: 'GET /ping', headers: { 'x-request-id': 'req-9' } }));

    // Assess
    expect(metrics.total('Requests')).toBe(3);
    expect(metrics.total('Requests', { operation: 'createWidget', statusClass: '2xx' })).toBe(1);
    expect(metrics.total('Requests', { operation: 'createWidget', statusClass: '4xx' })).toBe(1);
    expect(metrics.total('Requests', { operation: 'ping', statusClass: '5xx', correlationId: 'req-9' })).toBe(
      1,
    );
    expect(metrics.values('Latency')).toHaveLength(3);
    expect(metrics.values('Latency').every((ms) => ms >= 0 && ms < 5_000)).toBe(true);
  });

  it('counts every route no operation answers under one operation name, whatever its path', async () => {
    const { handler, metrics } = setup();

    await handler(event({ routeKey: 'GET /a-made-up-path', rawPath: '/a-made-up-path' }));
    await handler(event({ routeKey: 'GET /another-one', rawPath: '/another-one' }));

    expect(metrics.total('Requests', { operation: 'unmatched', statusClass: '4xx' })).toBe(2);
    expect(new Set(metrics.lines.map((line) => line.operation))).toEqual(new Set(['unmatched']));
  });
});
