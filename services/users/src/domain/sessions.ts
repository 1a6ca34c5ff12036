/**
 * Sessions: login, refresh-token rotation, logout.
 *
 * A login starts a token family: an opaque refresh token (256 random bits, stored only as its
 * SHA-256) that expires 30 days after the login, whatever happens later. Every refresh retires the
 * token it used and issues the next one in the family. A token presented a second time means it
 * was stolen or replayed, so the whole family is revoked, the newest token included.
 *
 * Login attempts are counted per login email, account or not, in a sliding window: each login
 * reserves one of 10 attempts per 15 minutes before its password is checked, atomically, so however
 * many logins arrive at once at most 10 guesses in any 15 minutes ever reach the password check; a
 * login email is locked while its 10 most recent attempts all fall within the last 15 minutes. A
 * wrong password keeps its reservation as a failure; a right one clears them all (ADR 0018, 0023).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { InvalidCredentialsError, InvalidRefreshTokenError, LoginLockedError } from '../errors.ts';
import { normalizePassword } from './password-policy.ts';
import type { Dependencies, LockoutPolicy, LoginFailures, RefreshTokenRecord } from './ports.ts';
import { emailKeyOf, type UserRecord } from './user.ts';

const FAMILY_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
const LOCKOUT_THRESHOLD = 10;
const LOCKOUT: LockoutPolicy = { threshold: LOCKOUT_THRESHOLD, windowMs: LOCKOUT_WINDOW_MS };

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

/**
 * Seconds until a login email may log in again, or 0 when it is not locked.
 *
 * It is locked while its `LOCKOUT_THRESHOLD` most recent attempts all fall within the last
 * `LOCKOUT_WINDOW_MS`: until the oldest of them is `LOCKOUT_WINDOW_MS` old. Rounded up, so a
 * locked login always waits at least a second.
 */
const lockedForSeconds = (failures: LoginFailures | null, now: number): number => {
  const recent = [...(failures?.times ?? [])].sort((a, b) => a - b).slice(-LOCKOUT_THRESHOLD);
  const [oldest] = recent;
  if (recent.length < LOCKOUT_THRESHOLD || oldest === undefined) return 0;
  const unlocksAt = oldest + LOCKOUT_WINDOW_MS;
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
 * An email with no account goes through the same steps, store calls included, with a password
 * check against nothing, so its answers (401, then 429) and their timing match a wrong password's.
 *
 * 1. Find the account and reserve one of the email's attempts, side by side.
 * 2. No attempt left (10 within the last 15 minutes): 429 (`LoginLockouts`), even with the right password, and the
 *    password is never checked.
 * 3. Check the password; a wrong one (or no account) keeps its reservation as a failure: 401 (`LoginFailures`).
 * 4. Clear the attempts, re-hash if the hashing parameters were raised, start a token family.
 */
const login = async (
  deps: Pick<Dependencies, 'users' | 'sessions' | 'passwords' | 'accessTokens' | 'clock' | 'metrics'>,
  input: { readonly email: string; readonly password: string },
): Promise<TokenPair> => {
  const password = normalizePassword(input.password);
  const emailKey = emailKeyOf(input.email);
  const now = deps.clock.now();
  const [user, attempt] = await Promise.all([
    deps.users.getByEmailKey(emailKey),
    deps.sessions.reserveLoginAttempt(emailKey, now.getTime(), LOCKOUT),
  ]);
  if (!attempt.reserved) {
    deps.metrics.count('LoginLockouts');
    throw new LoginLockedError(lockedForSeconds(attempt, now.getTime()));
  }

  const verified = user
    ? await deps.passwords.verify(user.passwordHash, password)
    : await deps.passwords.verifyNothing(password).then(() => false);
  if (!user || !verified) {
    deps.metrics.count('LoginFailures');
    throw new InvalidCredentialsError();
  }
  await deps.sessions.clearLoginFailures(emailKey);
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
  LOCKOUT,
  LOCKOUT_THRESHOLD,
  LOCKOUT_WINDOW_MS,
  lockedForSeconds,
  login,
  logout,
  refreshTokens,
};
