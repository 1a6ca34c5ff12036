/**
 * The notifications function's event consumer: every event of its two subscriptions (`inbox`,
 * `room-availability`) is delivered once however often it comes. The dedup is `deliver`'s own: the
 * inbox's write and the processed-once record are one transaction, and the pushes follow it, so a
 * redelivery finds the record and pushes nothing, and a crash between the write and the pushes
 * loses no notification (the inbox has it). Loaded on the function's first event.
 */
import { createEventConsumer, type EventHandlers } from '@tessera/shared/consumer';
import type { AnyTesseraEvent } from '@tessera/shared/events';
import type { Logger } from '@tessera/shared/logger';
import type { ProcessedOnce } from '@tessera/shared/processed-once';
import { deliver } from '#domain/notifications';
import type { Dependencies } from '#domain/ports';

/** The event types the manifest subscribes to. */
const DELIVERED = [
  'booking.created',
  'booking.confirmed',
  'booking.payment_failed',
  'booking.cancelled',
  'booking.rescheduled',
  'booking.expired',
  'booking.reminder',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  'ticket.created',
  'ticket.updated',
  'ticket.deleted',
  'room.availability_changed',
] as const;

/** The consumer's `once`: the work dedups itself, and says whether it was a duplicate. */
const dedupedByTheWork: ProcessedOnce = async (_eventId, work) => {
  const result = await work();
  return (result as { outcome?: unknown } | undefined)?.outcome === 'duplicate'
    ? { outcome: 'duplicate' }
    : { outcome: 'processed', result };
};

const createNotificationsConsumer = (options: {
  readonly dependencies: Dependencies;
  readonly logger: Logger;
}) => {
  const handlers: Record<string, (event: AnyTesseraEvent) => Promise<unknown>> = {};
  for (const type of DELIVERED) handlers[type] = (event) => deliver(options.dependencies, event);
  return createEventConsumer({
    name: 'notifications',
    once: dedupedByTheWork,
    logger: options.logger,
    metrics: options.dependencies.metrics,
    handlers: handlers as EventHandlers,
  });
};

export { createNotificationsConsumer, DELIVERED };
