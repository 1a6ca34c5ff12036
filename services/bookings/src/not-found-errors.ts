/**
 * The bookings service's 404s, apart from its other errors (`errors.ts`, which re-exports them), so
 * a read that can only answer 404 loads these two classes and none of the rest.
 */
import { NotFoundError } from '@tessera/shared/errors';

class RoomNotFoundError extends NotFoundError {
  constructor() {
    super('ROOM_NOT_FOUND', 'No such room.');
  }
}

class BookingNotFoundError extends NotFoundError {
  constructor() {
    super('BOOKING_NOT_FOUND', 'No such booking.');
  }
}

export { BookingNotFoundError, RoomNotFoundError };
