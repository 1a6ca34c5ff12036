/**
 * What the composition root of a service function with a table builds the same way in every
 * service: the document client with its timeouts, the logger, the clock, the list cursors (their
 * secret read on the first cursor made or read) and, for a service that keeps one, the users
 * directory in its own table. A service's `wiring.ts` adds its own stores.
 *
 * @example
 * const settings = config();
 * const base = tableServiceWiring('tickets', settings);
 * const dependencies = { ...base.ports, tickets: createTicketStore(base.client, settings.TABLE_NAME) };
 */
import { systemClock } from './clock.ts';
import { createCursorCodec } from './cursor.ts';
import { documentClientFor, type TableClientSettings } from './dynamodb.ts';
import { createLogger, type LogLevel } from './logger.ts';
import { loadSecret } from './secrets.ts';
import { createDirectoryStore } from './users-directory/dynamodb-store.ts';

interface TableServiceSettings extends TableClientSettings {
  readonly TABLE_NAME: string;
  readonly POWERTOOLS_LOG_LEVEL: LogLevel;
  readonly CURSOR_SECRET: string;
}

const tableServiceWiring = (service: string, settings: TableServiceSettings) => {
  const client = documentClientFor(settings);
  return {
    client,
    logger: createLogger(service, settings.POWERTOOLS_LOG_LEVEL),
    /** The ports every such service hands its use cases. */
    ports: {
      directory: createDirectoryStore(client, settings.TABLE_NAME),
      cursors: createCursorCodec(() => loadSecret(settings.CURSOR_SECRET)),
      clock: systemClock,
    },
  };
};

export type { TableServiceSettings };
export { tableServiceWiring };
