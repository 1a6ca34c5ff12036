import { loadContract } from '@tessera/tooling/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionTimeoutError } from '../../src/function-host.ts';
import { Gateway } from '../../src/gateway.ts';

const contract = loadContract();
let gateway: Gateway | undefined;

/** A gateway on a free port whose functions answer with `invoke`: the boundary this test isolates. */
const startGateway = async (invoke: (functionName: string, event: unknown) => Promise<unknown>) => {
  gateway = new Gateway({
    port: 0,
    host: '127.0.0.1',
    contract,
    invoke,
    operationsFunction: (service) => service,
    authorizer: 'users-authorizer',
  });
  return gateway.start();
};

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

describe('Gateway: problems it raises itself', () => {
  it('answers 403 problem+json when the authorizer refuses, and never calls the service', async () => {
    const called: string[] = [];
    const url = await startGateway(async (functionName) => {
      called.push(functionName);
      return { isAuthorized: false };
    });

    const response = await fetch(`${url}/v1/users/me`, {
      headers: { authorization: 'Bearer nope', 'x-request-id': 'req-403' },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({
      type: 'urn:tessera:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'The authorizer refused this request.',
      instance: '/v1/users/me',
      requestId: 'req-403',
    });
    expect(called).toEqual(['users-authorizer']);
  });

  it('answers 503 problem+json when the function times out, naming nothing internal', async () => {
    const url = await startGateway(async (functionName) => {
      throw new FunctionTimeoutError(`${functionName}-secret-name`, 10);
    });

    const response = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-503' },
      body: '{}',
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({
      type: 'urn:tessera:problem:service-timeout',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The service did not answer in time.',
      instance: '/v1/auth/login',
      requestId: 'req-503',
    });
    expect(body).not.toContain('secret-name');
  });
});
