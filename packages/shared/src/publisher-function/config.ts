/** Configuration of the outbox publisher function. */
import * as z from 'zod/mini';
import { parseConfig } from '../config.ts';

const config = parseConfig(
  z.object({
    EVENT_BUS_NAME: z.string().check(z.minLength(1)),
    /** Overrides the EventBridge endpoint; the devstack points it at its local bus. */
    EVENTBRIDGE_ENDPOINT: z.optional(z.url()),
  }),
  process.env,
);

export { config };
