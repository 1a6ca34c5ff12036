/**
 * The composition root of the payments function: every dependency built once per process and handed
 * to the handlers ready: the document client with its timeouts, the logger, the clock, the payment
 * store and the emulated provider.
 */
import { systemClock } from '@tessera/shared/clock';
import { documentClientFor } from '@tessera/shared/dynamodb';
import { createLogger } from '@tessera/shared/logger';
import { createPaymentStore } from '#adapters/payment-store';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';
import { emulatedProvider } from '#domain/provider';

const settings = config();
const client = documentClientFor(settings);
const logger = createLogger('payments', settings.POWERTOOLS_LOG_LEVEL);

const dependencies: Dependencies = {
  store: createPaymentStore(client, settings.TABLE_NAME),
  provider: emulatedProvider,
  clock: systemClock,
};

export { client, dependencies, logger, settings };
