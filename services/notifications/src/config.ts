/**
 * Configuration of the notifications function (`notifications` in `service.json`), parsed on first
 * use from the environment: the table and log settings every service function reads, and the
 * WebSocket API's `@connections` endpoint it pushes through.
 */
import { lazyConfig, serviceSettings } from '@tessera/shared/config';
import * as z from 'zod/mini';

/** The schema of each function of the service, by its name in the manifest, built on first use. */
const schemas = {
  notifications: () => z.object({ ...serviceSettings(), CONNECTIONS_ENDPOINT: z.url() }),
};

const config = lazyConfig(schemas.notifications, process.env);

export { config, schemas };
