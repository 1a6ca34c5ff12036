/**
 * The composition root of the payments function: every dependency built once per process and handed
 * to the handlers ready: the kit's client with its timeouts, logger and clock (`serviceWiring`: it
 * pages no list and keeps no directory), and its own payment store and emulated provider.
 */
import { serviceWiring } from '@tessera/shared/service-wiring';
import { createPaymentStore } from '#adapters/payment-store';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';
import { emulatedProvider } from '#domain/provider';

const settings = config();
const { client, logger, metrics, clock } = serviceWiring('payments', settings);

const dependencies: Dependencies = {
  store: createPaymentStore(client, settings.TABLE_NAME),
  provider: emulatedProvider,
  clock,
  metrics,
};

export { client, dependencies, logger, metrics, settings };
