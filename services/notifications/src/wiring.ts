/**
 * The composition root of the notifications function: every dependency built once per process and
 * handed to the handlers ready: the kit's client with its timeouts, logger and clock, the
 * connections and the inbox in the service's table, and the `@connections` endpoint, whose SDK
 * client loads on the first push (no `$connect`, `ping` or inbox read carries it).
 */
import { lazyPort } from '@tessera/shared/lazy';
import { serviceWiring } from '@tessera/shared/service-wiring';
import { createConnectionStore, createInbox } from '#adapters/notification-store';
import { config } from '#config';
import type { ConnectionsApi, Dependencies } from '#domain/ports';

const settings = config();
const { client, logger, clock } = serviceWiring('notifications', settings);
const log = (message: string, attributes: Readonly<Record<string, unknown>>) =>
  logger.warn(message, attributes);

const dependencies: Dependencies = {
  connections: createConnectionStore(client, settings.TABLE_NAME),
  inbox: createInbox(client, settings.TABLE_NAME),
  connectionsApi: lazyPort<ConnectionsApi>(async () =>
    (await import('#adapters/connections-api')).createConnectionsApi({
      endpoint: settings.CONNECTIONS_ENDPOINT,
      log,
    }),
  ),
  clock,
  log,
};

export { client, dependencies, logger, settings };
