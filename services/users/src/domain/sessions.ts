/**
 * Sessions: login, refresh-token rotation, logout.
 *
 * A login starts a token family: an opaque refresh token (256 random bits, stored only as its
 * SHA-256) that expires 30 days after the login, whatever happens later. Every refresh retires the
 * token it used and issues the next one in the family. A token presented a second time means it
 * was stolen or replayed, so the whole family is revoked, the newest token included.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { InvalidCredentialsError, InvalidRefreshTokenError, LoginLockedError } from '../errors.ts';
import { normalizePassword } from './password-policy.ts';
import type { Dependencies, LoginFailures, RefreshTokenRecord } from './ports.ts';
import { emailKeyOf, type UserRecord } from './user.ts';

const FAMILY_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
const LOCKOUT_THRESHOLD = 10;

interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

const newRefreshToken = (): { readonly token: string; readonly hash: string } => {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
};

const hashRefreshToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('base64url');

/** Seconds until a locked account may log in again, or 0 when it is not locked. */
const lockedForSeconds = (failures: LoginFailures | null, now: number): number => {
  if (!failures || failures.count < LOCKOUT_THRESHOLD) return 0;
  const unlocksAt = failures.windowStart + LOCKOUT_WINDOW_MS;
  return unlocksAt > now ? Math.ceil((unlocksAt - now) / 1000) : 0;
};

const pairFor = async (
  deps: Pick<Dependencies, 'accessTokens'>,
  user: UserRecord,
  refreshToken: string,
): Promise<TokenPair> => {
  const access = await deps.accessTokens.issue({ userId: user.id, role: user.role });
  return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
};

/**
 * Logs in.
 *
 * 1. Find the account by email; for none, spend the time of a password check anyway and answer as
 *    for a wrong password.
 * 2. A locked account (10 failures in the 15-minute window) gets 429, even with the right password.
 * 3. Check the password; a wrong one is counted and answered 401.
 * 4. Clear the failures, re-hash if the hashing parameters were raised, start a token family.
 */
const login = async (
  deps: Pick<Dependencies, 'users' | 'sessions' | 'passwords' | 'accessTokens' | 'clock'>,
  input: { readonly email: string; readonly password: string },
): Promise<TokenPair> => {
  const password = normalizePassword(input.password);
  const user = await deps.users.getByEmailKey(emailKeyOf(input.email));
  if (!user) {
    await deps.passwords.verifyNothing(password);
    throw new InvalidCredentialsError();
  }
  const now = deps.clock.now();
  const failures = await deps.sessions.getLoginFailures(user.id);
  const lockedFor = lockedForSeconds(failures, now.getTime());
  if (lockedFor > 0) throw new LoginLockedError(lockedFor);

  if (!(await deps.passwords.verify(user.passwordHash, password))) {
    await deps.sessions.recordLoginFailure(user.id, now.getTime(), LOCKOUT_WINDOW_MS);
    throw new InvalidCredentialsError();
  }
  if (failures) await deps.sessions.clearLoginFailures(user.id);
  if (deps.passwords.needsRehash(user.passwordHash)) {
    const rehashed = {
      ...user,
      passwordHash: await deps.passwords.hash(password),
      version: user.version + 1,
    };
    // Best effort: a concurrent change just means the next login re-hashes instead.
    await deps.users.update(user, rehashed).catch(() => undefined);
  }

  const { token, hash } = newRefreshToken();
  const familyId = randomUUID();
  const expiresAt = now.getTime() + FAMILY_LIFETIME_MS;
  await deps.sessions.startFamily(
    { id: familyId, userId: user.id, expiresAt },
    { hash, userId: user.id, familyId, createdAt: now.toISOString(), familyExpiresAt: expiresAt },
  );
  return pairFor(deps, user, token);
};

/**
 * Rotates a refresh token.
 *
 * 1. The token must exist, be unexpired, and belong to an unrevoked family.
 * 2. A token already used is a replay: revoke its family and refuse.
 * 3. Retire it and store its successor in one conditional transaction; losing a race to a
 *    concurrent use of the same token is a replay too.
 * 4. Answer a new pair, with the role the user has now.
 */
const refreshTokens = async (
  deps: Pick<Dependencies, 'users' | 'sessions' | 'accessTokens' | 'clock'>,
  input: { readonly refreshToken: string },
): Promise<TokenPair> => {
  const now = deps.clock.now();
  const usedHash = hashRefreshToken(input.refreshToken);
  const record = await deps.sessions.getRefreshToken(usedHash);
  if (!record || record.familyExpiresAt <= now.getTime()) throw new InvalidRefreshTokenError();
  const family = await deps.sessions.getFamily(record.familyId);
  if (!family || family.revokedAt !== undefined) throw new InvalidRefreshTokenError();
  if (record.usedAt !== undefined) {
    await deps.sessions.revokeFamily(record.familyId, now.toISOString());
    throw new InvalidRefreshTokenError();
  }
  const user = await deps.users.getById(record.userId);
  if (!user) throw new InvalidRefreshTokenError();

  const { token, hash } = newRefreshToken();
  const next: RefreshTokenRecord = {
    hash,
    userId: record.userId,
    familyId: record.familyId,
    createdAt: now.toISOString(),
    familyExpiresAt: record.familyExpiresAt,
  };
  const outcome = await deps.sessions.rotate(usedHash, next, now.toISOString());
  if (outcome === 'reused') await deps.sessions.revokeFamily(record.familyId, now.toISOString());
  if (outcome !== 'rotated') throw new InvalidRefreshTokenError();
  return pairFor(deps, user, token);
};

/** Revokes the token's family. Says nothing about whether the token existed. */
const logout = async (
  deps: Pick<Dependencies, 'sessions' | 'clock'>,
  input: { readonly refreshToken: string },
): Promise<void> => {
  const record = await deps.sessions.getRefreshToken(hashRefreshToken(input.refreshToken));
  if (record) await deps.sessions.revokeFamily(record.familyId, deps.clock.now().toISOString());
};

export type { TokenPair };
export {
  FAMILY_LIFETIME_MS,
  hashRefreshToken,
  LOCKOUT_THRESHOLD,
  LOCKOUT_WINDOW_MS,
  lockedForSeconds,
  login,
  logout,
  refreshTokens,
};
