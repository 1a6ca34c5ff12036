/**
 * The users service function: HTTP API events and the `bootstrap-admin` command. Loaded by
 * `index.ts` on the first invocation of `handler`, so the authorizer function never loads it.
 */
import { createHttpHandler } from '@tessera/shared/http';
import { createLogger } from '@tessera/shared/logger';
import { serviceConfig } from '#config';
import { operations } from '#generated/contract';
import { createBootstrapHandler } from '#handlers/bootstrap';
import { createOperationHandlers } from '#handlers/http';
import { dependencies, metrics, publicKeys } from '#wiring';

const logger = createLogger('users', serviceConfig().POWERTOOLS_LOG_LEVEL);

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers({ ...dependencies, publicKeys }),
  logger,
  metrics,
  service: 'users',
});

const command = createBootstrapHandler(dependencies);

export { command, http, metrics };
