/**
 * The composition root of the notifications function: every dependency built once per process and
 * handed to the handlers ready: the kit's client with its timeouts, logger and clock, the
 * connections and the inbox in the service's table, and the `@connections` endpoint. The inbox's
 * reads load at once (the inbox operation); the connections, the inbox's writes and the SDK client
 * of `@connections` load on their first use, so the inbox operation's cold start carries none.
 */
import { lazyPort } from '@tessera/shared/lazy';
import { serviceWiring } from '@tessera/shared/service-wiring';
import { createInboxReader } from '#adapters/inbox-reader';
import { config } from '#config';
import type { ConnectionStore, ConnectionsApi, Dependencies, InboxWriter } from '#domain/ports';

const settings = config();
const { client, logger, metrics, clock } = serviceWiring('notifications', settings);
const log = (message: string, attributes: Readonly<Record<string, unknown>>) =>
  logger.warn(message, attributes);

const store = () => import('#adapters/notification-store');
const writer = lazyPort<InboxWriter>(async () =>
  (await store()).createInboxWriter(client, settings.TABLE_NAME),
);
const reader = createInboxReader(client, settings.TABLE_NAME);

const dependencies: Dependencies = {
  connections: lazyPort<ConnectionStore>(async () =>
    (await store()).createConnectionStore(client, settings.TABLE_NAME),
  ),
  inbox: {
    record: (...args) => writer.record(...args),
    markProcessed: (...args) => writer.markProcessed(...args),
    after: (...args) => reader.after(...args),
  },
  connectionsApi: lazyPort<ConnectionsApi>(async () =>
    (await import('#adapters/connections-api')).createConnectionsApi({
      endpoint: settings.CONNECTIONS_ENDPOINT,
      log,
    }),
  ),
  clock,
  log,
  metrics,
};

export { client, dependencies, logger, metrics, settings };
