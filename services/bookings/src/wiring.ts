/**
 * The composition root of the bookings function: every dependency built once per process and
 * handed to the handlers ready; the cursor secret is read on the first cursor made or read.
 */
import { systemClock } from '@tessera/shared/clock';
import { createCursorCodec } from '@tessera/shared/cursor';
import { documentClientFor } from '@tessera/shared/dynamodb';
import { createLogger } from '@tessera/shared/logger';
import { loadSecret } from '@tessera/shared/secrets';
import { createDirectoryStore } from '@tessera/shared/users-directory';
import { createBookingStore } from '#adapters/booking-store';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';
import { jitteredRetries } from '#domain/retry';

const settings = config();

const client = documentClientFor(settings);

const logger = createLogger('bookings', settings.POWERTOOLS_LOG_LEVEL);

const dependencies: Dependencies = {
  store: createBookingStore(client, settings.TABLE_NAME),
  directory: createDirectoryStore(client, settings.TABLE_NAME),
  cursors: createCursorCodec(() => loadSecret(settings.CURSOR_SECRET)),
  clock: systemClock,
  retries: jitteredRetries(),
};

export { client, dependencies, logger };
