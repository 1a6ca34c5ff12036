/**
 * Configuration of the payments function (`payments` in `service.json`), parsed on first use from
 * the environment: the table and log settings every service function reads, and nothing of its own.
 */
import { envSchema, lazyConfig, serviceSettings } from '@tessera/shared/config';

/** The schema of each function of the service, by its name in the manifest, built on first use. */
const schemas = {
  payments: () => envSchema({ ...serviceSettings() }),
};

const config = lazyConfig(schemas.payments, process.env);

export { config, schemas };
