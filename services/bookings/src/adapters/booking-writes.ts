/**
 * The bookings store's transactions (see `booking-store.ts`): a new booking, and a change of one,
 * each with its calendar days, its change record carrying its events, the room check and, for a new
 * booking, its Idempotency-Key record. Loaded on the first booking write, so a request that only
 * reads does not load it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TesseraEvent } from '@tessera/shared/events';
import { recordWithEvents } from '@tessera/shared/outbox';
import { type OutcomeItem, transactWrite } from '@tessera/shared/store';
import type { StoredBooking } from '#domain/booking';
import type { BookingStore, ChangeRecord } from '#domain/ports';
import { dayWrite } from './calendar-items.ts';
import { bookingKey, changeKey, idempotencyKey, roomKey, roomNotHeld } from './keys.ts';

type Item = Record<string, unknown>;
type Client = Pick<DynamoDBDocumentClient, 'send'>;

/**
 * How often a booking transaction that DynamoDB refused with `TransactionConflict` (another
 * transaction on the same room or day at that moment; AWS only) is retried before answering 503.
 */
const TRANSACTION_ATTEMPTS = 8;

const bookingItem = (booking: StoredBooking): Item => ({
  ...bookingKey(booking.id),
  ...booking,
  kind: 'BOOKING',
  userKey: `USER#${booking.userId}`,
  providerKey: `PROVIDER#${booking.providerId}`,
  sortKey: `${booking.startTime}#${booking.id}`,
});

/**
 * A change record as stored: who and what always; when, from which request and the booking after
 * the change from its first event (every booking event carries the booking), so nothing is stored
 * twice; a change with no event (a new title) keeps them itself. `toChange` reads it back.
 */
const changeItem = (change: ChangeRecord, events: readonly TesseraEvent[]): Item => {
  const { version, action, fromStatus, actorId, actorRole } = change;
  return events.length > 0 ? { version, action, fromStatus, actorId, actorRole } : { ...change };
};

const roomCheck = (tableName: string, roomId: string, now: Date): OutcomeItem<'room-unavailable'> => ({
  ConditionCheck: {
    TableName: tableName,
    Key: roomKey(roomId),
    ConditionExpression: `attribute_exists(pk) AND ${roomNotHeld.condition}`,
    ExpressionAttributeValues: roomNotHeld.values(now),
  },
  onConditionFailed: 'room-unavailable',
});

const changePut = (
  tableName: string,
  bookingId: string,
  change: ChangeRecord,
  events: readonly TesseraEvent[],
) =>
  recordWithEvents(
    tableName,
    { ...changeKey(bookingId, change.version), ...changeItem(change, events) },
    events,
  );

const createBooking = (
  client: Client,
  tableName: string,
  { booking, calendar, change, events, idempotency, now }: Parameters<BookingStore['createBooking']>[0],
) => {
  const { paymentToken: _token, ...shown } = booking;
  const items: OutcomeItem<'key-taken' | 'room-unavailable' | 'taken' | 'calendar-changed'>[] = [
    ...(idempotency
      ? [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...idempotencyKey(idempotency.userId, idempotency.key),
                requestHash: idempotency.requestHash,
                booking: shown,
                expiresAt: idempotency.expiresAt,
                ttl: idempotency.expiresAt,
              },
              // A kept record past its 24 hours may linger until TTL deletes it: it counts as gone.
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowSeconds',
              ExpressionAttributeValues: { ':nowSeconds': Math.floor(now.getTime() / 1000) },
            },
            onConditionFailed: 'key-taken' as const,
          },
        ]
      : []),
    roomCheck(tableName, booking.roomId, now),
    ...calendar.map((write) => dayWrite(tableName, booking.roomId, write)),
    {
      Put: {
        TableName: tableName,
        Item: bookingItem(booking),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    changePut(tableName, booking.id, change, events),
  ];
  return transactWrite(client, items, { attempts: TRANSACTION_ATTEMPTS });
};

const changeBooking = (
  client: Client,
  tableName: string,
  {
    next,
    expectedVersion,
    calendar,
    checkRoom,
    change,
    events,
    now,
  }: Parameters<BookingStore['changeBooking']>[0],
) => {
  const items: OutcomeItem<'stale' | 'room-unavailable' | 'taken' | 'calendar-changed'>[] = [
    {
      Put: {
        TableName: tableName,
        Item: bookingItem(next),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': expectedVersion },
      },
      onConditionFailed: 'stale',
    },
    ...(checkRoom ? [roomCheck(tableName, next.roomId, now)] : []),
    ...calendar.map((write) => dayWrite(tableName, next.roomId, write)),
    changePut(tableName, next.id, change, events),
  ];
  return transactWrite(client, items, { attempts: TRANSACTION_ATTEMPTS });
};

/**
 * The reminder of a booking at one start time: a record `REMINDER#<startTime>` under the booking,
 * carrying `booking.reminder` to the bus, written only while the booking is still `CONFIRMED` at
 * that start time and only once (a second firing, or a late confirmation racing its schedule,
 * finds the record).
 */
const recordReminder = (
  client: Client,
  tableName: string,
  { booking, event, now }: Parameters<BookingStore['recordReminder']>[0],
) =>
  transactWrite<'changed' | 'already-sent'>(client, [
    {
      ConditionCheck: {
        TableName: tableName,
        Key: bookingKey(booking.id),
        ConditionExpression: '#status = :confirmed AND startTime = :start',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':start': booking.startTime },
      },
      onConditionFailed: 'changed',
    },
    {
      ...recordWithEvents(
        tableName,
        {
          pk: bookingKey(booking.id).pk,
          sk: `REMINDER#${booking.startTime}`,
          sentAt: now.toISOString(),
          // Kept as long as the booking's change records are not needed: a year after its start.
          ttl: Math.floor(Date.parse(booking.endTime) / 1000) + 365 * 24 * 3600,
        },
        [event],
      ),
      onConditionFailed: 'already-sent',
    },
  ]);

export { changeBooking, createBooking, recordReminder };
