/**
 * Lambda entry of the bookings function: HTTP API events for the rooms and bookings operations, and the
 * events it subscribes to, whether a rule delivers them or a queue: the users events (its users
 * directory) and the payments' outcomes (which confirm or fail a booking). The
 * directory's consumer (and processedOnce with it) loads on the first event, so no HTTP cold start
 * carries it (ADR 0017). The WebSocket API's booking commands (`createBooking`, ..., see
 * `docs/websocket.md`) run through the same HTTP handler, loading their adapter on the first one;
 * its schedules (a payment hold lapsing, a reminder due) fire as `schedule` events.
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { once } from '@tessera/shared/once';
import { directoryEvents } from '@tessera/shared/users-directory/events';
import { operations } from '#generated/contract';
import { createOperationHandlers } from '#handlers/http';
import { dependencies, directoryConsumer, logger, metrics, scheduleDependencies } from '#wiring';

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers(dependencies),
  logger,
  metrics,
});

const events = directoryEvents(directoryConsumer, async () => {
  const [{ paymentHandlers }, { scheduleHandlers }] = await Promise.all([
    import('#handlers/payment-events'),
    import('#handlers/timed-steps'),
  ]);
  return { ...paymentHandlers(dependencies, logger), ...scheduleHandlers(scheduleDependencies) };
});

const commands = once(async () => (await import('#handlers/websocket')).createBookingCommands(http, logger));

const schedules = once(async () =>
  (await import('#handlers/timed-steps')).createScheduleHandler(scheduleDependencies, logger),
);

export const handler = createLambdaEntry(
  'bookings',
  {
    http,
    schedule: async (event) => (await schedules())(event),
    webSocket: async (event) => (await commands())(event),
    ...events,
  },
  { metrics },
);
