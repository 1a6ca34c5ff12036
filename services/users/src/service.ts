/**
 * The users service function: HTTP API events and the `bootstrap-admin` command. Loaded by
 * `index.ts` on the first invocation of `handler`, so the authorizer function never loads it.
 */
import type { CommandEvent } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { createLogger } from '@tessera/shared/logger';
import { once } from '@tessera/shared/once';
import { serviceConfig } from '#config';
import { operations } from '#generated/contract';
import { createOperationHandlers } from '#handlers/http';
import { dependencies, metrics, publicKeys } from '#wiring';

const logger = createLogger('users', serviceConfig().POWERTOOLS_LOG_LEVEL);

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers({ ...dependencies, publicKeys }),
  logger,
  metrics,
});

// The bootstrap command (and zod, which checks its input) loads on the first command, never on a
// request's cold start.
const bootstrap = once(async () =>
  (await import('#handlers/bootstrap')).createBootstrapHandler(dependencies),
);
const command = async (event: CommandEvent) => (await bootstrap())(event);

export { command, http, metrics };
