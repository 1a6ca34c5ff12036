/**
 * The composition root of the tickets function: every dependency built once per process and handed
 * to the handlers ready. The client, logger, clock, cursors and users directory are the kit's
 * (`tableServiceWiring`); the store is the service's own.
 */
import { tableServiceWiring } from '@tessera/shared/service-wiring';
import { createTicketStore } from '#adapters/ticket-store';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';

const settings = config();

const { client, logger, metrics, ports, directoryConsumer } = tableServiceWiring('tickets', settings);

const dependencies: Dependencies = {
  ...ports,
  tickets: createTicketStore(client, settings.TABLE_NAME),
};

export { client, dependencies, directoryConsumer, logger, metrics, settings };
