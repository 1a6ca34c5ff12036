/**
 * One thin handler per contract operation: validated request in, one use case, response out.
 * Validation, authentication, role checks and error mapping happen in the shared adapter.
 */
import type { OperationHandlers } from '@tessera/shared/http';
import { once } from '@tessera/shared/once';
import type { PublicJwk } from '#adapters/access-tokens';
import { getMe, getUser, listUsers } from '#domain/account-queries';
import type { Dependencies } from '#domain/ports';
import type { HealthCheck, Operations } from '#generated/contract';

interface HttpDependencies extends Dependencies {
  /** The public token keys, for the JWKS and the health check. */
  readonly publicKeys: () => Promise<readonly PublicJwk[]>;
  /** How long a health check may take before it counts as failed. */
  readonly healthTimeoutMs?: number;
}

/** Login, refresh and logout: loaded by the first of them, as the session store is. */
const sessionUseCases = once(() => import('#domain/sessions'));
/** Registration and the profile and role changes: they publish events, so the event catalog loads with the first of them. */
const registration = once(() => import('#domain/register-user'));
const accountChanges = once(() => import('#domain/accounts'));

const check = async (probe: () => Promise<unknown>, timeoutMs: number): Promise<HealthCheck> => {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('health check timed out')), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { status: 'fail', latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
};

/** A check per dependency, each given `timeoutMs` to answer. */
const healthOf = async (d: HttpDependencies) => {
  const timeoutMs = d.healthTimeoutMs ?? 2000;
  const [dynamodb, tokenKeys] = await Promise.all([
    check(() => d.users.ping(), timeoutMs),
    check(() => d.publicKeys(), timeoutMs),
  ]);
  const checks = { dynamodb, tokenKeys };
  return { healthy: Object.values(checks).every((c) => c.status === 'ok'), checks };
};

const createOperationHandlers = (d: HttpDependencies): OperationHandlers<Operations> => ({
  async getHealth() {
    const { healthy, checks } = await healthOf(d);
    return healthy
      ? { status: 200, body: { status: 'ok', checks } }
      : { status: 503, body: { status: 'degraded', checks } };
  },

  async headHealth() {
    const { healthy } = await healthOf(d);
    return healthy ? { status: 200 } : { status: 503 };
  },

  async getJwks() {
    return {
      status: 200,
      body: { keys: await d.publicKeys() },
      headers: { 'cache-control': 'public, max-age=300' },
    };
  },

  async registerUser({ body, correlationId }) {
    const user = await (await registration()).registerUser(d, body, correlationId);
    return { status: 201, body: user, headers: { location: `/v1/users/${user.id}` } };
  },

  async login({ body }) {
    const { login } = await sessionUseCases();
    return { status: 200, body: await login(d, body) };
  },

  async refreshTokens({ body }) {
    const { refreshTokens } = await sessionUseCases();
    return { status: 200, body: await refreshTokens(d, body) };
  },

  async logout({ body }) {
    const { logout } = await sessionUseCases();
    await logout(d, body);
    return { status: 204 };
  },

  async getMe({ principal }) {
    return { status: 200, body: await getMe(d, principal) };
  },

  async updateMe({ principal, body }) {
    return { status: 200, body: await (await accountChanges()).updateMe(d, principal, body) };
  },

  async listUsers({ query }) {
    return { status: 200, body: await listUsers(d, query) };
  },

  async getUser({ principal, path }) {
    return { status: 200, body: await getUser(d, principal, path.userId) };
  },

  async updateUserRole({ principal, path, body, correlationId }) {
    return {
      status: 200,
      body: await (await accountChanges()).changeRole(d, principal, path.userId, body.role, correlationId),
    };
  },
});

export type { HttpDependencies };
export { createOperationHandlers };
