import type { Logger } from '@tessera/shared/logger';
import { describe, expect, it, vi } from 'vitest';
import { TokenRejectedError, type VerifiedToken } from '../../../src/adapters/access-tokens.ts';
import { createAuthorizer } from '../../../src/handlers/authorizer.ts';

const logger = { error: vi.fn() } as unknown as Logger;
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
