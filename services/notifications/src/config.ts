/**
 * Configuration of the notifications function (`notifications` in `service.json`), parsed on first
 * use from the environment: the table and log settings every service function reads, and the
 * WebSocket API's `@connections` endpoint it pushes through.
 */
import { envSchema, lazyConfig, serviceSettings, url } from '@tessera/shared/config';

/** The schema of each function of the service, by its name in the manifest, built on first use. */
const schemas = {
  notifications: () => envSchema({ ...serviceSettings(), CONNECTIONS_ENDPOINT: url() }),
};

const config = lazyConfig(schemas.notifications, process.env);

export { config, schemas };
