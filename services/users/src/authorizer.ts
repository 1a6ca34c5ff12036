/**
 * The API authorizer function. Loaded by `index.ts` on the first invocation of `authorizer`: it
 * needs the token keys and jose, not the DynamoDB client, the validators or the password hasher.
 */
import { createLogger } from '@tessera/shared/logger';
import { authorizerConfig } from '#config';
import { createAuthorizer } from '#handlers/authorizer';
import { verifier } from '#verifier';

const handle = createAuthorizer(
  verifier,
  createLogger('users-authorizer', authorizerConfig().POWERTOOLS_LOG_LEVEL),
);

export { handle };
