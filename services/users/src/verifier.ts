/**
 * The token keys and the access-token verifier, loaded once per process on first need. The
 * authorizer function uses only this; the service's wiring builds on it. Requests that neither
 * issue nor verify a token (reading a profile, registering) never load jose.
 */
import { once } from '@tessera/shared/once';
import { loadSecret } from '@tessera/shared/secrets';
import type { KeyRing } from '#adapters/access-tokens';
import { authorizerConfig } from '#config';

/** The token adapter (and jose with it), loaded when keys are first needed, not at cold start. */
const tokens = once(() => import('#adapters/access-tokens'));

const keyRing = once(async (): Promise<KeyRing> => {
  const { loadKeyRing } = await tokens();
  return loadKeyRing(await loadSecret(authorizerConfig().JWT_KEYS));
});

const verifier = once(async () => {
  const config = authorizerConfig();
  const { createAccessTokenVerifier } = await tokens();
  return createAccessTokenVerifier(await keyRing(), {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
});

export { keyRing, tokens, verifier };
