/**
 * The composition root: builds the adapters once per process and hands them to the use cases.
 * Secrets (token keys, cursor secret) are loaded on first need, not at cold start.
 */
import { createCursorCodec } from '@tessera/shared/cursor';
import { createDocumentClient } from '@tessera/shared/dynamodb';
import { loadSecret } from '@tessera/shared/secrets';
import {
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  type KeyRing,
  loadKeyRing,
} from '#adapters/access-tokens';
import { createPasswordHasher } from '#adapters/password-hasher';
import { createSessionStore } from '#adapters/session-store';
import { createUserStore } from '#adapters/user-store';
import { authorizerConfig, serviceConfig } from '#config';
import type { Dependencies } from '#domain/ports';

const memo = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
};

const keyRing = memo(
  async (): Promise<KeyRing> => loadKeyRing(await loadSecret(authorizerConfig().JWT_KEYS)),
);

const serviceParts = () => {
  const config = serviceConfig();
  const client = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT });
  return {
    config,
    users: createUserStore(client, config.TABLE_NAME),
    sessions: createSessionStore(client, config.TABLE_NAME),
    passwords: createPasswordHasher(),
    clock: { now: () => new Date() },
  };
};

let parts: ReturnType<typeof serviceParts> | undefined;
/** Stores, hasher and clock: no secret needed. */
const base = () => {
  parts ??= serviceParts();
  return parts;
};

/** Everything the use cases may need, secrets included. */
const dependencies = memo(async (): Promise<Dependencies> => {
  const { config, users, sessions, passwords, clock } = base();
  const [ring, cursorSecret] = await Promise.all([keyRing(), loadSecret(config.CURSOR_SECRET)]);
  return {
    users,
    sessions,
    passwords,
    clock,
    cursors: createCursorCodec(cursorSecret),
    accessTokens: createAccessTokenIssuer(ring, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
  };
});

const verifier = memo(async () => {
  const config = authorizerConfig();
  return createAccessTokenVerifier(await keyRing(), {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
});

export { base, dependencies, keyRing, verifier };
