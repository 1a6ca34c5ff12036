import type { Logger } from '@tessera/shared/logger';
import { describe, expect, it, vi } from 'vitest';
import { TokenRejectedError, type VerifiedToken } from '../../../src/adapters/access-tokens.ts';
import {
  createAuthorizer,
  createWebSocketAuthorizer,
  isWebSocketAuthorizerEvent,
  Unauthorized,
} from '../../../src/handlers/authorizer.ts';

const logger = { error: vi.fn(), info: vi.fn() } as unknown as Logger;
const GOOD: VerifiedToken = { userId: 'u-1', role: 'admin', expiresAt: 2_000_000_000 };

const authorizerWith = (verify: (token: string) => Promise<VerifiedToken>) =>
  createAuthorizer(async () => verify, logger);

describe('Function: createAuthorizer', () => {
  it('hands the user id, role and expiry of a valid token to the services', async () => {
    const authorize = authorizerWith(async (token) => {
      expect(token).toBe('abc.def.ghi');
      return GOOD;
    });

    const result = await authorize({ headers: { authorization: 'Bearer abc.def.ghi' } });

    expect(result).toEqual({
      isAuthorized: true,
      context: { userId: 'u-1', role: 'admin', exp: 2_000_000_000 },
    });
  });

  it.each([
    ['no header', {}, 'No access token was presented'],
    [
      'another scheme',
      { authorization: 'Basic dXNlcjpwYXNz' },
      'The Authorization header must be "Bearer <access token>"',
    ],
    [
      'an empty bearer',
      { authorization: 'Bearer ' },
      'The Authorization header must be "Bearer <access token>"',
    ],
  ])('passes on a refusal for %s, with no principal', async (_label, headers, reason) => {
    const authorize = authorizerWith(async () => GOOD);

    const result = await authorize({ headers });

    expect(result).toEqual({ isAuthorized: true, context: { authError: reason } });
  });

  it('passes on the reason a token was refused', async () => {
    const authorize = authorizerWith(async () => {
      throw new TokenRejectedError('The access token has expired');
    });

    const result = await authorize({ headers: { authorization: 'bearer x.y.z' } });

    expect(result.context).toEqual({ authError: 'The access token has expired' });
  });

  it('fails loudly when verification itself breaks, rather than letting anyone in', async () => {
    const authorize = authorizerWith(async () => {
      throw new Error('SSM unreachable');
    });

    await expect(authorize({ headers: { authorization: 'Bearer x.y.z' } })).rejects.toThrow(
      'SSM unreachable',
    );
  });
});

describe('Function: createWebSocketAuthorizer', () => {
  const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/$connect';
  const webSocketAuthorizerWith = (verify: (token: string) => Promise<VerifiedToken>) =>
    createWebSocketAuthorizer(async () => verify, logger);

  it('allows the connect of a valid token, with the principal as the context of the connection', async () => {
    const authorize = webSocketAuthorizerWith(async (token) => {
      expect(token).toBe('abc.def.ghi');
      return GOOD;
    });

    const result = await authorize({
      methodArn: METHOD_ARN,
      queryStringParameters: { token: 'abc.def.ghi' },
    });

    expect(result).toEqual({
      principalId: 'u-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }],
      },
      context: { userId: 'u-1', role: 'admin', exp: 2_000_000_000 },
    });
  });

  it.each([
    ['no query string', null],
    ['no token', {}],
    ['an empty token', { token: '' }],
    ['a token outside the JWS alphabet', { token: 'abc def' }],
  ])('throws Unauthorized for %s, without verifying anything', async (_label, query) => {
    const verify = vi.fn(async () => GOOD);
    const authorize = webSocketAuthorizerWith(verify);

    await expect(authorize({ methodArn: METHOD_ARN, queryStringParameters: query })).rejects.toThrow(
      Unauthorized,
    );
    expect(verify).not.toHaveBeenCalled();
  });

  it('throws Unauthorized, the message API Gateway answers 401 for, when the token is refused', async () => {
    const authorize = webSocketAuthorizerWith(async () => {
      throw new TokenRejectedError('The access token has expired');
    });

    const refusal = authorize({ methodArn: METHOD_ARN, queryStringParameters: { token: 'x.y.z' } });

    await expect(refusal).rejects.toThrow(Unauthorized);
    await expect(refusal).rejects.toThrow(/^Unauthorized$/);
  });

  it('fails as an error, not a refusal, when verification itself breaks', async () => {
    const authorize = webSocketAuthorizerWith(async () => {
      throw new Error('SSM unreachable');
    });

    const failure = authorize({ methodArn: METHOD_ARN, queryStringParameters: { token: 'x.y.z' } });

    await expect(failure).rejects.toThrow('SSM unreachable');
    await expect(failure).rejects.not.toBeInstanceOf(Unauthorized);
  });

  it('tells the $connect event (a methodArn) from the HTTP API event', () => {
    expect(isWebSocketAuthorizerEvent({ methodArn: METHOD_ARN, type: 'REQUEST' })).toBe(true);
    expect(isWebSocketAuthorizerEvent({ version: '2.0', routeArn: 'arn:...', headers: {} })).toBe(false);
    expect(isWebSocketAuthorizerEvent(null)).toBe(false);
  });
});
