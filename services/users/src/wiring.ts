/**
 * The composition root: builds the adapters once per process and hands them to the use cases.
 * Secrets (token keys, cursor secret) are loaded on first need, not at cold start.
 */
import { createCursorCodec } from '@tessera/shared/cursor';
import { createDocumentClient } from '@tessera/shared/dynamodb';
import { once } from '@tessera/shared/once';
import { loadSecret } from '@tessera/shared/secrets';
import { createPasswordHasher } from '#adapters/password-hasher';
import { createUserStore } from '#adapters/user-store';
import { serviceConfig } from '#config';
import type { Dependencies, SessionStore } from '#domain/ports';
import { keyRing, tokens } from '#verifier';

const serviceParts = () => {
  const config = serviceConfig();
  const client = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT });
  return {
    config,
    client,
    users: createUserStore(client, config.TABLE_NAME),
    passwords: createPasswordHasher(),
    clock: { now: () => new Date() },
  };
};

let parts: ReturnType<typeof serviceParts> | undefined;
/** The user store, hasher and clock: no secret needed. */
const base = () => {
  parts ??= serviceParts();
  return parts;
};

/** The session store, loaded by the first login, refresh or logout: no other request needs it. */
const sessions = once(async (): Promise<SessionStore> => {
  const { client, config } = base();
  const { createSessionStore } = await import('#adapters/session-store');
  return createSessionStore(client, config.TABLE_NAME);
});

/** Everything the use cases may need, secrets included. */
const dependencies = once(async (): Promise<Dependencies> => {
  const { config, users, passwords, clock } = base();
  const [ring, cursorSecret, { createAccessTokenIssuer }, sessionStore] = await Promise.all([
    keyRing(),
    loadSecret(config.CURSOR_SECRET),
    tokens(),
    sessions(),
  ]);
  return {
    users,
    sessions: sessionStore,
    passwords,
    clock,
    cursors: createCursorCodec(cursorSecret),
    accessTokens: createAccessTokenIssuer(ring, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
  };
});

export { base, dependencies, keyRing, sessions };
