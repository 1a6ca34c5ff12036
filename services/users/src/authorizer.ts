/**
 * The API authorizer function. Loaded by `index.ts` on the first invocation of `authorizer`: it
 * needs the token keys and jose, not the DynamoDB client, the validators or the password hasher.
 */
import { createLogger } from '@tessera/shared/logger';
import { authorizerConfig } from '#config';
import {
  type AuthorizerEvent,
  createAuthorizer,
  createWebSocketAuthorizer,
  isWebSocketAuthorizerEvent,
} from '#handlers/authorizer';
import { verifier } from '#verifier';

const logger = createLogger('users-authorizer', authorizerConfig().POWERTOOLS_LOG_LEVEL);
const http = createAuthorizer(verifier, logger);
const webSocket = createWebSocketAuthorizer(verifier, logger);

/** The HTTP API's authorizer event (payload 2.0), or the WebSocket API's `$connect` one. */
const handle = (event: unknown) =>
  isWebSocketAuthorizerEvent(event) ? webSocket(event) : http(event as AuthorizerEvent);

export { handle };
