/**
 * DynamoDB capacity of the bookings operations, at several table sizes, measured through the
 * bookings bundle as it ships (`dist/bookings/index.mjs`, the export and environment its manifest
 * declares) serving API Gateway v2 events, against DynamoDB Local. Its DynamoDB endpoint is the
 * bench's AWS stand-in forwarding every call with `ReturnConsumedCapacity: INDEXES`, so each
 * operation's units are those DynamoDB Local reported for every call it made, for the table and for
 * each index apart. Beside them, the write units by AWS's published rules (`bench/lib/write-units.ts`),
 * worked out from the items the function wrote, and DynamoDB Local's own figures for a one-item and
 * a two-item transaction, its calibration.
 *
 * For each size a fresh table holds that many bookings (`planBookings`): 120 rooms of four types,
 * created through the bundle by 12 providers, over 60 days back and 120 ahead. The measured
 * partitions hold the same bookings at every size: the measured room (a meeting room of the
 * measured provider, who has one other room) 240 bookings spread over the days, 4 on the day the
 * measured bookings go to and 90 quarter-hours on a nearly full day, its sibling 60, the measured
 * user 50 (10 of them in the measured room); every other booking is another user's in another
 * provider's room. A tenth of the bookings are cancelled. Bookings and change records are copies
 * of templates the bundle wrote and read back; calendar days are put together from copies of what
 * each template booking wrote into its day, held against a day the bundle wrote from the same
 * pieces (`bench/lib/booking-layout.ts`). After seeding, the bundle reads a seeded booking, the
 * measured room's seeded day and its nearly full day back, or the run stops.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { loadManifests, type Manifest } from '../../packages/tooling/src/manifests.ts';
import { repoRoot } from '../../packages/tooling/src/repo.ts';
import { type Caller, type HttpResult, httpEvent } from '../fixtures/events.ts';
import {
  type AwsEndpoint,
  DYNAMODB_DATA_CALLS,
  type Exchange,
  startAwsEndpoint,
} from '../lib/aws-endpoint.ts';
import {
  calendarDay,
  checkCalendarDay,
  copyWithSwaps,
  DAY_MINUTES,
  type DayFragment,
  dayOf,
  daysTouched,
  fragmentOf,
  type Item,
  isoOf,
  type Minutes,
  mergePieces,
  minuteOfDay,
  relocated,
  toSdkItem,
} from '../lib/booking-layout.ts';
import { ensureTable, localClient, putAll, startDynamoDbLocal } from '../lib/dynamodb-local.ts';
import { type FunctionHost, startFunctionHost } from '../lib/function-host.ts';
import { type BenchFunction, benchFunctions, bundleEntry, functionEnvironment } from '../lib/functions.ts';
import { freePort } from '../lib/net.ts';
import type { BookingCapacityMeasurement, BookingCapacityResults, BookingSeed } from '../lib/results.ts';
import { generateSecrets } from '../lib/secrets.ts';
import { directReader, estimateWrites, probeLocalTransactions } from '../lib/write-units.ts';

type TableDeclaration = NonNullable<Manifest['tableDeclaration']>;
type Client = ReturnType<typeof localClient>;

const PAGE = 20;
/** BatchWriteItem calls in flight while seeding. */
const SEED_CONCURRENCY = 4;
/** The room types and how many rooms of each; the first meeting room is the measured one. */
const ROOM_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['meeting', 40],
  ['single', 30],
  ['double', 30],
  ['suite', 20],
];
const PROVIDERS = 12;
const OTHER_USERS = 400;
const PRICE_PER_HOUR = 4000;
/** Seeded bookings start from this many days back to this many ahead of today (UTC). */
const FIRST_DAY = -60;
const LAST_DAY = 120;
/** Days no booking falls on, so the minutes between two sizes' runs move none of them across now. */
const QUIET_DAYS = new Set([-1, 0, 1]);
/** One-hour slots a seeded booking may take: starting 07:00 to 21:00. */
const SLOTS = Array.from({ length: 15 }, (_, i) => 7 + i);
const CANCELLED_SHARE = 0.1;

