import { describe, expect, it } from 'vitest';
import { baseUrl, client, raw } from '../../support/e2e.ts';

describe('The gateway', () => {
  it('answers 404 problem+json for a route the contract does not have', async () => {
    const response = await raw('/v1/nothing-here');

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, type: 'urn:tessera:problem:route-not-found' });
  });

  it('echoes the caller X-Request-Id, and makes one when none is sent', async () => {
    const given = await raw('/health', { headers: { 'x-request-id': 'e2e-trace-1' } });
    const made = await raw('/health');

    expect(given.headers.get('x-request-id')).toBe('e2e-trace-1');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers HEAD /health like GET, with no body', async () => {
    const get = await raw('/health');
    const head = await raw('/health', { method: 'HEAD', headers: { 'x-request-id': 'e2e-head-1' } });

    expect(head.status).toBe(get.status);
    expect(head.status).toBe(200);
    expect(head.headers.get('x-request-id')).toBe('e2e-head-1');
    expect(await head.text()).toBe('');
  });

  it('reports health with a check per dependency', async () => {
    const { data, response } = await client().GET('/health');

    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      status: 'ok',
      checks: { dynamodb: { status: 'ok' }, tokenKeys: { status: 'ok' } },
    });
  });
});

describe('The devstack extras', () => {
  it('serves the contract as JSON and the API reference page (Swagger UI, its script a file)', async () => {
    const contract = await fetch(`${baseUrl}/openapi.json`);
    const docs = await fetch(`${baseUrl}/docs`);
    const html = await docs.text();

    expect(((await contract.json()) as { openapi: string }).openapi).toBe('3.0.3');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<script src="/docs/assets/swagger-ui-bundle.js" defer></script>');
    expect(html).not.toMatch(/<script>/);
  });
});
