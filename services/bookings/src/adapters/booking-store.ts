/**
 * The bookings table (see `table.json` and ADR 0026).
 *
 * Items:
 * - `ROOM#<id>` / `ROOM`: a room, in `by-kind` (`kind` = `ROOM`) and `by-type` (`typeKey` =
 *   `TYPE#<type>`), both sorted by `sortKey` = `<createdAt>#<id>`; `closingUntil` while a deletion
 *   holds it.
 * - `ROOM#<id>` / `TOMBSTONE`: a deleted room's provider, so its bookings stay listable by room.
 * - `ROOM#<id>` / `DAY#<yyyy-mm-dd>`: the room's calendar for one UTC day (`#domain/calendar`):
 *   `h<hour>`, `p<cell>` and `s<cell>` numbers and a `version`, a few hundred bytes however many
 *   bookings the room has, so a write costs 2 units in a transaction.
 * - `BOOKING#<id>` / `BOOKING`: a booking, in `by-user` (`userKey`), `by-provider` (`providerKey`)
 *   and `by-kind` (`kind` = `BOOKING`), sorted by `sortKey` = `<startTime>#<id>`.
 * - `BOOKING#<id>` / `CHANGE#<version>`: the audit trail, one record per change, each carrying the
 *   change's events to the bus (`recordWithEvents`): it is the outbox too.
 * - `IDEMPOTENCY#<userId>#<sha256(key)>` / `IDEMPOTENCY`: an `Idempotency-Key`'s first result, 24 hours.
 * - `USER#<id>` / `DIRECTORY` (the users directory) and `PROCESSED#...` (events consumed).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { once } from '@tessera/shared/once';
import type { eventsOf } from '@tessera/shared/outbox';
import type { StoredBooking } from '#domain/booking';
import type {
  BookingSource,
  BookingStore,
  ChangeRecord,
  IdempotencyRecord,
  Key,
  StoredRoom,
} from '#domain/ports';
import type { Room } from '#domain/room';
import { bookingKey, idempotencyKey, roomKey, roomNotHeld, tombstoneKey } from './keys.ts';

type Item = Record<string, unknown>;

/** The calendar days' items, loaded on the first calendar read or booking write. */
const calendarItems = once(() => import('./calendar-items.ts'));
/** The booking transactions, loaded on the first booking write. */
const bookingWrites = once(() => import('./booking-writes.ts'));
/** The store kit's writes and pages, loaded on the first write or list: a get needs neither. */
const storeKit = once(() => import('@tessera/shared/store'));
/** The reader of the events a change record carries, loaded on the first history read. */
const outbox = once(() => import('@tessera/shared/outbox'));

const roomItem = (room: Room): Item => ({
  ...roomKey(room.id),
  ...room,
  kind: 'ROOM',
  typeKey: `TYPE#${room.type}`,
  sortKey: `${room.createdAt}#${room.id}`,
});

const toRoom = (item: Item): StoredRoom => ({
  id: String(item.id),
  name: String(item.name),
  type: String(item.type),
  capacity: Number(item.capacity),
  pricePerHour: Number(item.pricePerHour),
  currency: String(item.currency),
  description: typeof item.description === 'string' ? item.description : null,
  providerId: String(item.providerId),
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
  version: Number(item.version),
  closingUntil: typeof item.closingUntil === 'string' ? item.closingUntil : null,
});

const toBooking = (item: Item): StoredBooking => ({
  id: String(item.id),
  roomId: String(item.roomId),
  userId: String(item.userId),
  providerId: String(item.providerId),
  title: typeof item.title === 'string' ? item.title : null,
  startTime: String(item.startTime),
  endTime: String(item.endTime),
  status: item.status as StoredBooking['status'],
  amount: Number(item.amount),
  currency: String(item.currency),
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
  version: Number(item.version),
  paymentToken: typeof item.paymentToken === 'string' ? item.paymentToken : null,
});

