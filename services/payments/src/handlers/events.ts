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

/**
 * How long a delivery's claim on an event holds (`processedOnce`): longer than the function may run
 * (10 s in `service.json`), so no two deliveries work at once, and shorter than the charges queue's
 * visibility timeout in AWS (60 s), so the redelivery after a crash finds the claim lapsed and makes
 * its attempt rather than spending one of the 3 receives on `EventInProgress`.
 */
const CLAIM_LEASE_SECONDS = 15;

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
      leaseSeconds: CLAIM_LEASE_SECONDS,
    }),
    logger: options.logger,
    metrics: deps.metrics,
    handlers: paymentsHandlers(deps),
  });
};

export { CLAIM_LEASE_SECONDS, createPaymentsConsumer, paymentsHandlers };
