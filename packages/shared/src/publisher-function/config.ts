/** Configuration of the outbox publisher function (`publisher` in `packages/shared/publisher.json`). */
import * as z from 'zod/mini';
import { lazyConfig, logSettings } from '../config.ts';

/** The schema of each function of the manifest, by its name, built on first use. */
const schemas = {
  publisher: () =>
    z.object({
      EVENT_BUS_NAME: z.string().check(z.minLength(1)),
      /** Overrides the EventBridge endpoint; the devstack points it at its local bus. */
      EVENTBRIDGE_ENDPOINT: z.optional(z.url()),
      ...logSettings(),
    }),
};

const config = lazyConfig(schemas.publisher, process.env);

export { config, schemas };
