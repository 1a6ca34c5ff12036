/**
 * Helpers for the rooms and bookings end-to-end tests: raw contract-checked calls as an account,
 * times that satisfy (or break) the booking rules relative to now, rooms of a type of their own, and
 * (on the devstack) the bookings table itself, to check what the API says against what is stored.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Schemas } from '../../packages/client/src/index.ts';
import { devstackTable } from './dynamodb.ts';
import { type Account, adminAccount, newAccount, newProvider, raw } from './e2e.ts';

type Room = Schemas['Room'];
type Booking = Schemas['Booking'];
type Problem = Schemas['Problem'] & Record<string, unknown>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A UTC time on a whole minute: today's midnight (UTC) plus `days`, `hours` and `minutes`, as the
 * service writes times (`2027-01-15T09:00:00.000Z`). Days two and more ahead are always in the future.
 */
const at = (days: number, hours = 0, minutes = 0): string =>
  new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + hours * HOUR + minutes * MINUTE).toISOString();

/** `iso` moved by `minutes`. */
const plus = (iso: string, minutes: number): string =>
  new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

type Caller = Pick<Account, 'tokens'> | string;

const tokenOf = (caller: Caller) => (typeof caller === 'string' ? caller : caller.tokens.accessToken);

/** A raw, contract-checked request as `caller` (an account or an access token). */
const call = (
  caller: Caller,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> =>
  raw(path, {
    method,
    headers: {
      authorization: `Bearer ${tokenOf(caller)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A room type no other test uses, so a list by type sees only this test's rooms. */
const uniqueType = (label = 'room') => `${label}-${randomUUID().slice(0, 8)}`;

interface RoomInput {
  readonly name?: string;
  readonly type?: string;
  readonly capacity?: number;
  readonly pricePerHour?: number;
  readonly currency?: string;
  readonly description?: string;
  readonly providerId?: string;
}

/** Creates a room as `provider` (1000 minor units an hour of EUR, a type of its own unless told). */
const createRoom = async (provider: Caller, input: RoomInput = {}): Promise<Room> => {
  const response = await call(provider, 'POST', '/v1/rooms', {
    name: 'Room for e2e',
    type: uniqueType(),
    capacity: 4,
    pricePerHour: 1000,
    currency: 'EUR',
    ...input,
  });
  if (response.status !== 201) throw new Error(`room creation failed with ${response.status}`);
  return (await response.json()) as Room;
};

interface BookingInput {
  readonly roomId: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly title?: string;
  readonly paymentToken?: string;
  readonly userId?: string;
}

/**
 * The token the bookings tests book with unless they name one: its payment is accepted as pending
 * and never completes, so the booking stays `PENDING_PAYMENT` while a test works on it (the payments
 * tests follow a booking's payment to its end).
 */
const PENDING_TOKEN = 'tok_pending';

/** Books as `user` (with `PENDING_TOKEN` unless the input names a token); answers the response (check the status yourself). */
const book = (user: Caller, input: BookingInput, headers: Record<string, string> = {}) =>
  call(user, 'POST', '/v1/bookings', { paymentToken: PENDING_TOKEN, ...input }, headers);

/** Books as `user` and answers the booking, failing unless the answer is 201. */
const booked = async (user: Caller, input: BookingInput): Promise<Booking> => {
  const response = await book(user, input);
  if (response.status !== 201) {
    throw new Error(`booking failed with ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as Booking;
};

/** Every booking of `list` as `caller` sees it, page by page (`query` without `limit` or `cursor`). */
const listAll = async (caller: Caller, query: string, limit = 100): Promise<Booking[]> => {
  const items: Booking[] = [];
  let cursor: string | null = null;
  do {
    const response = await call(
      caller,
      'GET',
      `/v1/bookings?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (response.status !== 200) throw new Error(`listing failed with ${response.status}`);
    const page = (await response.json()) as Schemas['BookingList'];
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};

/** Half-open intervals overlap when each starts before the other ends. */
const overlapping = (
  a: { readonly startTime: string; readonly endTime: string },
  b: { readonly startTime: string; readonly endTime: string },
) => Date.parse(a.startTime) < Date.parse(b.endTime) && Date.parse(b.startTime) < Date.parse(a.endTime);

/** The busy times of `intervals` as availability answers them: by start, touching ones merged. */
const merged = (intervals: readonly { readonly startTime: string; readonly endTime: string }[]) => {
  const busy: { startTime: string; endTime: string }[] = [];
  for (const i of [...intervals].sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime))) {
    const last = busy.at(-1);
    if (last && Date.parse(i.startTime) <= Date.parse(last.endTime)) {
      if (Date.parse(i.endTime) > Date.parse(last.endTime)) last.endTime = i.endTime;
    } else busy.push({ startTime: i.startTime, endTime: i.endTime });
  }
  return busy;
};

/** A booking as the table holds it (its item `BOOKING#<id>` / `BOOKING`). */
interface StoredBooking {
  readonly id: string;
  readonly roomId: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly status: string;
  readonly paymentToken?: string | null;
}

/** Every booking of a room, read from the devstack's bookings table itself (a Scan: tests only). */
const storedBookingsOf = async (roomId: string): Promise<StoredBooking[]> => {
  const table = devstackTable('bookings');
  try {
    const items: StoredBooking[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await table.documentClient.send(
        new ScanCommand({
          TableName: table.tableName,
          FilterExpression: 'begins_with(pk, :booking) AND sk = :sk AND roomId = :roomId',
          ExpressionAttributeValues: { ':booking': 'BOOKING#', ':sk': 'BOOKING', ':roomId': roomId },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...((page.Items ?? []) as StoredBooking[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  } finally {
    table.client.destroy();
  }
};

/**
 * Writes a booking straight into the devstack's bookings table, as the service's store lays it out
 * (`BOOKING#<id>` / `BOOKING`, in its three indexes), for what the API cannot make now: a booking
 * that has started or ended, or one the payments service moved on. It takes no calendar interval,
 * so it holds no room time. Devstack only.
 */
const seedBooking = async (
  booking: Pick<Booking, 'roomId' | 'userId' | 'providerId' | 'startTime' | 'endTime' | 'status'> &
    Partial<Booking>,
): Promise<Booking> => {
  const now = new Date().toISOString();
  const stored: Booking = {
    id: randomUUID(),
    title: null,
    amount: 1000,
    currency: 'EUR',
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...booking,
  };
  const table = devstackTable('bookings');
  try {
    await table.documentClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `BOOKING#${stored.id}`,
          sk: 'BOOKING',
          ...stored,
          paymentToken: null,
          kind: 'BOOKING',
          userKey: `USER#${stored.userId}`,
          providerKey: `PROVIDER#${stored.providerId}`,
          sortKey: `${stored.startTime}#${stored.id}`,
        },
      }),
    );
    return stored;
  } finally {
    table.client.destroy();
  }
};

/** The statuses that hold a room. */
const LIVE = new Set(['PENDING_PAYMENT', 'CONFIRMED']);

/** The people of a race: the admin's token, a provider, and `count` users, all fresh but the admin. */
const raceCast = async (label: string, count: number) => {
  const admin = (await adminAccount()).accessToken;
  const [provider, ...users] = await Promise.all([
    newProvider(`${label}-provider`),
    ...Array.from({ length: count }, (_, i) => newAccount(`${label}-${i}`)),
  ]);
  return { admin, provider: provider as Account, users };
};

export type { Booking, BookingInput, Caller, Problem, Room, StoredBooking };
export {
  at,
  book,
  booked,
  call,
  createRoom,
  DAY,
  HOUR,
  LIVE,
  listAll,
  MINUTE,
  merged,
  overlapping,
  PENDING_TOKEN,
  plus,
  raceCast,
  seedBooking,
  storedBookingsOf,
  uniqueType,
};
