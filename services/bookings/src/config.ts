/**
 * Configuration of the bookings function (`bookings` in `service.json`), parsed on first use from
 * the environment: the table and log settings every service function reads, its cursor secret, and
 * its schedules: the Scheduler's group, execution role, target and dead-letter queue, the
 * reminder's lead and the payment hold (in seconds).
 */
import {
  envSchema,
  integer,
  lazyConfig,
  optional,
  pagedServiceSettings,
  text,
  url,
} from '@tessera/shared/config';

const seconds = (max: number) => integer({ min: 0, max });
const arn = () => text({ startsWith: 'arn:' });

/** The schema of each function of the service, by its name in the manifest, built on first use. */
const schemas = {
  bookings: () =>
    envSchema({
      ...pagedServiceSettings(),
      SCHEDULE_GROUP: text({ pattern: /^[0-9a-zA-Z-_.]{1,64}$/ }),
      SCHEDULER_ROLE_ARN: arn(),
      SCHEDULE_TARGET_ARN: arn(),
      SCHEDULE_DEAD_LETTER_ARN: arn(),
      /** The devstack's scheduler; unset in AWS, where the regional endpoint is used. */
      SCHEDULER_ENDPOINT: optional(url()),
      REMINDER_LEAD_SECONDS: seconds(7 * 24 * 3600),
      PAYMENT_HOLD_SECONDS: seconds(24 * 3600),
    }),
};

const config = lazyConfig(schemas.bookings, process.env);

export { config, schemas };
