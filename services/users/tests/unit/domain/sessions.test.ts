import { describe, expect, it } from 'vitest';
import {
  FAMILY_LIFETIME_MS,
  hashRefreshToken,
  LOCKOUT_WINDOW_MS,
  login,
  logout,
  refreshTokens,
} from '../../../src/domain/sessions.ts';
import { InvalidCredentialsError, InvalidRefreshTokenError, LoginLockedError } from '../../../src/errors.ts';
import { fakes, userRecord } from '../fakes.ts';

const CREDENTIALS = { email: 'ADA@example.com', password: 'correct horse battery' };

const withUser = (options: { outdatedHashes?: boolean } = {}) => {
  const f = fakes(options);
  const user = userRecord();
  f.users.byId.set(user.id, user);
  return { ...f, user };
};

describe('Function: login', () => {
  it('answers a token pair for the right password, case-insensitively by email', async () => {
    const { deps, user, sessions } = withUser();

    const pair = await login(deps, CREDENTIALS);

    expect(pair).toMatchObject({
      accessToken: `access:${user.id}:user`,
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = sessions.tokens.get(hashRefreshToken(pair.refreshToken));
    expect(stored).toMatchObject({
      userId: user.id,
      familyExpiresAt: Date.parse('2026-11-21T05:00:00.000Z') + FAMILY_LIFETIME_MS,
    });
    expect(sessions.tokens.has(pair.refreshToken)).toBe(false);
  });

  it('answers an unknown email exactly as a wrong password, after the same password work', async () => {
    const { deps, passwords } = withUser();

    const unknown = await login(deps, { ...CREDENTIALS, email: 'nobody@example.com' }).catch(
      (e: unknown) => e,
    );
    const wrong = await login(deps, { ...CREDENTIALS, password: 'wrong password' }).catch((e: unknown) => e);

    expect(unknown).toBeInstanceOf(InvalidCredentialsError);
    expect(wrong).toBeInstanceOf(InvalidCredentialsError);
    expect((unknown as Error).message).toBe((wrong as Error).message);
    expect(passwords.calls).toMatchObject({ verifyNothing: 1, verify: 1 });
  });

  it('locks the account after 10 failures, even for the right password, until the window passes', async () => {
    const { deps, time } = withUser();
    for (let i = 0; i < 10; i++) {
      await expect(login(deps, { ...CREDENTIALS, password: `wrong ${i}` })).rejects.toThrow(
        InvalidCredentialsError,
      );
      time.advance(1000);
    }

    const locked = await login(deps, CREDENTIALS).catch((e: unknown) => e);
    time.advance(LOCKOUT_WINDOW_MS - 10_000 + 1);
    const unlocked = await login(deps, CREDENTIALS);

    expect(locked).toBeInstanceOf(LoginLockedError);
    expect((locked as LoginLockedError).retryAfterSeconds).toBe((LOCKOUT_WINDOW_MS - 10_000) / 1000);
    expect(unlocked.tokenType).toBe('Bearer');
  });

  it('does not lock after 9 failures, and a success clears them', async () => {
    const { deps, sessions, user } = withUser();
    for (let i = 0; i < 9; i++)
      await login(deps, { ...CREDENTIALS, password: 'wrong' }).catch(() => undefined);

    await login(deps, CREDENTIALS);

    expect(sessions.failures.has(user.id)).toBe(false);
  });

  it('re-hashes a password hashed with outdated parameters', async () => {
    const { deps, users, user, passwords } = withUser({ outdatedHashes: true });

    await login(deps, CREDENTIALS);

    expect(passwords.calls.hash).toBe(1);
    expect(users.byId.get(user.id)?.version).toBe(2);
  });
});

describe('Function: refreshTokens', () => {
  it('rotates: the new pair works, the old refresh token is spent', async () => {
    const { deps, sessions } = withUser();
    const first = await login(deps, CREDENTIALS);

    const second = await refreshTokens(deps, { refreshToken: first.refreshToken });

    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(sessions.tokens.get(hashRefreshToken(first.refreshToken))?.usedAt).toBeDefined();
    await expect(refreshTokens(deps, { refreshToken: second.refreshToken })).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('treats a reused token as theft: the whole family, newest token included, is revoked', async () => {
    const { deps } = withUser();
    const first = await login(deps, CREDENTIALS);
    const second = await refreshTokens(deps, { refreshToken: first.refreshToken });

    await expect(refreshTokens(deps, { refreshToken: first.refreshToken })).rejects.toThrow(
      InvalidRefreshTokenError,
    );
    await expect(refreshTokens(deps, { refreshToken: second.refreshToken })).rejects.toThrow(
      InvalidRefreshTokenError,
    );
  });

  it('leaves other families alone when one is revoked', async () => {
    const { deps } = withUser();
    const phone = await login(deps, CREDENTIALS);
    const laptop = await login(deps, CREDENTIALS);
    await refreshTokens(deps, { refreshToken: phone.refreshToken });
    await refreshTokens(deps, { refreshToken: phone.refreshToken }).catch(() => undefined);

    await expect(refreshTokens(deps, { refreshToken: laptop.refreshToken })).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('refuses a token 30 days after its login, however recently it was rotated', async () => {
    const { deps, time } = withUser();
    let pair = await login(deps, CREDENTIALS);
    time.advance(FAMILY_LIFETIME_MS - 60_000);
    pair = await refreshTokens(deps, { refreshToken: pair.refreshToken });
    time.advance(60_000);

    await expect(refreshTokens(deps, { refreshToken: pair.refreshToken })).rejects.toThrow(
      InvalidRefreshTokenError,
    );
  });

  it('refuses an unknown token', async () => {
    const { deps } = withUser();

    await expect(refreshTokens(deps, { refreshToken: 'made-up' })).rejects.toThrow(InvalidRefreshTokenError);
  });

  it('issues the access token with the role the user has now', async () => {
    const { deps, users, user } = withUser();
    const pair = await login(deps, CREDENTIALS);
    users.byId.set(user.id, { ...user, role: 'provider' });

    const next = await refreshTokens(deps, { refreshToken: pair.refreshToken });

    expect(next.accessToken).toBe(`access:${user.id}:provider`);
  });
});

describe('Function: logout', () => {
  it('revokes the family of the token', async () => {
    const { deps } = withUser();
    const pair = await login(deps, CREDENTIALS);
    const next = await refreshTokens(deps, { refreshToken: pair.refreshToken });

    await logout(deps, { refreshToken: pair.refreshToken });

    await expect(refreshTokens(deps, { refreshToken: next.refreshToken })).rejects.toThrow(
      InvalidRefreshTokenError,
    );
  });

  it('says nothing about a token it does not know', async () => {
    const { deps } = withUser();

    await expect(logout(deps, { refreshToken: 'never issued' })).resolves.toBeUndefined();
  });
});
