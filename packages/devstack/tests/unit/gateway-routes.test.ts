import { loadContract } from '@tessera/tooling/contract';
import { describe, expect, it } from 'vitest';
import { renderDocsPage } from '../../src/docs-page.ts';
import { compileRoutes, matchRoute } from '../../src/gateway.ts';

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

describe('Function: renderDocsPage', () => {
  it('renders every operation and schema, and loads nothing from elsewhere', () => {
    const html = renderDocsPage(contract);

    for (const op of contract.operations) expect(html).toContain(`id="op-${op.operationId}"`);
    for (const name of Object.keys(contract.schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http(?!s:\/\/opensource)/);
  });
});
