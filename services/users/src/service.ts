/**
 * The users service function: HTTP API events and the `bootstrap-admin` command. Loaded by
 * `index.ts` on the first invocation of `handler`, so the authorizer function never loads it.
 */
import { createHttpHandler, type HttpEvent, isHttpEvent } from '@tessera/shared/http';
import { createLogger } from '@tessera/shared/logger';
import { serviceConfig } from '#config';
import { operations } from '#generated/contract';
import { type BootstrapCommand, createBootstrapHandler, isBootstrapCommand } from '#handlers/bootstrap';
import { createOperationHandlers } from '#handlers/http';
import { base, dependencies, keyRing, sessions } from '#wiring';

const logger = createLogger('users', serviceConfig().POWERTOOLS_LOG_LEVEL);

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers({
    dependencies,
    base,
    sessions,
    publicKeys: async () => (await keyRing()).jwks,
  }),
  logger,
});
const bootstrap = createBootstrapHandler(base);

const handle = async (event: HttpEvent | BootstrapCommand) => {
  if (isHttpEvent(event)) return http(event);
  if (isBootstrapCommand(event)) return bootstrap(event);
  await logger.error('unsupported event', { keys: Object.keys(event as object) });
  throw new Error('The users function does not handle this kind of event');
};

export { handle };
