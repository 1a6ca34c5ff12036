/**
 * The bookings handlers of the payments' events: a success confirms, a failure fails and frees the
 * interval, and a booking no longer waiting for its payment, or none at all, is left as it is
 * without an error (which would only make the rule retry an answer that cannot change).
 */

import { newEvent } from '@tessera/shared/events';
import type { Logger } from '@tessera/shared/logger';
import { describe, expect, it } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import { cancelBooking, createBooking } from '../../../src/domain/bookings.ts';
import { createRoom } from '../../../src/domain/rooms.ts';
import { paymentHandlers } from '../../../src/handlers/payment-events.ts';
import { deps, memoryStore, principal } from '../fakes.ts';

const logged: string[] = [];
const logger = {
  debug: async () => {},
  info: async (message: string) => {
    logged.push(message);
  },
  warn: async () => {},
  error: async () => {},
} as unknown as Logger;

const setup = async () => {
  const memory = memoryStore();
  const metrics = capturedMetrics('bookings');
  const d = deps({ store: memory.store, metrics });
  const user = principal('user');
  const room = await createRoom(d, principal('provider'), {
    name: 'Blue',
    type: 'meeting',
    capacity: 8,
    pricePerHour: 1000,
    currency: 'EUR',
  });
  const { booking } = await createBooking(
    d,
    user,
    { roomId: room.id, startTime: '2027-03-02T09:00:00Z', endTime: '2027-03-02T10:00:00Z' },
    { correlationId: 'c' },
  );
  return { memory, metrics, d, user, room, booking, handlers: paymentHandlers(d, logger) };
};

const paymentEvent = (type: 'payment.succeeded' | 'payment.failed', bookingId: string, userId: string) =>
  newEvent(
    type,
    {
      payment: {
        id: crypto.randomUUID(),
        bookingId,
        userId,
        status: type === 'payment.succeeded' ? 'SUCCEEDED' : 'FAILED',
        amount: 1000,
        currency: 'EUR',
        attempts: [
          {
            number: 1,
            at: '2027-03-01T12:00:00.000Z',
            outcome: type === 'payment.succeeded' ? 'SUCCEEDED' : 'DECLINED',
          },
        ],
        failureReason: type === 'payment.succeeded' ? null : 'DECLINED',
        refundReason: null,
        createdAt: '2027-03-01T12:00:00.000Z',
        updatedAt: '2027-03-01T12:00:00.000Z',
        version: 2,
      },
    },
    { correlationId: 'pay-1', occurredAt: new Date('2027-03-01T12:00:00.000Z') },
  );

describe('The payments events', () => {
  it('payment.succeeded confirms the booking', async () => {
    const { memory, user, booking, handlers } = await setup();

    await handlers['payment.succeeded'](paymentEvent('payment.succeeded', booking.id, user.userId));

    expect(await memory.store.getBooking(booking.id)).toMatchObject({ status: 'CONFIRMED', version: 2 });
  });

  it('payment.failed fails the booking and frees its interval', async () => {
    const { memory, user, room, booking, handlers } = await setup();

    await handlers['payment.failed'](paymentEvent('payment.failed', booking.id, user.userId));

    expect(await memory.store.getBooking(booking.id)).toMatchObject({ status: 'PAYMENT_FAILED' });
    expect(memory.busyOn(room.id, '2027-03-02')).toEqual([]);
  });

  it('a success for a cancelled booking leaves it cancelled, writes nothing and throws nothing', async () => {
    const { memory, d, user, booking, handlers } = await setup();
    await cancelBooking(d, user, booking.id, { correlationId: 'x' });
    const events = memory.events.length;
    logged.length = 0;

    const result = await handlers['payment.succeeded'](
      paymentEvent('payment.succeeded', booking.id, user.userId),
    );

    expect(result).toEqual({ booking: null, changed: false });
    expect(await memory.store.getBooking(booking.id)).toMatchObject({ status: 'CANCELLED' });
    expect(memory.events.length).toBe(events);
    expect(logged).toEqual(['the booking no longer waits for this payment; left as it is']);
  });

  it('a payment of a booking that does not exist is left alone', async () => {
    const { handlers, user } = await setup();

    await expect(
      handlers['payment.failed'](paymentEvent('payment.failed', crypto.randomUUID(), user.userId)),
    ).resolves.toEqual({ booking: null, changed: false });
  });
});

describe('Metric: BookingsConfirmed', () => {
  it('counts one when payment.succeeded confirms the booking, under the bookings service, with its id', async () => {
    // Prepare
    const { metrics, user, booking, handlers } = await setup();

    // Act
    await handlers['payment.succeeded'](paymentEvent('payment.succeeded', booking.id, user.userId));

    // Assess
    expect(metrics.published('BookingsConfirmed')).toEqual([
      { value: 1, dimensions: [['service', 'environment']], service: 'bookings', correlationId: 'pay-1' },
    ]);
  });

  it('counts nothing for a second payment.succeeded of a booking already CONFIRMED', async () => {
    // Prepare
    const { metrics, user, booking, handlers } = await setup();
    const event = paymentEvent('payment.succeeded', booking.id, user.userId);
    await handlers['payment.succeeded'](event);

    // Act
    const again = await handlers['payment.succeeded'](event);

    // Assess
    expect(again).toMatchObject({ changed: false, booking: { status: 'CONFIRMED' } });
    expect(metrics.total('BookingsConfirmed')).toBe(1);
  });

  it('counts one for two deliveries of payment.succeeded handled at once', async () => {
    // Prepare
    const { memory, metrics, user, booking, handlers } = await setup();
    const event = paymentEvent('payment.succeeded', booking.id, user.userId);
    const writes = memory.writes.attempted;

    // Act
    await Promise.all([handlers['payment.succeeded'](event), handlers['payment.succeeded'](event)]);

    // Assess
    // Both wrote at the version they read: one landed, the other read again and found it confirmed.
    expect(memory.writes.attempted - writes).toBe(2);
    expect(metrics.total('BookingsConfirmed')).toBe(1);
  });

  it('counts nothing for a payment.succeeded of a booking cancelled meanwhile', async () => {
    // Prepare
    const { d, metrics, user, booking, handlers } = await setup();
    await cancelBooking(d, user, booking.id, { correlationId: 'x' });

    // Act
    const result = await handlers['payment.succeeded'](
      paymentEvent('payment.succeeded', booking.id, user.userId),
    );

    // Assess
    expect(result).toEqual({ booking: null, changed: false });
    expect(metrics.total('BookingsConfirmed')).toBe(0);
  });

  it('counts no booking metric for a payment.failed (payments counts the failure)', async () => {
    // Prepare
    const { metrics, user, booking, handlers } = await setup();
    const before = metrics.lines.length;

    // Act
    await handlers['payment.failed'](paymentEvent('payment.failed', booking.id, user.userId));

    // Assess
    expect(metrics.lines.slice(before)).toEqual([]);
  });
});
