/**
 * The composition root of the users function: every dependency built once per process and handed
 * to the handlers ready. What a request may never need stays out of the cold start behind its port:
 * the session store (login, refresh, logout) loads on its first call, and the token keys, the token
 * adapter (jose) and the cursor secret on their first use.
 */
import { systemClock } from '@tessera/shared/clock';
import { createCursorCodec } from '@tessera/shared/cursor';
import { documentClientFor } from '@tessera/shared/dynamodb';
import { lazyPort } from '@tessera/shared/lazy';
import { createMetrics } from '@tessera/shared/metrics';
import { loadSecret } from '@tessera/shared/secrets';
import { createPasswordHasher } from '#adapters/password-hasher';
import { createUserStore } from '#adapters/user-store';
import { serviceConfig } from '#config';
import type { Dependencies } from '#domain/ports';
import { keyRing, tokens } from '#verifier';

const config = serviceConfig();

const client = documentClientFor(config);

const metrics = createMetrics({ service: 'users', environment: config.ENVIRONMENT });

const dependencies: Dependencies = {
  users: createUserStore(client, config.TABLE_NAME),
  sessions: lazyPort(async () => {
    const { createSessionStore } = await import('#adapters/session-store');
    return createSessionStore(client, config.TABLE_NAME);
  }),
  passwords: createPasswordHasher(),
  accessTokens: lazyPort(async () => {
    const [{ createAccessTokenIssuer }, ring] = await Promise.all([tokens(), keyRing()]);
    return createAccessTokenIssuer(ring, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  }),
  cursors: createCursorCodec(() => loadSecret(config.CURSOR_SECRET)),
  clock: systemClock,
  metrics,
};

/** The public half of the token keys, for the JWKS and the health check. */
const publicKeys = async () => (await keyRing()).jwks;

export { dependencies, metrics, publicKeys };
