/**
 * Lambda entry of the users bundle. Two functions run it:
 * - `handler`: the users service (HTTP API events, and the `bootstrap-admin` command);
 * - `authorizer`: the HTTP API's Lambda authorizer (and later the WebSocket `$connect` one).
 */
import { createHttpHandler, type HttpEvent } from '@tessera/shared/http';
import { createLogger } from '@tessera/shared/logger';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { operations } from '#generated/contract';
import { createAuthorizer } from '#handlers/authorizer';
import { type BootstrapCommand, createBootstrapHandler, isBootstrapCommand } from '#handlers/bootstrap';
import { createOperationHandlers } from '#handlers/http';
import { base, dependencies, keyRing, verifier } from '#wiring';

const logger = createLogger('users');

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers({ dependencies, base, publicKeys: async () => (await keyRing()).jwks }),
  logger,
});
const bootstrap = createBootstrapHandler(base);

const isHttpEvent = (event: unknown): event is HttpEvent =>
  typeof event === 'object' &&
  event !== null &&
  (event as { version?: unknown }).version === '2.0' &&
  'routeKey' in event;

export const handler = async (event: HttpEvent | BootstrapCommand) => {
  if (isHttpEvent(event)) return http(event);
  if (isBootstrapCommand(event)) return bootstrap(event);
  logger.error('unsupported event', { keys: Object.keys(event as object) });
  throw new Error('The users function does not handle this kind of event');
};

const authorize = createAuthorizer(verifier, logger);

export const authorizer = (event: APIGatewayRequestAuthorizerEventV2) => authorize(event);
