/**
 * The composition root of the bookings function: every dependency built once per process and handed
 * to the handlers ready. The client, logger, clock, cursors and users directory are the kit's
 * (`tableServiceWiring`); the store is the service's own.
 */
import { tableServiceWiring } from '@tessera/shared/service-wiring';
import { createBookingStore } from '#adapters/booking-store';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';
import { jitteredRetries } from '#domain/retry';

const settings = config();

const { client, logger, ports } = tableServiceWiring('bookings', settings);

const dependencies: Dependencies = {
  ...ports,
  store: createBookingStore(client, settings.TABLE_NAME),
  retries: jitteredRetries(),
};

export { client, dependencies, logger, settings };
