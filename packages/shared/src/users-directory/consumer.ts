/**
 * The event consumer of a service's users directory: `user.registered` and `user.role_changed`
 * applied to the directory, each event once however often it is delivered (`processedOnce`, in the
 * service's own table, under the service's name). Its own entry point, so a function loads it (and
 * the consumer kit with it) on its first event, not at a cold start that serves HTTP.
 *
 * @example
 * const events = createDirectoryConsumer({ service: 'tickets', client, tableName, directory, clock, logger, metrics });
 * export const handler = createLambdaEntry('tickets', { http, eventBridge: events.eventBridge, sqs: events.sqs });
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../clock.ts';
import { createEventConsumer, type EventHandlers } from '../consumer/event-consumer.ts';
import { createProcessedOnce } from '../consumer/processed-once.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { applyUserEvent } from './apply-user-event.ts';
import type { UserDirectory } from './ports.ts';

interface DirectoryConsumerOptions {
  /** The service that keeps the directory: it names the consumer and its processed-once records. */
  readonly service: string;
  readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;
  readonly directory: Pick<UserDirectory, 'apply'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, 'emit'>;
  /** The service's own handlers of other events, taken by the same consumer. */
  readonly handlers?: EventHandlers;
}

/** The directory's handlers: each users event applied to it. */
const directoryHandlers = (directory: Pick<UserDirectory, 'apply'>): EventHandlers => ({
  'user.registered': (event) => applyUserEvent(directory, event),
  'user.role_changed': (event) => applyUserEvent(directory, event),
});

const createDirectoryConsumer = ({
  service,
  client,
  tableName,
  directory,
  clock,
  logger,
  metrics,
  handlers = {},
}: DirectoryConsumerOptions) =>
  createEventConsumer({
    name: `${service}.user-directory`,
    once: createProcessedOnce({ client, tableName, consumer: service, clock }),
    logger,
    metrics,
    handlers: { ...directoryHandlers(directory), ...handlers },
  });

export type { DirectoryConsumerOptions };
export { createDirectoryConsumer };
