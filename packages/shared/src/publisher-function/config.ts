/** Configuration of the outbox publisher function (`publisher` in `packages/shared/publisher.json`). */
import { envSchema, lazyConfig, logSettings, optional, text, url } from '../config.ts';

/** The schema of each function of the manifest, by its name, built on first use. */
const schemas = {
  publisher: () =>
    envSchema({
      EVENT_BUS_NAME: text({ minLength: 1 }),
      /** Overrides the EventBridge endpoint; the devstack points it at its local bus. */
      EVENTBRIDGE_ENDPOINT: optional(url()),
      ...logSettings(),
    }),
};

const config = lazyConfig(schemas.publisher, process.env);

export { config, schemas };
