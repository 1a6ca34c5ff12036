/**
 * The keys of the bookings table's items (see `booking-store.ts`), and the condition that a room is
 * not held by a deletion: shared by the store's reads and its transactional writes.
 */
import { createHash } from 'node:crypto';

const roomKey = (id: string) => ({ pk: `ROOM#${id}`, sk: 'ROOM' });
const tombstoneKey = (id: string) => ({ pk: `ROOM#${id}`, sk: 'TOMBSTONE' });
const bookingKey = (id: string) => ({ pk: `BOOKING#${id}`, sk: 'BOOKING' });
const changeKey = (bookingId: string, version: number) => ({
  pk: `BOOKING#${bookingId}`,
  sk: `CHANGE#${String(version).padStart(6, '0')}`,
});
const idempotencyKey = (userId: string, key: string) => ({
  pk: `IDEMPOTENCY#${userId}#${createHash('sha256').update(key).digest('base64url')}`,
  sk: 'IDEMPOTENCY',
});

/** A room no deletion holds: no fence, or one that has lapsed. */
const roomNotHeld = {
  condition: '(attribute_not_exists(closingUntil) OR closingUntil < :now)',
  values: (now: Date) => ({ ':now': now.toISOString() }),
};

export { bookingKey, changeKey, idempotencyKey, roomKey, roomNotHeld, tombstoneKey };
