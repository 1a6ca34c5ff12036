/**
 * What the use cases need from the world, as interfaces. Adapters implement them (DynamoDB,
 * argon2id, jose); unit tests hand in small fakes.
 */

import type { Role } from '@tessera/shared/auth';
import type { Clock } from '@tessera/shared/clock';
import type { CursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import type { Metrics } from '@tessera/shared/metrics-catalog';
import type { PublicUser, UserRecord } from './user.ts';

interface Page<T> {
  readonly items: readonly T[];
  readonly lastKey: Readonly<Record<string, unknown>> | undefined;
}

interface UserStore {
  /** Creates the user and its email claim, with its event, atomically; or nothing when the email is taken. */
  create(user: UserRecord, event: TesseraEvent): Promise<'created' | 'email-taken'>;
  getById(id: string): Promise<UserRecord | null>;
  getByEmailKey(emailKey: string): Promise<UserRecord | null>;
  /**
   * Writes `next` (and its event) only if the stored user still has `previous.version`, moving the
   * email claim when the email key changed: `stale` when the user changed or went meanwhile,
   * `email-taken` when the new email belongs to someone else; nothing is written then.
   */
  update(
    previous: UserRecord,
    next: UserRecord,
    event?: TesseraEvent,
  ): Promise<'updated' | 'stale' | 'email-taken'>;
  /** Newest first. */
  list(options: {
    readonly limit: number;
    readonly startKey?: Readonly<Record<string, unknown>> | undefined;
  }): Promise<Page<PublicUser>>;
  /** A cheap read that proves the table answers. */
  ping(): Promise<void>;
}

/** The login attempts recorded for one login email. */
interface LoginFailures {
  /** Epoch milliseconds of the attempts that hold a slot, at most `LockoutPolicy.threshold`; in no order. */
  readonly times: readonly number[];
}

interface LockoutPolicy {
  /** How many attempts one login email may have within `windowMs`. */
  readonly threshold: number;
  readonly windowMs: number;
}

/** A reserved attempt, or the attempts that fill the window when none is left. */
type LoginAttempt = { readonly reserved: true } | ({ readonly reserved: false } & LoginFailures);

interface RefreshTokenRecord {
  /** SHA-256 of the token; the token itself is never stored. */
  readonly hash: string;
  readonly userId: string;
  readonly familyId: string;
  readonly createdAt: string;
  /** Epoch milliseconds when the family (and so this token) expires: 30 days after the login. */
  readonly familyExpiresAt: number;
  readonly usedAt?: string;
}

interface TokenFamily {
  readonly id: string;
  readonly userId: string;
  readonly expiresAt: number;
  readonly revokedAt?: string;
}

type RotationOutcome = 'rotated' | 'reused' | 'revoked';

interface SessionStore {
  /**
   * Reserves one of the `policy.threshold` attempts a login email (its `emailKey`, account or not)
   * has within `policy.windowMs`, atomically, before its password is checked: however many logins
   * race, at most `threshold` hold a reservation within any window. A reservation stays, as the
   * failure it turns out to be, unless a success clears them all. The record expires some time after
   * `policy.windowMs`.
   */
  reserveLoginAttempt(emailKey: string, at: number, policy: LockoutPolicy): Promise<LoginAttempt>;
  /** Forgets every attempt of the login email (after a successful login). */
  clearLoginFailures(emailKey: string): Promise<void>;
  /** Starts a family with its first token. */
  startFamily(family: TokenFamily, token: RefreshTokenRecord): Promise<void>;
  getRefreshToken(hash: string): Promise<RefreshTokenRecord | null>;
  getFamily(id: string): Promise<TokenFamily | null>;
  /**
   * Marks `usedHash` used and stores `next`, atomically, only while `usedHash` is unused and its
   * family unrevoked: `reused` when the token was used already, `revoked` when the family is.
   */
  rotate(usedHash: string, next: RefreshTokenRecord, now: string): Promise<RotationOutcome>;
  revokeFamily(familyId: string, now: string): Promise<void>;
}

interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Costs what `verify` costs, for an account that does not exist. */
  verifyNothing(password: string): Promise<void>;
  /** True when `hash` was made with other parameters than today's. */
  needsRehash(hash: string): boolean;
}

interface AccessTokenIssuer {
  issue(subject: {
    readonly userId: string;
    readonly role: Role;
  }): Promise<{ readonly token: string; readonly expiresIn: number }>;
}

/** Everything the use cases may need; each takes the part it uses. */
interface Dependencies {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly passwords: PasswordHasher;
  readonly accessTokens: AccessTokenIssuer;
  readonly cursors: CursorCodec;
  readonly clock: Clock;
  /** Login failures and lockouts counted. */
  readonly metrics: Metrics;
}

export type {
  AccessTokenIssuer,
  Dependencies,
  LockoutPolicy,
  LoginAttempt,
  LoginFailures,
  Page,
  PasswordHasher,
  RefreshTokenRecord,
  RotationOutcome,
  SessionStore,
  TokenFamily,
  UserStore,
};
