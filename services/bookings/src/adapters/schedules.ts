/**
 * The service's schedules in EventBridge Scheduler (the kit's four signed calls,
 * `@tessera/shared/aws/scheduler`): one-time `at(...)` schedules in UTC in the service's group, no
 * flexible window, deleted once they have run, whose target is the bookings function (its alias in
 * AWS) with the scheduler's execution role, the schedule's input as its event, 2 retries within an
 * hour and then the schedules' dead-letter queue.
 */
import { createScheduler } from '@tessera/shared/scheduler';
import type { Schedules } from '#domain/ports';

interface SchedulesSettings {
  readonly SCHEDULE_GROUP: string;
  readonly SCHEDULER_ROLE_ARN: string;
  readonly SCHEDULE_TARGET_ARN: string;
  readonly SCHEDULE_DEAD_LETTER_ARN: string;
  readonly SCHEDULER_ENDPOINT?: string | undefined;
}

/**
 * `at(2027-01-15T09:50:00)`: the schedule expression of a moment, in UTC, on the second at or after
 * it (never before: a hold that fired a moment early would find its booking not yet due).
 */
const atExpression = (at: Date): string =>
  `at(${new Date(Math.ceil(at.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`;

const createSchedules = (settings: SchedulesSettings): Schedules => {
  const scheduler = createScheduler({ endpoint: settings.SCHEDULER_ENDPOINT });
  return {
    async put(name, { at, input }) {
      await scheduler.put(name, {
        GroupName: settings.SCHEDULE_GROUP,
        ScheduleExpression: atExpression(at),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: settings.SCHEDULE_TARGET_ARN,
          RoleArn: settings.SCHEDULER_ROLE_ARN,
          Input: JSON.stringify(input),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: settings.SCHEDULE_DEAD_LETTER_ARN },
        },
      });
    },
    async remove(name) {
      await scheduler.remove(name, settings.SCHEDULE_GROUP);
    },
  };
};

export { atExpression, createSchedules };
