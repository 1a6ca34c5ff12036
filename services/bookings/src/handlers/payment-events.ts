/**
 * The bookings function's handlers of the payments events: a succeeded payment confirms its booking,
 * a failed one fails it (freeing its interval at once). A booking no longer waiting for its payment
 * (cancelled, expired, already failed) is left as it is: the payments service, which learns of that
 * from the booking's own events, refunds the payment. A booking that does not exist is left too (the
 * event is about a booking some other environment made); both are logged, neither is retried.
 */
import type { TesseraEvent } from '@tessera/shared/events';
import type { Logger } from '@tessera/shared/logger';
import { confirmBooking, failBooking } from '#domain/bookings';
import type { Dependencies } from '#domain/ports';
import { BookingNotFoundError, IllegalBookingTransitionError } from '#errors';

type PaymentOutcome = TesseraEvent<'payment.succeeded' | 'payment.failed'>;

const settle =
  (
    move: typeof confirmBooking,
    deps: Pick<Dependencies, 'store' | 'clock' | 'retries' | 'metrics'>,
    logger: Logger,
  ) =>
  async (event: PaymentOutcome) => {
    const { payment } = event.detail.data;
    try {
      return await move(deps, payment.bookingId, { correlationId: event.detail.correlationId });
    } catch (error) {
      if (!(error instanceof IllegalBookingTransitionError || error instanceof BookingNotFoundError))
        throw error;
      await logger.info('the booking no longer waits for this payment; left as it is', {
        bookingId: payment.bookingId,
        paymentId: payment.id,
        detailType: event.detailType,
        reason: error.code,
      });
      return { booking: null, changed: false };
    }
  };

/** The handlers the bookings consumer adds to its users directory's. */
const paymentHandlers = (
  deps: Pick<Dependencies, 'store' | 'clock' | 'retries' | 'metrics'>,
  logger: Logger,
) => ({
  'payment.succeeded': settle(confirmBooking, deps, logger),
  'payment.failed': settle(failBooking, deps, logger),
});

export { paymentHandlers };
