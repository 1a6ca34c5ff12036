/**
 * The token keys and the access-token verifier, loaded once per process on first need. The
 * authorizer function uses only this; the service's wiring builds on it. Requests that neither
 * issue nor verify a token (reading a profile, registering) never load jose.
 */
import { loadSecret } from '@tessera/shared/secrets';
import type { KeyRing } from '#adapters/access-tokens';
import { authorizerConfig } from '#config';

/** Runs `make` once; a failure is not kept, so the next call tries again. */
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

/** The token adapter (and jose with it), loaded when keys are first needed, not at cold start. */
const tokens = memo(() => import('#adapters/access-tokens'));

const keyRing = memo(async (): Promise<KeyRing> => {
  const { loadKeyRing } = await tokens();
  return loadKeyRing(await loadSecret(authorizerConfig().JWT_KEYS));
});

const verifier = memo(async () => {
  const config = authorizerConfig();
  const { createAccessTokenVerifier } = await tokens();
  return createAccessTokenVerifier(await keyRing(), {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
});

export { keyRing, memo, tokens, verifier };
