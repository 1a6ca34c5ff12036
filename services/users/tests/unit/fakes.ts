/**
 * In-memory stand-ins for the users ports, for unit tests of the use cases. They keep the rules
 * the use cases rely on (unique emails, version checks, single-use tokens); the DynamoDB stores are
 * held to the same rules by the integration tests.
 */
import type { CursorCodec } from '@tessera/shared/cursor';
import { createCursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import { capturedMetrics } from '../../../../tests/support/metrics.ts';
import type {
  AccessTokenIssuer,
  Dependencies,
  LoginFailures,
  PasswordHasher,
  RefreshTokenRecord,
  SessionStore,
  TokenFamily,
  UserStore,
} from '../../src/domain/ports.ts';
import { toPublicUser, type UserRecord } from '../../src/domain/user.ts';

const memoryUsers = () => {
  const byId = new Map<string, UserRecord>();
  const events: TesseraEvent[] = [];
  const reads: string[] = [];
  const claimed = () => new Map([...byId.values()].map((u) => [u.emailKey, u.id]));
  const store: UserStore = {
    async create(user, event) {
      if (claimed().has(user.emailKey)) return 'email-taken';
      byId.set(user.id, user);
      events.push(event);
      return 'created';
    },
    async getById(id) {
      reads.push(id);
      return byId.get(id) ?? null;
    },
    async getByEmailKey(emailKey) {
      const id = claimed().get(emailKey);
      return id ? (byId.get(id) ?? null) : null;
    },
    async update(previous, next, event) {
      const current = byId.get(previous.id);
      if (!current || current.version !== previous.version) return 'stale';
      const owner = claimed().get(next.emailKey);
      if (owner !== undefined && owner !== next.id) return 'email-taken';
      byId.set(next.id, next);
      if (event) events.push(event);
      return 'updated';
    },
    async list({ limit, startKey }) {
      const all = [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const start = startKey ? all.findIndex((u) => u.id === startKey.id) + 1 : 0;
      const page = all.slice(start, start + limit);
      const more = all.length > start + limit;
      return { items: page.map(toPublicUser), lastKey: more ? { id: page.at(-1)?.id } : undefined };
    },
    async ping() {},
  };
  return { store, byId, events, reads };
};

const memorySessions = () => {
  const failures = new Map<string, LoginFailures>();
  const tokens = new Map<string, RefreshTokenRecord>();
  const families = new Map<string, TokenFamily>();
  const store: SessionStore = {
    async reserveLoginAttempt(emailKey, at, { threshold, windowMs }) {
      // The same rule as the DynamoDB store's slots: an attempt takes one of `threshold` places,
      // freed only when the attempt in it is older than the window.
      const held = (failures.get(emailKey)?.times ?? []).filter((time) => time > at - windowMs);
      if (held.length >= threshold) return { reserved: false, times: held };
      failures.set(emailKey, { times: [...held, at] });
      return { reserved: true };
    },
    async clearLoginFailures(emailKey) {
      failures.delete(emailKey);
    },
    async startFamily(family, token) {
      families.set(family.id, family);
      tokens.set(token.hash, token);
    },
    async getRefreshToken(hash) {
      return tokens.get(hash) ?? null;
    },
    async getFamily(id) {
      return families.get(id) ?? null;
    },
    async rotate(usedHash, next, now) {
      const used = tokens.get(usedHash);
      if (!used || used.usedAt !== undefined) return 'reused';
      if (families.get(next.familyId)?.revokedAt !== undefined) return 'revoked';
      tokens.set(usedHash, { ...used, usedAt: now });
      tokens.set(next.hash, next);
      return 'rotated';
    },
    async revokeFamily(familyId, now) {
      const family = families.get(familyId);
      if (family && family.revokedAt === undefined) families.set(familyId, { ...family, revokedAt: now });
    },
  };
  return { store, failures, tokens, families };
};

/** Hashes as `hash:<password>`; `verifyNothing` calls are counted. */
const plainHasher = (options: { readonly outdated?: boolean } = {}) => {
  const calls = { hash: 0, verify: 0, verifyNothing: 0 };
  const hasher: PasswordHasher = {
    async hash(password) {
      calls.hash++;
      return `hash:${password}`;
    },
    async verify(hash, password) {
      calls.verify++;
      return hash === `hash:${password}`;
    },
    async verifyNothing() {
      calls.verifyNothing++;
    },
    needsRehash: () => options.outdated === true,
  };
  return { hasher, calls };
};

const fakeAccessTokens: AccessTokenIssuer = {
  async issue({ userId, role }) {
    return { token: `access:${userId}:${role}`, expiresIn: 900 };
  },
};

const fixedClock = (start = Date.parse('2026-11-21T05:00:00.000Z')) => {
  let now = start;
  return {
    clock: { now: () => new Date(now) },
    advance: (ms: number) => {
      now += ms;
    },
  };
};

const cursors: CursorCodec = createCursorCodec('unit-test-cursor-secret-of-32-chars!');

/** A full set of fakes, with handles to inspect them. */
const fakes = (options: { readonly outdatedHashes?: boolean } = {}) => {
  const users = memoryUsers();
  const sessions = memorySessions();
  const passwords = plainHasher({ outdated: options.outdatedHashes ?? false });
  const time = fixedClock();
  const deps: Dependencies = {
    users: users.store,
    sessions: sessions.store,
    passwords: passwords.hasher,
    accessTokens: fakeAccessTokens,
    cursors,
    clock: time.clock,
    metrics: capturedMetrics('users'),
  };
  return { deps, users, sessions, passwords, time };
};

const userRecord = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  id: '5a1f9c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b',
  email: 'Ada@Example.com',
  emailKey: 'ada@example.com',
  name: 'Ada',
  role: 'user',
  passwordHash: 'hash:correct horse battery',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  version: 1,
  ...overrides,
});

export { fakes, userRecord };
