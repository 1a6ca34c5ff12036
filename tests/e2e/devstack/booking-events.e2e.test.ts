/**
 * The bookings service's events on the devstack's bus: `booking.created` carries the payment token
 * (for the payments service, the only place it goes), `room.availability_changed` says what time was
 * taken or freed and nothing about who; every event carries the request's correlation id.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, type Booking, book, call, createRoom } from '../../support/bookings.ts';
import { type Account, baseUrl, newAccount, newProvider, waitForEvent } from '../../support/e2e.ts';

let provider: Account;
let user: Account;

beforeAll(async () => {
  [provider, user] = await Promise.all([newProvider('evented-room-provider'), newAccount('evented-booker')]);
});

describe('Booking events on the bus', () => {
  it('booking.created carries the payment token; room.availability_changed carries no one', async () => {
    const room = await createRoom(provider);
    const token = `tok_ok_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const correlationId = `book-${randomUUID()}`;
    const interval = { startTime: at(3, 10), endTime: at(3, 11) };

    const response = await book(
      user,
      { roomId: room.id, ...interval, paymentToken: token },
      { 'x-request-id': correlationId },
    );
    const booking = (await response.json()) as Booking;

    expect(response.status).toBe(201);
    const created = await waitForEvent({ detailType: 'booking.created', correlationId });
    expect(created).toMatchObject({
      source: 'tessera.bookings',
      detail: { correlationId, data: { booking, paymentToken: token, changedBy: user.user.id } },
    });
    expect(created.detail.data.booking).not.toHaveProperty('paymentToken');
    const taken = await waitForEvent({ detailType: 'room.availability_changed', correlationId });
    expect(taken.source).toBe('tessera.bookings');
    expect(taken.detail.data).toEqual({ roomId: room.id, change: 'taken', ...interval });
    expect(JSON.stringify(taken)).not.toContain(user.user.id);
    expect(JSON.stringify(taken)).not.toContain(booking.id);
  });

  it('a reschedule frees the old interval and takes the new one; a cancel frees it, each with its correlation id', async () => {
    const room = await createRoom(provider);
    const ids = { move: `move-${randomUUID()}`, cancel: `cancel-${randomUUID()}` };
    const booking = (await (
      await book(user, { roomId: room.id, startTime: at(3, 10), endTime: at(3, 11) })
    ).json()) as Booking;

    const moved = await call(
      user,
      'PATCH',
      `/v1/bookings/${booking.id}`,
      { startTime: at(3, 14), endTime: at(3, 16) },
      { 'x-request-id': ids.move },
    );
    const cancelled = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`, undefined, {
      'x-request-id': ids.cancel,
    });

    expect([moved.status, cancelled.status]).toEqual([200, 200]);
    const rescheduled = await waitForEvent({ detailType: 'booking.rescheduled', correlationId: ids.move });
    expect(rescheduled.detail.data).toMatchObject({
      booking: { id: booking.id, startTime: at(3, 14), endTime: at(3, 16), amount: 2000, version: 2 },
      previous: { startTime: at(3, 10), endTime: at(3, 11), amount: 1000 },
      changedBy: user.user.id,
    });
    const change = (correlationId: string, kind: string) =>
      waitForEvent(
        { detailType: 'room.availability_changed', correlationId },
        (event) => event.detail.data.change === kind,
      );
    expect((await change(ids.move, 'freed')).detail.data).toEqual({
      roomId: room.id,
      change: 'freed',
      startTime: at(3, 10),
      endTime: at(3, 11),
    });
    expect((await change(ids.move, 'taken')).detail.data).toEqual({
      roomId: room.id,
      change: 'taken',
      startTime: at(3, 14),
      endTime: at(3, 16),
    });
    const onCancel = await waitForEvent({ detailType: 'booking.cancelled', correlationId: ids.cancel });
    expect(onCancel.detail.data).toMatchObject({
      booking: { id: booking.id, status: 'CANCELLED' },
      previousStatus: 'PENDING_PAYMENT',
      changedBy: user.user.id,
    });
    expect((await change(ids.cancel, 'freed')).detail.data).toEqual({
      roomId: room.id,
      change: 'freed',
      startTime: at(3, 14),
      endTime: at(3, 16),
    });
  });

  it('a refused booking publishes nothing', async () => {
    const room = await createRoom(provider);
    const correlationId = `refused-${randomUUID()}`;
    await book(user, { roomId: room.id, startTime: at(3, 10), endTime: at(3, 11) });
    const accepted = `accepted-${randomUUID()}`;

    const refused = await book(
      user,
      { roomId: room.id, startTime: at(3, 10, 30), endTime: at(3, 11, 30) },
      { 'x-request-id': correlationId },
    );
    const later = await book(
      user,
      { roomId: room.id, startTime: at(3, 12), endTime: at(3, 13) },
      { 'x-request-id': accepted },
    );

    expect([refused.status, later.status]).toEqual([409, 201]);
    // The later booking's events have crossed the bus, so the refused one's would have too.
    await waitForEvent({ detailType: 'room.availability_changed', correlationId: accepted });
    const events = (await (
      await fetch(`${baseUrl}/_devstack/events?correlationId=${correlationId}`)
    ).json()) as {
      items: unknown[];
    };
    expect(events.items).toEqual([]);
  });
});
