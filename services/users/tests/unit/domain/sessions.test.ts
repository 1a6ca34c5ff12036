import { describe, expect, it } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import type { Dependencies } from '../../../src/domain/ports.ts';
import {
  FAMILY_LIFETIME_MS,
  hashRefreshToken,
  LOCKOUT_THRESHOLD,
  LOCKOUT_WINDOW_MS,
  lockedForSeconds,
  login,
  logout,
  refreshTokens,
} from '../../../src/domain/sessions.ts';
import { InvalidCredentialsError, InvalidRefreshTokenError, LoginLockedError } from '../../../src/errors.ts';
import { fakes, userRecord } from '../fakes.ts';

const CREDENTIALS = { email: 'ADA@example.com', password: 'correct horse battery' };
const T0 = Date.parse('2026-11-21T05:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** `store`, with the name of every method called on it appended to `calls`. */
const recorded = <T extends object>(store: T, calls: string[]): T =>
  new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return value.apply(target, args);
      };
    },
  });

/** What a failed login answered: 'unauthorized', or 'locked for <seconds>'. */
const outcomeOf = async (attempt: Promise<unknown>) => {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof InvalidCredentialsError) return 'unauthorized';
  if (error instanceof LoginLockedError) return `locked for ${error.retryAfterSeconds}`;
  throw new Error(`unexpected outcome: ${String(error)}`);
};

