/**
 * What the composition root of a service function with a table builds the same way in every
 * service: the document client with its timeouts, the logger, the metrics (EMF), the clock, the list cursors (their
 * secret read on the first cursor made or read) and, for a service that keeps one, the users
 * directory in its own table (`tableServiceWiring`); a service without lists or a directory takes
 * only the client, logger, metrics and clock (`serviceWiring`). A service's `wiring.ts` adds its own stores.
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
import { createMetrics } from './metrics/metrics.ts';
import { loadSecret } from './secrets.ts';
import { createDirectoryStore } from './users-directory/dynamodb-store.ts';

interface ServiceSettings extends TableClientSettings {
  readonly TABLE_NAME: string;
  readonly POWERTOOLS_LOG_LEVEL: LogLevel;
  readonly ENVIRONMENT: string;
}

interface TableServiceSettings extends ServiceSettings {
  readonly CURSOR_SECRET: string;
}

/** The client with its timeouts, the logger, the metrics and the clock: what every service function with a table builds. */
const serviceWiring = (service: string, settings: ServiceSettings) => ({
  client: documentClientFor(settings),
  logger: createLogger(service, settings.POWERTOOLS_LOG_LEVEL),
  metrics: createMetrics({ service, environment: settings.ENVIRONMENT }),
  clock: systemClock,
});

/** `serviceWiring`, and the ports of a service that pages its lists and keeps a users directory. */
const tableServiceWiring = (service: string, settings: TableServiceSettings) => {
  const { client, logger, metrics, clock } = serviceWiring(service, settings);
  const directory = createDirectoryStore(client, settings.TABLE_NAME);
  return {
    client,
    logger,
    metrics,
    /** The ports every such service hands its use cases. */
    ports: {
      directory,
      cursors: createCursorCodec(() => loadSecret(settings.CURSOR_SECRET)),
      clock,
      metrics,
    },
    /** What its users directory's consumer is made of (`users-directory/events.ts`). */
    directoryConsumer: { service, client, tableName: settings.TABLE_NAME, directory, clock, logger, metrics },
  };
};

export type { ServiceSettings, TableServiceSettings };
export { serviceWiring, tableServiceWiring };