/** The measured room's days the measured writes go to, relative to today. */
const DAYS = {
  /** The measured 1-hour bookings; it already holds 4 seeded ones (08, 12, 14, 16). */
  measured: 7,
  /** Where a reschedule to another day goes; it holds 2 seeded ones (09, 15). */
  next: 8,
  /** Nearly full: 90 seeded quarter-hours, 00:00 to 22:30. */
  busy: 9,
  /** The 1-day booking. */
  oneDay: 50,
  /** The 30-day booking, from 12:00 to 12:00 30 days later (31 calendar days). */
  thirtyDays: 60,
  /** The free-room search's window, 10:00 to 12:00. */
  search: 3,
} as const;
/** The measured room has no seeded booking on these days (the 1-day and 30-day bookings' days). */
const MEASURED_ROOM_FREE = { from: 50, to: 91 };

const FIXED = {
  measuredRoom: 240,
  measuredRoomSubject: 10,
  siblingRoom: 60,
  subjectElsewhere: 40,
  busyDay: 90,
} as const;

/** A small seeded generator (mulberry32), so every size gets the same fixed bookings. */
const generator = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const body = (what: string, result: unknown, status: number): Record<string, unknown> => {
  const answer = result as HttpResult | null;
  if (answer?.statusCode !== status) {
    throw new Error(`${what} answered ${answer?.statusCode} (expected ${status}): ${answer?.body ?? ''}`);
  }
  return answer.body ? (JSON.parse(answer.body) as Record<string, unknown>) : {};
};

interface Room {
  readonly id: string;
  readonly providerId: string;
  readonly type: string;
}

type Kind = 'hour' | 'quarter' | 'cancelled';

