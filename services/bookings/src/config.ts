/**
 * Configuration of the bookings function (`bookings` in `service.json`), parsed on first use from
 * the environment: the table and log settings every service function reads, its cursor secret, and
 * its schedules: the Scheduler's group, execution role, target and dead-letter queue, the
 * reminder's lead and the payment hold (in seconds).
 */
import { lazyConfig, pagedServiceSettings } from '@tessera/shared/config';
import * as z from 'zod/mini';

const seconds = (max: number) => z.coerce.number().check(z.int(), z.minimum(0), z.maximum(max));

/** The schema of each function of the service, by its name in the manifest, built on first use. */
const schemas = {
  bookings: () =>
    z.object({
      ...pagedServiceSettings(),
      SCHEDULE_GROUP: z.string().check(z.regex(/^[0-9a-zA-Z-_.]{1,64}$/)),
      SCHEDULER_ROLE_ARN: z.string().check(z.startsWith('arn:')),
      SCHEDULE_TARGET_ARN: z.string().check(z.startsWith('arn:')),
      SCHEDULE_DEAD_LETTER_ARN: z.string().check(z.startsWith('arn:')),
      /** The devstack's scheduler; unset in AWS, where the regional endpoint is used. */
      SCHEDULER_ENDPOINT: z.optional(z.url()),
      REMINDER_LEAD_SECONDS: seconds(7 * 24 * 3600),
      PAYMENT_HOLD_SECONDS: seconds(24 * 3600),
    }),
};

const config = lazyConfig(schemas.bookings, process.env);

export { config, schemas };
