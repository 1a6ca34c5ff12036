/**
 * The composition root of the bookings function: every dependency built once per process and handed
 * to the handlers ready. The client, logger, clock, cursors and users directory are the kit's
 * (`tableServiceWiring`); the store is the service's own, and the schedules (EventBridge
 * Scheduler) load on first use.
 */

import { lazyPort } from '@tessera/shared/lazy';
import { tableServiceWiring } from '@tessera/shared/service-wiring';
import { createBookingStore } from '#adapters/booking-store';
import { config } from '#config';
import type { Dependencies, ScheduleDependencies, Schedules } from '#domain/ports';
import { jitteredRetries } from '#domain/retry';

const settings = config();

const { client, logger, metrics, ports, directoryConsumer } = tableServiceWiring('bookings', settings);

const dependencies: Dependencies = {
  ...ports,
  store: createBookingStore(client, settings.TABLE_NAME),
  retries: jitteredRetries(),
};

/** The timed steps' dependencies: the schedules' client loads on the first event or schedule. */
const scheduleDependencies: ScheduleDependencies = {
  store: dependencies.store,
  clock: dependencies.clock,
  retries: dependencies.retries,
  metrics: dependencies.metrics,
  schedules: lazyPort<Schedules>(async () => (await import('#adapters/schedules')).createSchedules(settings)),
  timing: {
    reminderLeadSeconds: settings.REMINDER_LEAD_SECONDS,
    paymentHoldSeconds: settings.PAYMENT_HOLD_SECONDS,
  },
};

export { client, dependencies, directoryConsumer, logger, metrics, scheduleDependencies, settings };