/** A change record as `booking-writes.ts` stores it: what its events do not say is its own. */
const toChange =
  (carried: typeof eventsOf) =>
  (item: Item): ChangeRecord => {
    const first = carried(item)[0]?.detail as Item | undefined;
    const booking = (first?.data as Item | undefined)?.booking as Item | undefined;
    const from =
      first && booking
        ? { ...booking, at: first.occurredAt, requestId: first.correlationId, toStatus: booking.status }
        : item;
    return {
      version: Number(item.version),
      action: item.action as ChangeRecord['action'],
      fromStatus: (item.fromStatus ?? null) as ChangeRecord['fromStatus'],
      toStatus: from.toStatus as ChangeRecord['toStatus'],
      startTime: String(from.startTime),
      endTime: String(from.endTime),
      amount: Number(from.amount),
      actorId: typeof item.actorId === 'string' ? item.actorId : null,
      actorRole: (item.actorRole ?? null) as ChangeRecord['actorRole'],
      requestId: String(from.requestId),
      at: String(from.at),
    };
  };

/** The index partition of a booking list: the index and its key attribute and value. */
const partitionOf = (source: BookingSource): { index: string; attribute: string; value: string } => {
  switch (source.index) {
    case 'by-user':
      return { index: 'by-user', attribute: 'userKey', value: `USER#${source.userId}` };
    case 'by-provider':
      return { index: 'by-provider', attribute: 'providerKey', value: `PROVIDER#${source.providerId}` };
    case 'by-kind':
      return { index: 'by-kind', attribute: 'kind', value: 'BOOKING' };
  }
};

