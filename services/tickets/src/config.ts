/**
 * Configuration of the tickets function (`tickets` in `service.json`), parsed on first use from the
 * environment: the table and log settings every service function reads, and its cursor secret.
 */
import { envSchema, lazyConfig, pagedServiceSettings } from '@tessera/shared/config';

/** The schema of each function of the service, by its name in the manifest, built on first use. */
const schemas = {
  tickets: () => envSchema(pagedServiceSettings()),
};

const config = lazyConfig(schemas.tickets, process.env);

export { config, schemas };