describe('Function: lockedForSeconds', () => {
  const at = (...offsets: number[]) => ({ times: offsets.map((offset) => T0 + offset) });

  it('locks for 10 failures within 15 minutes, however they are spread', () => {
    // Five in the first minute, five in the last: one fixed window would have split them.
    const failures = at(
      0,
      15 * SECOND,
      30 * SECOND,
      45 * SECOND,
      MINUTE,
      14 * MINUTE,
      ...[15, 30, 45, 59].map((s) => 14 * MINUTE + s * SECOND),
    );

    expect(lockedForSeconds(failures, T0 + 14 * MINUTE + 59 * SECOND)).toBe(1);
    expect(lockedForSeconds(failures, T0 + 10 * MINUTE)).toBe(5 * 60);
  });

  it('does not lock for 9 failures within 15 minutes and a 10th older than that', () => {
    const failures = at(0, ...Array.from({ length: 9 }, (_, i) => (i + 1) * MINUTE));

    expect(lockedForSeconds(failures, T0 + LOCKOUT_WINDOW_MS)).toBe(0);
    expect(lockedForSeconds(failures, T0 + LOCKOUT_WINDOW_MS + 1)).toBe(0);
    expect(lockedForSeconds(failures, T0 + LOCKOUT_WINDOW_MS - 1)).toBe(1);
  });

  it('answers the seconds until the oldest of the last 10 is 15 minutes old, rounded up', () => {
    // Two old failures, then ten between 5 and 6 minutes, given out of order.
    const failures = at(
      ...Array.from({ length: 10 }, (_, i) => 5 * MINUTE + i * SECOND).reverse(),
      -20 * MINUTE,
      -MINUTE,
    );

    expect(lockedForSeconds(failures, T0 + 6 * MINUTE + 500)).toBe(14 * 60);
    expect(lockedForSeconds(failures, T0 + 20 * MINUTE - 1)).toBe(1);
    expect(lockedForSeconds(failures, T0 + 20 * MINUTE)).toBe(0);
  });

  it('does not lock for fewer than 10 failures, or none', () => {
    expect(lockedForSeconds(at(...Array.from({ length: LOCKOUT_THRESHOLD - 1 }, (_, i) => i)), T0 + 10)).toBe(
      0,
    );
    expect(lockedForSeconds({ times: [] }, T0)).toBe(0);
    expect(lockedForSeconds(null, T0)).toBe(0);
  });
});

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

  it('makes the same store calls for an unknown email as for a wrong password', async () => {
    const { deps } = withUser();
    const callsFor = async (input: typeof CREDENTIALS) => {
      const calls: string[] = [];
      const watched: Dependencies = {
        ...deps,
        users: recorded(deps.users, calls),
        sessions: recorded(deps.sessions, calls),
      };
      await login(watched, input).catch(() => undefined);
      return calls;
    };

    const unknown = await callsFor({ ...CREDENTIALS, email: 'nobody@example.com' });
    const wrong = await callsFor({ ...CREDENTIALS, password: 'wrong password' });

    expect(unknown).toEqual(['getByEmailKey', 'reserveLoginAttempt']);
    expect(wrong).toEqual(unknown);
  });

  it('checks no password once the attempts are used up, in a burst of logins arriving together', async () => {
    // Prepare
    const { deps, passwords } = withUser();
    const wrong = Array.from({ length: 59 }, (_, i) => ({ ...CREDENTIALS, password: `guess ${i}` }));

    // Act
    const outcomes = await Promise.all(wrong.map((input) => outcomeOf(login(deps, input))));
    const verifiedInBurst = passwords.calls.verify;
    const right = await outcomeOf(login(deps, CREDENTIALS));

    // Assess
    expect(outcomes.filter((o) => o === 'unauthorized')).toHaveLength(10);
    expect(outcomes.filter((o) => o.startsWith('locked for'))).toHaveLength(49);
    expect(verifiedInBurst).toBe(10);
    expect(right).toBe(`locked for ${15 * 60}`);
    expect(passwords.calls.verify).toBe(10);
  });

  it('locks an email with no account after 10 failures, as it would an account', async () => {
    const { deps, time } = withUser();
    const nobody = { email: 'nobody@example.com', password: 'any password at all' };
    const outcomes: string[] = [];
    for (let i = 0; i < 11; i++) {
      outcomes.push(await outcomeOf(login(deps, nobody)));
      time.advance(SECOND);
    }

    expect(outcomes).toEqual([...Array(10).fill('unauthorized'), `locked for ${15 * 60 - 10}`]);
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

  it('never lets more than 10 failures into any 15 minutes, across where a fixed window would end', async () => {
    const { deps, time } = withUser();
    // One failure, a burst just before it is 15 minutes old, then an attempt every 5 s.
    const attempts = [
      0,
      ...Array.from({ length: 10 }, (_, i) => 14 * MINUTE + 50 * SECOND + i * SECOND),
      ...Array.from({ length: 200 }, (_, i) => 15 * MINUTE + i * 5 * SECOND),
    ];
    const failures: number[] = [];
    const outcomes: string[] = [];
    for (const offset of attempts) {
      time.advance(T0 + offset - deps.clock.now().getTime());
      const outcome = await outcomeOf(login(deps, { ...CREDENTIALS, password: 'wrong' }));
      outcomes.push(outcome);
      if (outcome === 'unauthorized') failures.push(offset);
    }

    const mostInAnyWindow = Math.max(
      ...failures.map((end) => failures.filter((t) => t > end - LOCKOUT_WINDOW_MS && t <= end).length),
    );
    expect(mostInAnyWindow).toBe(10);
    // The burst's 9 locked it until the first failure was 15 minutes old (a second later); the
    // next failure locked it again until the oldest of the burst is (at 29:50).
    expect(outcomes.slice(0, 13)).toEqual([
      ...Array(10).fill('unauthorized'),
      'locked for 1',
      'unauthorized',
      `locked for ${14 * 60 + 45}`,
    ]);
  });

  it('answers 429 with the right password while locked, and lets it in once the lock ends', async () => {
    const { deps, time } = withUser();
    const wrong = { ...CREDENTIALS, password: 'wrong' };
    for (let i = 0; i < 5; i++) await login(deps, wrong).catch(() => undefined);
    time.advance(13 * MINUTE);
    for (let i = 0; i < 5; i++) await login(deps, wrong).catch(() => undefined);

    const locked = await outcomeOf(login(deps, CREDENTIALS));
    time.advance(2 * MINUTE - 1);
    const stillLocked = await outcomeOf(login(deps, CREDENTIALS));
    time.advance(1);
    const pair = await login(deps, CREDENTIALS);

    expect([locked, stillLocked]).toEqual([`locked for ${2 * 60}`, 'locked for 1']);
    expect(pair.tokenType).toBe('Bearer');
  });

  it('does not lock after 9 failures, and a success clears them', async () => {
    const { deps, sessions, user } = withUser();
    const wrong = { ...CREDENTIALS, password: 'wrong' };
    for (let i = 0; i < 9; i++) await login(deps, wrong).catch(() => undefined);
    const counted = sessions.failures.get(user.emailKey)?.times.length;

    await login(deps, CREDENTIALS);
    const cleared = !sessions.failures.has(user.emailKey);
    for (let i = 0; i < 9; i++) await login(deps, wrong).catch(() => undefined);

    expect(counted).toBe(9);
    expect(cleared).toBe(true);
    await expect(login(deps, CREDENTIALS)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('re-hashes a password hashed with outdated parameters', async () => {
    const { deps, users, user, passwords } = withUser({ outdatedHashes: true });

    await login(deps, CREDENTIALS);

    expect(passwords.calls.hash).toBe(1);
    expect(users.byId.get(user.id)?.version).toBe(2);
  });
});

/** A user's fakes whose metrics the test reads. */
const counted = () => {
  const world = withUser();
  const metrics = capturedMetrics('users');
  return { ...world, deps: { ...world.deps, metrics }, metrics };
};

/** Ten wrong passwords a second apart: the eleventh login within 15 minutes is locked. */
const lockOut = async (deps: Dependencies, time: { advance: (ms: number) => void }) => {
  for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
    await login(deps, { ...CREDENTIALS, password: `wrong ${i}` }).catch(() => undefined);
    time.advance(SECOND);
  }
};

describe('Metric: LoginFailures', () => {
  it('counts one for a wrong password, under the users service', async () => {
    // Prepare
    const { deps, metrics } = counted();

    // Act
    await login(deps, { ...CREDENTIALS, password: 'wrong password' }).catch(() => undefined);

    // Assess
    expect(metrics.published('LoginFailures')).toEqual([
      { value: 1, dimensions: [['service', 'environment']], service: 'users' },
    ]);
  });

  it('counts one for an email with no account', async () => {
    // Prepare
    const { deps, metrics } = counted();

    // Act
    await login(deps, { ...CREDENTIALS, email: 'nobody@example.com' }).catch(() => undefined);

    // Assess
    expect(metrics.total('LoginFailures')).toBe(1);
  });

  it('counts nothing for a good login', async () => {
    // Prepare
    const { deps, metrics } = counted();

    // Act
    await login(deps, CREDENTIALS);

    // Assess
    expect(metrics.lines).toEqual([]);
  });

  it('counts no failure for a login refused while locked out, whose password is never checked', async () => {
    // Prepare
    const { deps, metrics, time } = counted();
    await lockOut(deps, time);

    // Act
    await login(deps, { ...CREDENTIALS, password: 'wrong again' }).catch(() => undefined);

    // Assess
    expect(metrics.total('LoginFailures')).toBe(LOCKOUT_THRESHOLD);
  });
});

describe('Metric: LoginLockouts', () => {
  it('counts nothing for the failures before the lockout starts', async () => {
    // Prepare
    const { deps, metrics, time } = counted();

    // Act
    await lockOut(deps, time);

    // Assess
    expect(metrics.total('LoginFailures')).toBe(LOCKOUT_THRESHOLD);
    expect(metrics.total('LoginLockouts')).toBe(0);
  });

  it('counts one per login refused while locked out (429), the right password included, under the users service', async () => {
    // Prepare
    const { deps, metrics, time } = counted();
    await lockOut(deps, time);

    // Act
    const outcomes = [
      await outcomeOf(login(deps, { ...CREDENTIALS, password: 'wrong again' })),
      await outcomeOf(login(deps, CREDENTIALS)),
    ];

    // Assess
    expect(outcomes.every((o) => o.startsWith('locked for'))).toBe(true);
    expect(metrics.published('LoginLockouts')).toEqual([
      { value: 1, dimensions: [['service', 'environment']], service: 'users' },
      { value: 1, dimensions: [['service', 'environment']], service: 'users' },
    ]);
  });

  it('counts nothing once the lockout has ended', async () => {
    // Prepare
    const { deps, metrics, time } = counted();
    await lockOut(deps, time);
    time.advance(LOCKOUT_WINDOW_MS);

    // Act
    await login(deps, CREDENTIALS);

    // Assess
    expect(metrics.total('LoginLockouts')).toBe(0);
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