const createBookingStore = (client: DynamoDBDocumentClient, tableName: string): BookingStore => {
  const queryDays = async (roomId: string, from: string, to: string): Promise<Item[]> => {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': `ROOM#${roomId}`, ':from': `DAY#${from}`, ':to': `DAY#${to}` },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  const getRoom = async (id: string): Promise<StoredRoom | null> => {
    const result = await client.send(
      new GetCommand({ TableName: tableName, Key: roomKey(id), ConsistentRead: true }),
    );
    return result.Item ? toRoom(result.Item) : null;
  };

  return {
    getRoom,

    async createRoom(room) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: roomItem(room),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async replaceRoom(next, expectedVersion, now) {
      return (await storeKit()).conditionalWrite(
        client,
        new PutCommand({
          TableName: tableName,
          Item: roomItem(next),
          ConditionExpression: `version = :version AND ${roomNotHeld.condition}`,
          ExpressionAttributeValues: { ':version': expectedVersion, ...roomNotHeld.values(now) },
        }),
        'stale',
      );
    },

    async fenceRoom(id, expectedVersion, until, now) {
      return (await storeKit()).conditionalWrite(
        client,
        new UpdateCommand({
          TableName: tableName,
          Key: roomKey(id),
          UpdateExpression: 'SET closingUntil = :until',
          ConditionExpression: `version = :version AND ${roomNotHeld.condition}`,
          ExpressionAttributeValues: {
            ':until': until,
            ':version': expectedVersion,
            ...roomNotHeld.values(now),
          },
        }),
        'stale',
      );
    },

    async unfenceRoom(id, until) {
      // 'gone': someone else's fence now, or no room: nothing of ours to lift.
      await (await storeKit()).conditionalWrite(
        client,
        new UpdateCommand({
          TableName: tableName,
          Key: roomKey(id),
          UpdateExpression: 'REMOVE closingUntil',
          ConditionExpression: 'closingUntil = :until',
          ExpressionAttributeValues: { ':until': until },
        }),
        'gone',
      );
    },

    async deleteRoom(id, until, now) {
      const room = await getRoom(id);
      if (!room) return 'stale';
      // The room goes; a tombstone keeps its provider, so an admin's list of its bookings still finds them.
      return (await storeKit()).transactWrite(client, [
        {
          Delete: {
            TableName: tableName,
            Key: roomKey(id),
            ConditionExpression: 'closingUntil = :until AND closingUntil > :now',
            ExpressionAttributeValues: { ':until': until, ':now': now.toISOString() },
          },
          onConditionFailed: 'stale',
        },
        {
          Put: {
            TableName: tableName,
            Item: {
              ...tombstoneKey(id),
              roomId: id,
              providerId: room.providerId,
              deletedAt: now.toISOString(),
            },
          },
        },
      ]);
    },

    async providerOfRoom(id) {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :room',
          ExpressionAttributeValues: { ':pk': `ROOM#${id}`, ':room': 'ROOM' },
          ConsistentRead: true,
        }),
      );
      const item =
        result.Items?.find((i) => i.sk === 'ROOM') ?? result.Items?.find((i) => i.sk === 'TOMBSTONE');
      return typeof item?.providerId === 'string' ? item.providerId : null;
    },

    async listRooms({ type, limit, startKey }) {
      const partition = type
        ? { index: 'by-type', attribute: 'typeKey', value: `TYPE#${type}` }
        : { index: 'by-kind', attribute: 'kind', value: 'ROOM' };
      const page = await (await storeKit()).queryPage(
        client,
        {
          TableName: tableName,
          IndexName: partition.index,
          KeyConditionExpression: '#partition = :partition',
          ExpressionAttributeNames: { '#partition': partition.attribute },
          ExpressionAttributeValues: { ':partition': partition.value },
        },
        { limit, startKey, keyAttributes: ['pk', 'sk', partition.attribute, 'sortKey'] },
      );
      return {
        rooms: page.items.map(toRoom).map(({ closingUntil: _fence, ...room }) => room),
        keys: page.items.map((item) => ({
          pk: item.pk,
          sk: item.sk,
          [partition.attribute]: item[partition.attribute],
          sortKey: item.sortKey,
        })),
        more: page.lastKey !== undefined,
      };
    },

    async calendar(roomId, days) {
      if (days.length === 0) return [];
      const first = days[0] as string;
      const last = days.at(-1) as string;
      const byDay = new Map(
        (await queryDays(roomId, first, last)).map((item) => [String(item.sk).slice(4), item]),
      );
      const { toDayState } = await calendarItems();
      return days.map((day) => toDayState(day, byDay.get(day)));
    },

    async calendarFrom(roomId, fromDay) {
      const { toDayState } = await calendarItems();
      return (await queryDays(roomId, fromDay, '9999-12-31')).map((item) =>
        toDayState(String(item.sk).slice(4), item),
      );
    },

    async getBooking(id) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: bookingKey(id), ConsistentRead: true }),
      );
      return result.Item ? toBooking(result.Item) : null;
    },

    async getIdempotency(userId, key): Promise<IdempotencyRecord | null> {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: idempotencyKey(userId, key), ConsistentRead: true }),
      );
      const item = result.Item;
      if (!item) return null;
      return {
        requestHash: String(item.requestHash),
        booking: (({ paymentToken: _token, ...shown }) => shown)(toBooking(item.booking as Item)),
        expiresAt: Number(item.expiresAt),
      };
    },

    async createBooking(write) {
      return (await bookingWrites()).createBooking(client, tableName, write);
    },

    async recordReminder(write) {
      return (await bookingWrites()).recordReminder(client, tableName, write);
    },
    async changeBooking(write) {
      return (await bookingWrites()).changeBooking(client, tableName, write);
    },

    async listBookings({ source, when, now, status, roomId, limit, startKey }) {
      const partition = partitionOf(source);
      // Upcoming: starting at or after now; past: started before now. `sortKey` = `<startTime>#<id>`,
      // so both are a key range and no item is read only to be filtered out for its time.
      const values: Item = { ':partition': partition.value, ':now': now.toISOString() };
      const filters: string[] = [];
      if (status) {
        filters.push('#status = :status');
        values[':status'] = status;
      }
      if (roomId) {
        filters.push('roomId = :roomId');
        values[':roomId'] = roomId;
      }
      const page = await (await storeKit()).queryPage(
        client,
        {
          TableName: tableName,
          IndexName: partition.index,
          KeyConditionExpression: `#partition = :partition AND sortKey ${when === 'upcoming' ? '>=' : '<'} :now`,
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: {
            '#partition': partition.attribute,
            ...(status ? { '#status': 'status' } : {}),
          },
          ExpressionAttributeValues: values,
          ScanIndexForward: when === 'upcoming',
        },
        { limit, startKey, keyAttributes: ['pk', 'sk', partition.attribute, 'sortKey'] },
      );
      return { bookings: page.items.map(toBooking), lastKey: page.lastKey as Key | undefined };
    },

    async history(bookingId, { limit, startKey }) {
      const page = await (await storeKit()).queryPage(
        client,
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `BOOKING#${bookingId}`, ':prefix': 'CHANGE#' },
          ConsistentRead: true,
        },
        { limit, startKey, keyAttributes: ['pk', 'sk'] },
      );
      const { eventsOf: carried } = await outbox();
      return { changes: page.items.map(toChange(carried)), lastKey: page.lastKey as Key | undefined };
    },
  };
};

export { createBookingStore };
