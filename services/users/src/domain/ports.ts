/**
 * What the use cases need from the world, as interfaces. Adapters implement them (DynamoDB,
 * argon2id, jose); unit tests hand in small fakes.
 */
import type { Role } from '@tessera/shared/auth';
import type { CursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import type { PublicUser, UserRecord } from './user.ts';

interface Clock {
  now(): Date;
}

interface Page<T> {
  readonly items: readonly T[];
  readonly lastKey: Readonly<Record<string, unknown>> | undefined;
}

interface UserStore {
  /** Creates the user and its email claim, with its event, atomically. Throws `EmailTakenError`. */
  create(user: UserRecord, event: TesseraEvent): Promise<void>;
  getById(id: string): Promise<UserRecord | null>;
  getByEmailKey(emailKey: string): Promise<UserRecord | null>;
  /**
   * Writes `next` if the stored user still has `previous.version`, moving the email claim when the
   * email key changed. Throws `EmailTakenError`, or `ConcurrentUpdateError` on a version mismatch.
   */
  update(previous: UserRecord, next: UserRecord, event?: TesseraEvent): Promise<void>;
  /** Newest first. */
  list(options: {
    readonly limit: number;
    readonly startKey?: Readonly<Record<string, unknown>> | undefined;
  }): Promise<Page<PublicUser>>;
  /** A cheap read that proves the table answers. */
  ping(): Promise<void>;
}

/** The failed logins recorded for one login email. */
interface LoginFailures {
  /**
   * Epoch milliseconds of the most recent failures, at most `LockoutPolicy.threshold` of them once
   * every concurrent recording has finished; in no particular order.
   */
  readonly times: readonly number[];
}

interface LockoutPolicy {
  /** How many recent failures are kept, and lock the login while they all fall within `windowMs`. */
  readonly threshold: number;
  readonly windowMs: number;
}

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
  /** The failures recorded against a login email (its `emailKey`), whether or not it has an account. */
  getLoginFailures(emailKey: string): Promise<LoginFailures | null>;
  /**
   * Records a failure at `at` atomically: concurrent failures are all counted, and only the
   * `policy.threshold` most recent are kept. The record expires some time after `policy.windowMs`.
   */
  recordLoginFailure(emailKey: string, at: number, policy: LockoutPolicy): Promise<void>;
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
}

export type {
  AccessTokenIssuer,
  Clock,
  Dependencies,
  LockoutPolicy,
  LoginFailures,
  Page,
  PasswordHasher,
  RefreshTokenRecord,
  RotationOutcome,
  SessionStore,
  TokenFamily,
  UserStore,
};
