/**
 * One thin handler per rooms and bookings operation. HTTP concerns live here: the strong `ETag` of
 * the version, `If-Match` read into a precondition, `Idempotency-Key` and `Idempotent-Replayed`.
 * The rooms use cases, the booking commands and the booking reads each load on the first request
 * that needs them, so a cold start parses only its own part (ADR 0017).
 */
import type { OperationHandlers } from '@tessera/shared/http';
import { once } from '@tessera/shared/once';
import { etagOf, preconditionOf } from '@tessera/shared/precondition';
import type { Dependencies } from '#domain/ports';
import type { Operations } from '#generated/contract';

const rooms = once(() => import('#domain/rooms'));
const bookings = once(() => import('#domain/bookings'));
const queries = once(() => import('#domain/booking-queries'));

const createOperationHandlers = (deps: Dependencies): OperationHandlers<Operations> => ({
  async createRoom({ principal, body }) {
    const room = await (await rooms()).createRoom(deps, principal, body);
    return {
      status: 201,
      body: room,
      headers: { etag: etagOf(room.version), location: `/v1/rooms/${room.id}` },
    };
  },

  async listRooms({ query }) {
    return { status: 200, body: await (await rooms()).listRooms(deps, query) };
  },

  async getRoom({ path }) {
    const room = await (await rooms()).getRoom(deps, path.roomId);
    return { status: 200, body: room, headers: { etag: etagOf(room.version) } };
  },

  async updateRoom({ principal, path, header, body }) {
    const room = await (await rooms()).updateRoom(
      deps,
      principal,
      path.roomId,
      body,
      preconditionOf(header['if-match']),
    );
    return { status: 200, body: room, headers: { etag: etagOf(room.version) } };
  },

  async deleteRoom({ principal, path, header }) {
    await (await rooms()).deleteRoom(deps, principal, path.roomId, preconditionOf(header['if-match']));
    return { status: 204 };
  },

  async getRoomAvailability({ path, query }) {
    return { status: 200, body: await (await rooms()).getAvailability(deps, path.roomId, query) };
  },

  async createBooking({ principal, header, body, correlationId }) {
    const { booking, replayed } = await (await bookings()).createBooking(deps, principal, body, {
      correlationId,
      idempotencyKey: header['idempotency-key'],
    });
    return {
      status: 201,
      body: booking,
      headers: {
        etag: etagOf(booking.version),
        location: `/v1/bookings/${booking.id}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
    };
  },

  async listBookings({ principal, query }) {
    return { status: 200, body: await (await queries()).listBookings(deps, principal, query) };
  },

  async getBooking({ principal, path }) {
    const booking = await (await queries()).getBooking(deps, principal, path.bookingId);
    return { status: 200, body: booking, headers: { etag: etagOf(booking.version) } };
  },

  async updateBooking({ principal, path, header, body, correlationId }) {
    const booking = await (await bookings()).updateBooking(deps, principal, path.bookingId, body, {
      precondition: preconditionOf(header['if-match']),
      correlationId,
    });
    return { status: 200, body: booking, headers: { etag: etagOf(booking.version) } };
  },

  async cancelBooking({ principal, path, header, correlationId }) {
    const booking = await (await bookings()).cancelBooking(deps, principal, path.bookingId, {
      precondition: preconditionOf(header['if-match']),
      correlationId,
    });
    return { status: 200, body: booking, headers: { etag: etagOf(booking.version) } };
  },

  async getBookingHistory({ principal, path, query }) {
    return { status: 200, body: await (await queries()).getHistory(deps, principal, path.bookingId, query) };
  },
});

export { createOperationHandlers };
