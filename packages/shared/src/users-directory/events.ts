/**
 * The event consumer of a service that keeps a users directory: the directory's handlers, and the
 * service's own beside them. It loads (and the handlers with it) on the first event, so no HTTP
 * cold start carries it (ADR 0017); `createLambdaEntry` takes it as `eventBridge` and `sqs`. Its own
 * module, so only the services with a directory bundle the consumer's chunk.
 *
 * @example
 * const { directoryConsumer } = tableServiceWiring('tickets', settings);
 * export const handler = createLambdaEntry('tickets', { http, ...directoryEvents(directoryConsumer) }, { metrics });
 */
import type { EventHandlers } from '../consumer/event-consumer.ts';
import { lazyConsumer } from '../consumer/lazy-consumer.ts';
import type { DirectoryConsumerOptions } from './consumer.ts';

const directoryEvents = (
  options: Omit<DirectoryConsumerOptions, 'handlers'>,
  handlers?: () => Promise<EventHandlers>,
) =>
  lazyConsumer(async () => {
    const [{ createDirectoryConsumer }, own] = await Promise.all([import('./consumer.ts'), handlers?.()]);
    return createDirectoryConsumer({ ...options, ...(own ? { handlers: own } : {}) });
  });

export { directoryEvents };
