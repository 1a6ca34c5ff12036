/**
 * One thin handler per rooms and bookings operation. HTTP concerns live here: the strong `ETag` of
 * the version, `If-Match` read into a precondition, `Idempotency-Key` and `Idempotent-Replayed`.
 */
import type { OperationHandlers } from '@tessera/shared/http';
import { etagOf, preconditionOf } from '@tessera/shared/precondition';
import {
  cancelBooking,
  createBooking,
  getBooking,
  getHistory,
  listBookings,
  updateBooking,
} from '#domain/bookings';
import type { Dependencies } from '#domain/ports';
import { createRoom, deleteRoom, getAvailability, getRoom, listRooms, updateRoom } from '#domain/rooms';
import type { Operations } from '#generated/contract';

const createOperationHandlers = (deps: Dependencies): OperationHandlers<Operations> => ({
  async createRoom({ principal, body }) {
    const room = await createRoom(deps, principal, body);
    return {
      status: 201,
      body: room,
      headers: { etag: etagOf(room.version), location: `/v1/rooms/${room.id}` },
    };
  },

  async listRooms({ query }) {
    return { status: 200, body: await listRooms(deps, query) };
  },

  async getRoom({ path }) {
    const room = await getRoom(deps, path.roomId);
    return { status: 200, body: room, headers: { etag: etagOf(room.version) } };
  },

  async updateRoom({ principal, path, header, body }) {
    const room = await updateRoom(deps, principal, path.roomId, body, preconditionOf(header['if-match']));
    return { status: 200, body: room, headers: { etag: etagOf(room.version) } };
  },

  async deleteRoom({ principal, path, header }) {
    await deleteRoom(deps, principal, path.roomId, preconditionOf(header['if-match']));
    return { status: 204 };
  },

  async getRoomAvailability({ path, query }) {
    return { status: 200, body: await getAvailability(deps, path.roomId, query) };
  },

  async createBooking({ principal, header, body, correlationId }) {
    const { booking, replayed } = await createBooking(deps, principal, body, {
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
    return { status: 200, body: await listBookings(deps, principal, query) };
  },

  async getBooking({ principal, path }) {
    const booking = await getBooking(deps, principal, path.bookingId);
    return { status: 200, body: booking, headers: { etag: etagOf(booking.version) } };
  },

  async updateBooking({ principal, path, header, body, correlationId }) {
    const booking = await updateBooking(deps, principal, path.bookingId, body, {
      precondition: preconditionOf(header['if-match']),
      correlationId,
    });
    return { status: 200, body: booking, headers: { etag: etagOf(booking.version) } };
  },

  async cancelBooking({ principal, path, header, correlationId }) {
    const booking = await cancelBooking(deps, principal, path.bookingId, {
      precondition: preconditionOf(header['if-match']),
      correlationId,
    });
    return { status: 200, body: booking, headers: { etag: etagOf(booking.version) } };
  },

  async getBookingHistory({ principal, path, query }) {
    return { status: 200, body: await getHistory(deps, principal, path.bookingId, query) };
  },
});

export { createOperationHandlers };
