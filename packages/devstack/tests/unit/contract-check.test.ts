/**
 * The e2e suite's contract checker (tests/support/contract-check.ts), fed made-up responses against
 * the real `openapi/api.yaml`: each breach it exists to catch is reported, alone, and a response
 * that keeps the contract yields none. It lives in the unit project because it is pure: no server.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { breachesOf, ContractViolation, checkedFetch } from '../../../../tests/support/contract-check.ts';

const BASE = 'http://127.0.0.1:3000';
const url = (path: string) => new URL(path, BASE);

const USER = {
  id: '6f1c2b5e-8a4d-4c3e-9f2a-1b2c3d4e5f60',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'user',
  createdAt: '2025-01-02T03:04:05.000Z',
  updatedAt: '2025-01-02T03:04:05.000Z',
};

const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  type: 'urn:tessera:problem:example',
  title: 'Example',
  status,
  detail: 'An example problem.',
  ...extra,
});

/** A response with an X-Request-Id, as every answer must carry one. */
const respond = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = status >= 400 ? 'application/problem+json' : 'application/json',
) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: {
      'x-request-id': 'req-1',
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...headers,
    },
  });

describe('Contract check: breachesOf', () => {
  it('finds nothing wrong with a response that keeps the contract', async () => {
    expect(await breachesOf('GET', url('/v1/users/me'), respond(200, USER))).toEqual([]);
    expect(
      await breachesOf(
        'GET',
        url('/v1/users/me'),
        respond(401, problem(401), { 'www-authenticate': 'Bearer error="invalid_token"' }),
      ),
    ).toEqual([]);
    expect(
      await breachesOf('POST', url('/v1/auth/login'), respond(429, problem(429), { 'retry-after': '60' })),
    ).toEqual([]);
    expect(await breachesOf('POST', url('/v1/auth/logout'), respond(204, undefined))).toEqual([]);
  });

  it('reports a status the operation does not document', async () => {
    expect(await breachesOf('GET', url('/v1/users/me'), respond(418, problem(418)))).toEqual([
      'getMe answered 418, which the contract does not document',
    ]);
  });

  it('reports a field the schema does not have, such as a leaked password hash', async () => {
    const leaked = { ...USER, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' };

    const breaches = await breachesOf('GET', url('/v1/users/me'), respond(200, leaked));

    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatch(
      /^getMe 200 body breaks the schema: data must NOT have additional properties/,
    );
  });

  it('reports a field the schema does not have inside a nested item too', async () => {
    const list = { items: [{ ...USER, refreshTokenHash: 'abc' }], nextCursor: null };

    const breaches = await breachesOf('GET', url('/v1/users'), respond(200, list));

    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatch(
      /^listUsers 200 body breaks the schema: data\/items\/0 must NOT have additional/,
    );
  });

  it('reports a 401 without WWW-Authenticate', async () => {
    expect(await breachesOf('GET', url('/v1/users/me'), respond(401, problem(401)))).toEqual([
      'getMe 401 lacks the www-authenticate header',
    ]);
  });

  it('reports a 429 without Retry-After', async () => {
    expect(await breachesOf('POST', url('/v1/auth/login'), respond(429, problem(429)))).toEqual([
      'login 429 lacks the retry-after header',
    ]);
  });

  it('reports a media type other than the documented one', async () => {
    const plainJsonProblem = respond(404, problem(404), {}, 'application/json');
    const textUser = respond(200, USER, {}, 'text/plain');

    expect(await breachesOf('GET', url('/v1/users/me'), plainJsonProblem)).toEqual([
      'getMe 404 is application/json, not application/problem+json',
    ]);
    expect(await breachesOf('GET', url('/v1/users/me'), textUser)).toEqual([
      'getMe 200 is text/plain, not application/json',
    ]);
  });

  it('reports a problem whose status differs from the HTTP status', async () => {
    expect(await breachesOf('GET', url('/v1/users/me'), respond(404, problem(400)))).toEqual([
      'getMe 404 problem.status does not match the HTTP status',
    ]);
  });

  it('reports a missing X-Request-Id, a body where none belongs, and a body that is not JSON', async () => {
    const noRequestId = new Response(JSON.stringify(USER), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    const notJson = new Response('<html>oops</html>', {
      status: 200,
      headers: { 'x-request-id': 'req-1', 'content-type': 'application/json' },
    });

    expect(await breachesOf('GET', url('/v1/users/me'), noRequestId)).toEqual([
      'no X-Request-Id header',
      'getMe 200 lacks the x-request-id header',
    ]);
    expect(await breachesOf('POST', url('/v1/auth/logout'), respond(200, {}))).toEqual([
      'logout answered 200, which the contract does not document',
    ]);
    expect(await breachesOf('GET', url('/v1/users/me'), notJson)).toEqual([
      'getMe 200 body is not JSON: <html>oops</html>',
    ]);
  });

  it('accepts only a 404 problem for a path that is no operation', async () => {
    const notFound = respond(404, problem(404));

    expect(await breachesOf('GET', url('/v1/nothing'), notFound)).toEqual([]);
    expect(await breachesOf('GET', url('/v1/nothing'), respond(200, {}))).toEqual([
      'GET /v1/nothing is no operation, yet answered 200 application/json',
    ]);
  });

  it('leaves the response readable for the caller', async () => {
    const response = respond(200, USER);

    await breachesOf('GET', url('/v1/users/me'), response);

    expect(await response.json()).toEqual(USER);
  });
});

describe('Contract check: checkedFetch', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('throws a ContractViolation naming the request and each breach', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(200, { ...USER, passwordHash: 'x' }, { 'x-request-id': '' })),
    );

    const failure = await checkedFetch(`${BASE}/v1/users/me`).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ContractViolation);
    expect((failure as Error).message).toMatch(
      /^GET \/v1\/users\/me:\n {2}no X-Request-Id header\n {2}getMe 200 body breaks the schema: /,
    );
  });

  it('answers the response when it keeps the contract', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(200, USER)),
    );

    const response = await checkedFetch(`${BASE}/v1/users/me`, { headers: { authorization: 'Bearer t' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(USER);
  });
});
