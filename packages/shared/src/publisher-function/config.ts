/** Configuration of the outbox publisher function. */
import * as z from 'zod/mini';
import { parseConfig } from '../config.ts';
import { LOG_LEVELS } from '../logger.ts';

const config = parseConfig(
  z.object({
    EVENT_BUS_NAME: z.string().check(z.minLength(1)),
    /** Overrides the EventBridge endpoint; the devstack points it at its local bus. */
    EVENTBRIDGE_ENDPOINT: z.optional(z.url()),
    POWERTOOLS_LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'INFO'),
  }),
  process.env,
);

export { config };