interface Planned extends Minutes {
  readonly room: number;
  readonly userId: string;
  readonly kind: Kind;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A booking the bundle wrote, and its change records, read back through the bundle. */
interface Template {
  readonly booking: Item;
  readonly changes: readonly Item[];
  readonly id: string;
  readonly userId: string;
  readonly roomId: string;
  readonly providerId: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface Templates {
  readonly byKind: Readonly<Record<Kind, Template>>;
  /** What each template booking put into its day of its own. */
  readonly fragments: Readonly<Record<Kind, DayFragment>>;
  /** A day the bundle wrote, whose key the seeded days copy. */
  readonly day: {
    readonly item: Item;
    readonly roomId: string;
    readonly day: string;
    readonly keyAttributes: readonly string[];
  };
}

/** The items the bundle read from the table while serving one request: what it answered from. */
const readItems = (exchanges: readonly Exchange[], operation: 'GetItem' | 'Query'): Item[] =>
  exchanges
    .filter((e) => e.operation === operation)
    .flatMap((e) =>
      operation === 'GetItem'
        ? e.response?.Item
          ? [e.response.Item as Item]
          : []
        : ((e.response?.Items ?? []) as Item[]),
    );

/** Serves requests through one bundle host, returning answers and what it read. */
const client = (host: FunctionHost, target: BenchFunction, aws: AwsEndpoint) => {
  const send = async (what: string, event: unknown, status: number) => {
    const mark = aws.recorded;
    const result = await host.invoke(target.exportName, event);
    if ((result as HttpResult | null)?.statusCode !== status) console.error(host.output());
    return { answer: body(what, result, status), exchanges: aws.exchangesSince(mark) };
  };
  const createRoom = async (caller: Caller, type: string, name: string): Promise<Room> => {
    const { answer } = await send(
      'POST /v1/rooms',
      httpEvent({
        method: 'POST',
        route: '/v1/rooms',
        body: JSON.stringify({ name, type, capacity: 8, pricePerHour: PRICE_PER_HOUR, currency: 'EUR' }),
        caller,
      }),
      201,
    );
    return { id: String(answer.id), providerId: String(answer.providerId), type };
  };
  return { send, createRoom };
};

const bookingEvent = (caller: Caller, roomId: string, interval: Minutes, headers?: Record<string, string>) =>
  httpEvent({
    method: 'POST',
    route: '/v1/bookings',
    body: JSON.stringify({ roomId, startTime: isoOf(interval.start), endTime: isoOf(interval.end) }),
    caller,
    ...(headers ? { headers } : {}),
  });

const at = (today: number, day: number, hour: number, minute = 0) =>
  today + day * DAY_MINUTES + hour * 60 + minute;

/** A booking of a calendar day to put together: its kind (so its template's fragment) and time. */
interface DayBooking extends Minutes {
  readonly kind: Kind;
}

/**
 * A room's calendar days holding `bookings`, put together from copies of the templates' fragments
 * (`bench/lib/booking-layout.ts`), each booking on one day: the day's version counts their writes.
 */
const calendarDays = (
  templates: Pick<Templates, 'byKind' | 'fragments' | 'day'>,
  roomId: string,
  bookings: readonly DayBooking[],
): Item[] => {
  const days = new Map<string, { pieces: Item[]; version: number }>();
  for (const booking of bookings) {
    const template = templates.byKind[booking.kind];
    const length = Date.parse(template.endTime) - Date.parse(template.startTime);
    const [day, ...more] = daysTouched(booking);
    if (!day || more.length > 0 || (booking.end - booking.start) * 60_000 !== length)
      throw new Error(
        `a seeded ${booking.kind} booking (${isoOf(booking.start)} to ${isoOf(booking.end)}) is not one day's and its template's length`,
      );
    const fragment = templates.fragments[booking.kind];
    const entry = days.get(day) ?? { pieces: [], version: 0 };
    entry.pieces.push(relocated(fragment, minuteOfDay(booking.start)));
    entry.version += fragment.writes;
    days.set(day, entry);
  }
  return [...days].map(([day, { pieces, version }]) =>
    calendarDay(templates.day, { roomId, day, version, pieces: mergePieces(pieces) }),
  );
};

/**
 * The templates, made through the bundle on a table of their own: a 1-hour and a 15-minute booking
 * and a cancelled 1-hour one, each alone on a day (what it put there is its fragment) and read back
 * with its change records; then a check day on which the bundle writes the pieces the seeding puts
 * together (whole hours side by side and one cancelled, five quarters in a row, four of them
 * filling an hour, the day's last cell), held against the same day put together from the fragments.
 */
const makeTemplates = async (
  options: {
    aws: AwsEndpoint;
    direct: Client;
    declaration: TableDeclaration;
    start: () => Promise<FunctionHost>;
  },
  target: BenchFunction,
  today: number,
): Promise<Templates> => {
  const tableName = 'bench-bookings-templates';
  await ensureTable(options.direct, options.declaration, tableName);
  const host = await options.start();
  try {
    const api = client(host, target, options.aws);
    const provider: Caller = { userId: randomUUID(), role: 'provider' };
    const user: Caller = { userId: randomUUID(), role: 'user' };
    const room = await api.createRoom(provider, 'meeting', 'Template room');
    const day = 200;
    const intervals: Record<Kind, Minutes> = {
      hour: { start: at(today, day, 10), end: at(today, day, 11) },
      quarter: { start: at(today, day + 1, 12), end: at(today, day + 1, 12, 15) },
      cancelled: { start: at(today, day + 2, 14), end: at(today, day + 2, 15) },
    };
    const checkDay = day + 3;
    const checkBookings: DayBooking[] = [
      { kind: 'hour', start: at(today, checkDay, 8), end: at(today, checkDay, 9) },
      { kind: 'cancelled', start: at(today, checkDay, 9), end: at(today, checkDay, 10) },
      { kind: 'hour', start: at(today, checkDay, 10), end: at(today, checkDay, 11) },
      ...[0, 15, 30, 45, 60].map(
        (minute): DayBooking => ({
          kind: 'quarter',
          start: at(today, checkDay, 12, minute),
          end: at(today, checkDay, 12, minute + 15),
        }),
      ),
      { kind: 'quarter', start: at(today, checkDay, 23, 45), end: at(today, checkDay + 1, 0) },
    ];
    const book = async (interval: Minutes, cancel: boolean) => {
      const { answer } = await api.send(
        'POST /v1/bookings (template)',
        bookingEvent(user, room.id, interval),
        201,
      );
      if (cancel)
        await api.send(
          'POST /v1/bookings/{id}/cancel (template)',
          httpEvent({
            method: 'POST',
            route: '/v1/bookings/{bookingId}/cancel',
            pathParameters: { bookingId: String(answer.id) },
            caller: user,
          }),
          200,
        );
      return String(answer.id);
    };
    const ids = {} as Record<Kind, string>;
    for (const kind of Object.keys(intervals) as Kind[])
      ids[kind] = await book(intervals[kind], kind === 'cancelled');
    for (const booking of checkBookings) await book(booking, booking.kind === 'cancelled');
    const byKind = {} as Record<Kind, Template>;
    for (const kind of Object.keys(intervals) as Kind[]) {
      const onBooking = { pathParameters: { bookingId: ids[kind] }, caller: user } as const;
      const got = await api.send(
        'GET /v1/bookings/{id} (template)',
        httpEvent({ method: 'GET', route: '/v1/bookings/{bookingId}', ...onBooking }),
        200,
      );
      const [booking] = readItems(got.exchanges, 'GetItem');
      const history = await api.send(
        'GET /v1/bookings/{id}/history (template)',
        httpEvent({
          method: 'GET',
          route: '/v1/bookings/{bookingId}/history',
          ...onBooking,
          query: { limit: '100' },
        }),
        200,
      );
      const changes = readItems(history.exchanges, 'Query');
      const expected = kind === 'cancelled' ? 2 : 1;
      if (!booking || changes.length !== expected)
        throw new Error(
          `the bundle read ${booking ? 1 : 0} booking and ${changes.length} change records for the ${kind} template, not 1 and ${expected}`,
        );
      const shown = got.answer;
      byKind[kind] = {
        booking,
        changes,
        id: ids[kind],
        userId: user.userId,
        roomId: room.id,
        providerId: room.providerId,
        startTime: String(shown.startTime),
        endTime: String(shown.endTime),
        createdAt: String(shown.createdAt),
        updatedAt: String(shown.updatedAt),
      };
    }
    const read = await api.send(
      'GET /v1/rooms/{id}/availability (template)',
      httpEvent({
        method: 'GET',
        route: '/v1/rooms/{roomId}/availability',
        pathParameters: { roomId: room.id },
        query: { from: isoOf(at(today, day, 0)), to: isoOf(at(today, checkDay + 1, 0)) },
        caller: user,
      }),
      200,
    );
    const keyAttributes = [
      options.declaration.partitionKey,
      ...(options.declaration.sortKey ? [options.declaration.sortKey] : []),
    ];
    const days = readItems(read.exchanges, 'Query');
    /** The day the bundle wrote for `name` (its key names the room and the day). */
    const written = (name: string) => {
      const found = days.filter((item) => {
        const key = JSON.stringify(keyAttributes.map((attribute) => item[attribute]));
        return key.includes(room.id) && key.includes(name);
      });
      if (found.length !== 1 || !found[0])
        throw new Error(`the bundle read ${found.length} calendar days of the template room keyed ${name}`);
      return found[0];
    };
    const fragments = Object.fromEntries(
      (Object.keys(intervals) as Kind[]).map((kind) => [
        kind,
        fragmentOf(written(dayOf(intervals[kind].start)), { keyAttributes, start: intervals[kind].start }),
      ]),
    ) as Record<Kind, DayFragment>;
    const keyDay = dayOf(intervals.hour.start);
    const built = {
      byKind,
      fragments,
      day: { item: written(keyDay), roomId: room.id, day: keyDay, keyAttributes },
    };
    const [checked, ...others] = calendarDays(built, room.id, checkBookings);
    if (!checked || others.length > 0) throw new Error('the check bookings are not of one day');
    checkCalendarDay(written(dayOf(at(today, checkDay, 0))), checked);
    return built;
  } finally {
    await host.stop();
    await options.direct.send(new DeleteTableCommand({ TableName: tableName }));
  }
};

/**
 * The bookings of a table of `size`: the fixed ones first (the same at every size, from a seeded
 * generator), then the others in other providers' rooms, each in a free slot of its room.
 */
const planBookings = (size: number, today: number, subject: string) => {
  const fixedRandom = generator(20261203);
  const restRandom = generator(size);
  const taken = new Set<string>();
  const others = Array.from({ length: OTHER_USERS }, () => randomUUID());
  const planned: Planned[] = [];
  const allowedDays = (room: number) =>
    Array.from({ length: LAST_DAY - FIRST_DAY }, (_, i) => FIRST_DAY + i).filter(
      (d) =>
        !QUIET_DAYS.has(d) &&
        (room !== 0 ||
          (!Object.values(DAYS).includes(d as never) &&
            !(d >= MEASURED_ROOM_FREE.from && d <= MEASURED_ROOM_FREE.to))),
    );
  const measuredRoomDays = allowedDays(0);
  const otherDays = allowedDays(1);
  const add = (
    room: number,
    start: number,
    end: number,
    userId: string,
    kind: Kind,
    random: () => number,
  ) => {
    const leadDays = 1 + Math.floor(random() * 30);
    const nowMinute = Math.floor(Date.now() / 60_000);
    const createdAt = Math.min(start - leadDays * DAY_MINUTES, nowMinute - 120);
    const updatedAt = kind === 'cancelled' ? Math.min(createdAt + 60, start - 1) : createdAt;
    planned.push({ room, start, end, userId, kind, createdAt, updatedAt });
  };
  /** Takes a free hour slot of `room` on one of its days: any, or only before or after today. */
  const place = (
    room: number,
    userId: string,
    random: () => number,
    when: 'past' | 'upcoming' | 'any' = 'any',
  ) => {
    const choices = (room === 0 ? measuredRoomDays : otherDays).filter((d) =>
      when === 'any' ? true : when === 'past' ? d < 0 : d > 0,
    );
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const day = choices[Math.floor(random() * choices.length)] as number;
      const hour = SLOTS[Math.floor(random() * SLOTS.length)] as number;
      const slot = `${room}:${day}:${hour}`;
      if (taken.has(slot)) continue;
      taken.add(slot);
      const start = at(today, day, hour);
      add(room, start, start + 60, userId, random() < CANCELLED_SHARE ? 'cancelled' : 'hour', random);
      return;
    }
    throw new Error(`no free slot left in room ${room}`);
  };
  const fixed = (room: number, day: number, hour: number, userId: string, kind: Kind = 'hour') => {
    taken.add(`${room}:${day}:${hour}`);
    const start = at(today, day, hour);
    add(room, start, start + 60, userId, kind, fixedRandom);
  };
  const other = (random: () => number) => others[Math.floor(random() * others.length)] as string;

