import { loadContract } from '@tessera/tooling/contract';
import { describe, expect, it } from 'vitest';
import { compileRoutes, matchRoute } from '../../src/gateway.ts';
import { devstackPages } from '../../src/pages.ts';

const contract = loadContract();
const routes = compileRoutes(contract);

describe('Function: matchRoute', () => {
  it('prefers a literal segment over a parameter, as API Gateway does', () => {
    expect(matchRoute(routes, 'GET', '/v1/users/me')?.operation.operationId).toBe('getMe');
    expect(matchRoute(routes, 'GET', '/v1/users/6f1c2b5e-8a4d-4c3e-9f2a-1b2c3d4e5f60')).toMatchObject({
      operation: { operationId: 'getUser' },
      pathParameters: { userId: '6f1c2b5e-8a4d-4c3e-9f2a-1b2c3d4e5f60' },
    });
  });

  it('matches the method too, and nothing for an unknown path', () => {
    expect(matchRoute(routes, 'DELETE', '/v1/users/me')).toBeNull();
    expect(matchRoute(routes, 'GET', '/v1/nothing')).toBeNull();
    expect(matchRoute(routes, 'GET', '/.well-known/jwks.json')?.operation.operationId).toBe('getJwks');
  });

  it('decodes path parameters', () => {
    expect(matchRoute(routes, 'GET', '/v1/users/a%20b')?.pathParameters).toEqual({ userId: 'a b' });
  });

  it.each([
    ['/v1/tickets/%E0%A4%A', 'getTicket', 'ticketId'],
    ['/v1/users/%ZZ', 'getUser', 'userId'],
  ])('matches %s, carrying the 400 problem that names its broken parameter', (path, operationId, field) => {
    const match = matchRoute(routes, 'GET', path);

    expect(match?.operation.operationId).toBe(operationId);
    expect(match?.encodingError).toMatchObject({
      code: 'INVALID_PATH_ENCODING',
      errors: [{ location: 'path', field, detail: 'is not valid percent-encoding' }],
    });
  });
});

describe('Contract: one source for every route', () => {
  it('gives every operation an owning service, an id, and a route of its own', () => {
    const keys = contract.operations.map((op) => op.routeKey);

    expect(new Set(keys).size).toBe(keys.length);
    for (const op of contract.operations) {
      expect(op.service).toMatch(/^[a-z]+$/);
      expect(matchRoute(routes, op.method, op.path.replaceAll(/\{\w+\}/g, 'x'))?.operation.operationId).toBe(
        op.operationId,
      );
    }
  });
});

describe('Function: devstackPages', () => {
  it('serves the reference page, Swagger UI and the demo by name, and nothing else', () => {
    const pages = devstackPages({ webSocketUrl: () => 'ws://127.0.0.1:3001' });

    expect(pages('/docs')?.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(pages('/docs/')?.headers['content-security-policy']).toContain("script-src 'self';");
    expect(pages('/docs/assets/swagger-ui-bundle.js')?.headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect(String(pages('/demo')?.body)).toContain(
      '<meta name="tessera-websocket" content="ws://127.0.0.1:3001">',
    );
    expect(pages('/demo')?.headers['content-security-policy']).toContain(
      "connect-src 'self' ws://127.0.0.1:3001",
    );
    for (const path of [
      '/docs/assets/../package.json',
      '/docs/assets/package.json',
      '/docs/assets/index.html',
      '/docs/assets/constructor',
      '/demo/assets/demo.html',
      '/v1/users/me',
    ]) {
      expect(pages(path)).toBeUndefined();
    }
  });
});
