/**
 * The payments function's event consumer: `booking.created` from the `charges` queue (one attempt
 * per delivery), and the booking outcomes from their rule, each event once however often it is
 * delivered (`processedOnce` on its id, in the payments table). Loaded on the function's first
 * event, so no HTTP cold start carries it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEventConsumer, type EventHandlers } from '@tessera/shared/consumer';
import type { Logger } from '@tessera/shared/logger';
import { createProcessedOnce } from '@tessera/shared/processed-once';
import { chargeBooking, closeBooking } from '#domain/charges';
import type { Dependencies } from '#domain/ports';

/** What the consumer does with each event it takes. */
const paymentsHandlers = (deps: Dependencies): EventHandlers => ({
  'booking.created': (event, delivery) => chargeBooking(deps, event, delivery),
  'booking.cancelled': (event) => closeBooking(deps, event),
  'booking.expired': (event) => closeBooking(deps, event),
  'booking.payment_failed': (event) => closeBooking(deps, event),
});

const createPaymentsConsumer = (options: {
  readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;
  readonly dependencies: Dependencies;
  readonly logger: Logger;
}) => {
  const deps = options.dependencies;
  return createEventConsumer({
    name: 'payments',
    once: createProcessedOnce({
      client: options.client,
      tableName: options.tableName,
      consumer: 'payments',
      clock: deps.clock,
    }),
    logger: options.logger,
    handlers: paymentsHandlers(deps),
  });
};

export { createPaymentsConsumer, paymentsHandlers };
