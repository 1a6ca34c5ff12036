/**
 * The API authorizer function. Loaded by `index.ts` on the first invocation of `authorizer`: it
 * needs the token keys and jose, not the DynamoDB client, the validators or the password hasher.
 */
import { createLogger } from '@tessera/shared/logger';
import { createAuthorizer } from '#handlers/authorizer';
import { verifier } from '#verifier';

const handle = createAuthorizer(verifier, createLogger('users-authorizer'));

export { handle };