  // The measured room: its two measured days, the nearly full day, then the rest over its days.
  for (const hour of [8, 12, 14, 16]) fixed(0, DAYS.measured, hour, other(fixedRandom));
  for (const hour of [9, 15]) fixed(0, DAYS.next, hour, other(fixedRandom));
  for (let q = 0; q < FIXED.busyDay; q++) {
    const start = at(today, DAYS.busy, 0, q * 15);
    add(0, start, start + 15, other(fixedRandom), 'quarter', fixedRandom);
  }
  const subjectInRoom = FIXED.measuredRoomSubject;
  for (let i = 0; i < FIXED.measuredRoom - 6; i++) {
    const subjectOne = i < subjectInRoom;
    place(
      0,
      subjectOne ? subject : other(fixedRandom),
      fixedRandom,
      subjectOne ? (i < 4 ? 'past' : 'upcoming') : 'any',
    );
  }
  for (let i = 0; i < FIXED.siblingRoom; i++) place(1, other(fixedRandom), fixedRandom);
  const roomsElsewhere = ROOM_TYPES.reduce((sum, [, n]) => sum + n, 0);
  for (let i = 0; i < FIXED.subjectElsewhere; i++) {
    const room = 2 + Math.floor(fixedRandom() * (roomsElsewhere - 2));
    place(room, subject, fixedRandom, i < 16 ? 'past' : 'upcoming');
  }
  const fixedCount = planned.length;
  if (size < fixedCount)
    throw new Error(`a table of ${size} bookings cannot hold the ${fixedCount} fixed ones`);
  while (planned.length < size) {
    const room = 2 + Math.floor(restRandom() * (roomsElsewhere - 2));
    place(room, other(restRandom), restRandom);
  }
  return { planned, fixedCount, users: OTHER_USERS + 1 };
};

/** The items of the planned bookings: copies of the templates, and their calendar days put together from copies. */
const seedItems = (planned: readonly Planned[], rooms: readonly Room[], templates: Templates): Item[] => {
  const items: Item[] = [];
  const byRoom = new Map<string, DayBooking[]>();
  for (const booking of planned) {
    const room = rooms[booking.room] as Room;
    const template = templates.byKind[booking.kind];
    const swaps = new Map([
      [template.id, randomUUID()],
      [template.userId, booking.userId],
      [template.roomId, room.id],
      [template.providerId, room.providerId],
      [template.startTime, isoOf(booking.start)],
      [template.endTime, isoOf(booking.end)],
      [template.createdAt, isoOf(booking.createdAt)],
      [template.updatedAt, isoOf(booking.updatedAt)],
    ]);
    items.push(copyWithSwaps(template.booking, swaps));
    for (const change of template.changes) items.push(copyWithSwaps(change, swaps));
    const ofRoom = byRoom.get(room.id) ?? [];
    ofRoom.push({ kind: booking.kind, start: booking.start, end: booking.end });
    byRoom.set(room.id, ofRoom);
  }
  for (const [roomId, bookings] of byRoom) items.push(...calendarDays(templates, roomId, bookings));
  return items;
};

const writeItems = (direct: Client, tableName: string, items: readonly Item[]) =>
  putAll(direct, tableName, items.map(toSdkItem), SEED_CONCURRENCY);

/**
 * Measures every bookings operation at every size, on a DynamoDB Local started for the run.
 *
 * @example
 * const capacity = await measureBookingCapacity({ sizes: [1000, 50000], log: console.log });
 */
const measureBookingCapacity = async (options: {
  readonly sizes: readonly number[];
  readonly dist?: string;
  readonly log?: (line: string) => void;
}): Promise<BookingCapacityResults> => {
  const log = options.log ?? (() => undefined);
  const manifests = loadManifests();
  const target = benchFunctions(manifests).find((f) => f.bundle === 'bookings' && f.fn.http === 'operations');
  const declaration = target?.manifest.tableDeclaration;
  if (!target || !declaration)
    throw new Error('the manifests declare no bookings HTTP function with a table');
  const dist = options.dist ?? join(repoRoot, 'dist');
  const dynamodb = await startDynamoDbLocal({ port: await freePort() });
  const aws = await startAwsEndpoint({
    parameters: await generateSecrets(manifests),
    dynamodb: { kind: 'forward', to: dynamodb.endpoint, capacity: 'INDEXES' },
    keepExchanges: 5_000,
  });
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-bookings-'));
  const direct = localClient(dynamodb.endpoint);
  const readItem = directReader(direct);
  const start = (tableName: string) => () =>
    startFunctionHost(
      bundleEntry(dist, target),
      functionEnvironment(target, { endpoint: aws.endpoint, home, tableName: () => tableName }),
    );
  const today = Math.floor(Date.now() / 86_400_000) * DAY_MINUTES;
  const measurements: BookingCapacityMeasurement[] = [];
  const seeds: BookingSeed[] = [];
  try {
    const localTransactions = await probeLocalTransactions(direct, declaration);
    const templates = await makeTemplates(
      { aws, direct, declaration, start: start('bench-bookings-templates') },
      target,
      today,
    );
    for (const size of options.sizes) {
      const tableName = `bench-bookings-${size}`;
      await ensureTable(direct, declaration, tableName);
      const host = await start(tableName)();
      try {
        const api = client(host, target, aws);
        const subject: Caller = { userId: randomUUID(), role: 'user' };
        const admin: Caller = { userId: randomUUID(), role: 'admin' };
        const providers: Caller[] = Array.from({ length: PROVIDERS }, () => ({
          userId: randomUUID(),
          role: 'provider' as const,
        }));
        const provider = providers[0] as Caller;
        // Rooms through the bundle: the measured meeting room and its sibling first (the measured
        // provider's), then the rest of each type, round the other providers.
        const seeding = performance.now();
        const rooms: Room[] = [
          await api.createRoom(provider, 'meeting', 'Measured room'),
          await api.createRoom(provider, 'single', 'Sibling room'),
        ];
        let n = 0;
        for (const [type, count] of ROOM_TYPES) {
          for (let i = type === 'meeting' || type === 'single' ? 1 : 0; i < count; i++) {
            rooms.push(
              await api.createRoom(providers[1 + (n++ % (PROVIDERS - 1))] as Caller, type, `${type} ${i}`),
            );
          }
        }
        const measuredRoom = rooms[0] as Room;
        const plan = planBookings(size, today, subject.userId);
        const items = seedItems(plan.planned, rooms, templates);
        await writeItems(direct, tableName, items);
        const seedMs = Math.round(performance.now() - seeding);
        seeds.push({
          size,
          items: items.length,
          rooms: rooms.length,
          users: plan.users,
          fixedBookings: plan.fixedCount,
          cancelled: plan.planned.filter((b) => b.kind === 'cancelled').length,
          seedMs,
        });
        log(
          `  bookings capacity: ${size.toLocaleString('en')} bookings (${items.length.toLocaleString('en')} items, ${rooms.length} rooms) seeded in ${(seedMs / 1000).toFixed(1)} s`,
        );

        // The bundle reads the seeded data back: a booking of the subject, and the measured day.
        const seeded = plan.planned.find(
          (b) => b.userId === subject.userId && b.room === 0 && b.kind === 'hour',
        );
        const listed = await api.send(
          'GET /v1/bookings (seed check)',
          httpEvent({ method: 'GET', route: '/v1/bookings', query: { limit: '100' }, caller: subject }),
          200,
        );
        const upcoming = (listed.answer.items ?? []) as Array<Record<string, unknown>>;
        if (
          seeded &&
          seeded.start > Date.now() / 60_000 &&
          !upcoming.some((b) => b.startTime === isoOf(seeded.start))
        )
          throw new Error('the bundle does not list a seeded booking of the measured user');
        /** The measured room's busy intervals on one day, as the bundle reads them. */
        const busyOn = async (day: number) =>
          ((
            await api.send(
              'GET /v1/rooms/{id}/availability (seed check)',
              httpEvent({
                method: 'GET',
                route: '/v1/rooms/{roomId}/availability',
                pathParameters: { roomId: measuredRoom.id },
                query: { from: isoOf(at(today, day, 0)), to: isoOf(at(today, day + 1, 0)) },
                caller: subject,
              }),
              200,
            )
          ).answer.busy ?? []) as Array<Record<string, unknown>>;
        const busy = await busyOn(DAYS.measured);
        if (busy.length !== 4)
          throw new Error(
            `the bundle reads ${busy.length} busy intervals on the measured day, not the 4 seeded`,
          );
        const filled = (await busyOn(DAYS.busy)).map((b) => `${b.startTime} to ${b.endTime}`).join(', ');
        const seededBusy = `${isoOf(at(today, DAYS.busy, 0))} to ${isoOf(at(today, DAYS.busy, 22, 30))}`;
        if (filled !== seededBusy)
          throw new Error(`the bundle reads ${filled} busy on the nearly full day, not ${seededBusy}`);

        /** Serves one request and records the units of every DynamoDB call it made. */
        const measure = async (operation: string, event: unknown, status: number) => {
          aws.resetUnits();
          const { answer, exchanges } = await api.send(operation, event, status);
          const calls = exchanges.filter((e) => DYNAMODB_DATA_CALLS.has(e.operation));
          const { table, indexes } = aws.consumed;
          const answered = Array.isArray(answer.items)
            ? answer.items.length
            : Array.isArray(answer.busy)
              ? answer.busy.length
              : 1;
          measurements.push({
            operation,
            size,
            table: { ...table },
            indexes: Object.fromEntries(Object.entries(indexes).map(([name, u]) => [name, { ...u }])),
            awsWrites: await estimateWrites(calls, declaration, readItem),
            calls: calls.length,
            itemsRead: calls.reduce(
              (sum, e) =>
                sum +
                (e.operation === 'GetItem'
                  ? e.response?.Item
                    ? 1
                    : 0
                  : e.operation === 'Query'
                    ? Number(e.response?.ScannedCount ?? 0)
                    : 0),
              0,
            ),
            items: answered,
          });
          return answer;
        };
        const roomId = measuredRoom.id;
        const create = (label: string, interval: Minutes, headers?: Record<string, string>) =>
          measure(`POST /v1/bookings, ${label}`, bookingEvent(subject, roomId, interval, headers), 201);

        const hour = await create('1 hour', {
          start: at(today, DAYS.measured, 10),
          end: at(today, DAYS.measured, 11),
        });
        const keyed = { start: at(today, DAYS.measured, 18), end: at(today, DAYS.measured, 19) };
        const key = { 'idempotency-key': `bench-${randomUUID()}` };
        await create('1 hour, with Idempotency-Key', keyed, key);
        await create('the same Idempotency-Key and body again (replayed)', keyed, key);
        await create('1 hour, on a day already holding 90 bookings', {
          start: at(today, DAYS.busy, 22, 45),
          end: at(today, DAYS.busy, 23, 45),
        });
        await create('1 day (00:00 to 00:00, one calendar day)', {
          start: at(today, DAYS.oneDay, 0),
          end: at(today, DAYS.oneDay + 1, 0),
        });
        await create('30 days (12:00 to 12:00, 31 calendar days)', {
          start: at(today, DAYS.thirtyDays, 12),
          end: at(today, DAYS.thirtyDays + 30, 12),
        });
        const onBooking = {
          route: '/v1/bookings/{bookingId}',
          pathParameters: { bookingId: String(hour.id) },
          caller: subject,
        } as const;
        await measure('GET /v1/bookings/{id}', httpEvent({ method: 'GET', ...onBooking }), 200);
        const reschedule = (label: string, interval: Minutes) =>
          measure(
            `PATCH /v1/bookings/{id}, reschedule ${label}`,
            httpEvent({
              method: 'PATCH',
              ...onBooking,
              body: JSON.stringify({ startTime: isoOf(interval.start), endTime: isoOf(interval.end) }),
            }),
            200,
          );
        await reschedule('within its day', {
          start: at(today, DAYS.measured, 20),
          end: at(today, DAYS.measured, 21),
        });
        await reschedule('to another day', {
          start: at(today, DAYS.next, 10),
          end: at(today, DAYS.next, 11),
        });
        await measure(
          'POST /v1/bookings/{id}/cancel',
          httpEvent({ method: 'POST', ...onBooking, route: '/v1/bookings/{bookingId}/cancel' }),
          200,
        );

        const list = (label: string, caller: Caller, query: Record<string, string> = {}) =>
          measure(
            `GET /v1/bookings ${label}`,
            httpEvent({
              method: 'GET',
              route: '/v1/bookings',
              query: { limit: String(PAGE), ...query },
              caller,
            }),
            200,
          );
        await list('as a user (upcoming: by-user)', subject);
        await list('?type=past as a user', subject, { type: 'past' });
        await list('?roomId= as a user (upcoming, one room)', subject, { roomId });
        await list('as a provider (upcoming: by-provider)', provider);
        await list('?type=past as a provider', provider, { type: 'past' });
        await list('as an admin (upcoming, all: by-kind)', admin);
        await list('?type=past as an admin (all)', admin, { type: 'past' });
        await list("?roomId= as an admin (upcoming, one room: its provider's)", admin, { roomId });
        await measure(
          'GET /v1/rooms?type=&availableFrom=&availableTo= (free-room search, 2 hours)',
          httpEvent({
            method: 'GET',
            route: '/v1/rooms',
            query: {
              type: 'meeting',
              availableFrom: isoOf(at(today, DAYS.search, 10)),
              availableTo: isoOf(at(today, DAYS.search, 12)),
              limit: String(PAGE),
            },
            caller: subject,
          }),
          200,
        );
        for (const days of [7, 31]) {
          await measure(
            `GET /v1/rooms/{id}/availability (${days} days)`,
            httpEvent({
              method: 'GET',
              route: '/v1/rooms/{roomId}/availability',
              pathParameters: { roomId },
              query: {
                from: isoOf(at(today, DAYS.measured, 0)),
                to: isoOf(at(today, DAYS.measured + days, 0)),
              },
              caller: subject,
            }),
            200,
          );
        }
      } finally {
        await host.stop();
      }
      await direct.send(new DeleteTableCommand({ TableName: tableName }));
    }
    return { sizes: options.sizes, page: PAGE, measurements, seeds, localTransactions };
  } finally {
    direct.destroy();
    await aws.stop();
    await dynamodb.stop();
    rmSync(home, { recursive: true, force: true });
  }
};

export { measureBookingCapacity };
