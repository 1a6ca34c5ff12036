/**
 * Rooms and bookings end to end, through the contract-checked client: who may offer, change and
 * withdraw a room; rooms by type and free for an interval; a room's busy times; bookings, their
 * time rules, price, overlaps, Idempotency-Key, lists, changes, cancellation and audit trail.
 *
 * Every test works on rooms of its own (and a type of its own where it lists by type), a few days
 * ahead at whole hours, so the files of the suite can run side by side.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../packages/client/src/index.ts';
import {
  at,
  type Booking,
  book,
  booked,
  call,
  createRoom,
  listAll,
  PENDING_TOKEN,
  type Problem,
  plus,
  type Room,
  uniqueType,
} from '../support/bookings.ts';
import { type Account, adminAccount, eventually422, newAccount, newProvider } from '../support/e2e.ts';
import { pollUntil } from '../support/poll.ts';

const json = async <T = Problem>(response: Response): Promise<T> => (await response.json()) as T;

let admin: string;
let adminId: string;
let provider: Account;
let otherProvider: Account;
let user: Account;
let otherUser: Account;

beforeAll(async () => {
  const signedIn = await adminAccount();
  admin = signedIn.accessToken;
  const { data: me } = await signedIn.api.GET('/v1/users/me');
  if (!me) throw new Error('the admin has no profile');
  adminId = me.id;
  [provider, otherProvider, user, otherUser] = await Promise.all([
    newProvider('room-provider'),
    newProvider('other-room-provider'),
    newAccount('booker'),
    newAccount('other-booker'),
  ]);
});

/** A room of `provider`'s own at 1000 an hour of EUR (unless told). */
const room = (input: Parameters<typeof createRoom>[1] = {}) => createRoom(provider, input);

/** The interval of `day` (days from today) from `from` to `to` o'clock. */
const hours = (day: number, from: number, to: number) => ({ startTime: at(day, from), endTime: at(day, to) });

const availability = async (roomId: string, from: string, to: string) => {
  const response = await call(
    user,
    'GET',
    `/v1/rooms/${roomId}/availability?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
  expect(response.status).toBe(200);
  return json<Schemas['Availability']>(response);
};

describe('POST /v1/rooms', () => {
  it('a provider creates a room they own, with its Location and ETag', async () => {
    const type = uniqueType();
    const response = await call(provider, 'POST', '/v1/rooms', {
      name: 'Blue room',
      type,
      capacity: 6,
      pricePerHour: 2500,
      currency: 'EUR',
      description: 'Window on the park.',
    });
    const created = await json<Room>(response);

    expect(response.status).toBe(201);
    expect(created).toMatchObject({
      name: 'Blue room',
      type,
      capacity: 6,
      pricePerHour: 2500,
      currency: 'EUR',
      description: 'Window on the park.',
      providerId: provider.user.id,
      version: 1,
    });
    expect(response.headers.get('location')).toBe(`/v1/rooms/${created.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    const read = await call(user, 'GET', `/v1/rooms/${created.id}`);
    expect(read.status).toBe(200);
    expect(await json<Room>(read)).toEqual(created);
  });

  it('an admin creates a room for a provider, who then owns it', async () => {
    const response = await eventually422(() =>
      call(admin, 'POST', '/v1/rooms', {
        name: 'Made by the admin',
        type: uniqueType(),
        capacity: 2,
        pricePerHour: 900,
        currency: 'EUR',
        providerId: otherProvider.user.id,
      }),
    );
    const created = await json<Room>(response);

    expect(response.status).toBe(201);
    expect(created.providerId).toBe(otherProvider.user.id);
    const renamed = await call(otherProvider, 'PATCH', `/v1/rooms/${created.id}`, { name: 'Theirs now' });
    expect(renamed.status).toBe(200);
    expect(await json<Room>(renamed)).toMatchObject({ name: 'Theirs now', version: 2 });
  });

  it('an admin naming a plain user as the provider gets 422, and no room is made', async () => {
    const type = uniqueType();
    const attempt = () =>
      call(admin, 'POST', '/v1/rooms', {
        name: 'For a user',
        type,
        capacity: 2,
        pricePerHour: 900,
        currency: 'EUR',
        providerId: user.user.id,
      });
    // The user registered a moment ago; the service hears of them by event.
    const { response, problem } = await pollUntil(
      async () => {
        const answer = await attempt();
        return { response: answer, problem: await json(answer) };
      },
      ({ problem }) => !String(problem.detail).includes('not a user this service knows'),
    );

    expect(response.status).toBe(422);
    expect(problem).toMatchObject({
      type: 'urn:tessera:problem:provider-not-eligible',
      detail: "A room's provider must be a provider or an admin, not a user.",
    });
    const list = await json<Schemas['RoomList']>(await call(admin, 'GET', `/v1/rooms?type=${type}`));
    expect(list.items).toEqual([]);
  });

  it('a user may not create a room (403), nor a provider one for someone else (403)', async () => {
    const body = { name: 'Nope', type: uniqueType(), capacity: 1, pricePerHour: 100, currency: 'EUR' };

    const byUser = await call(user, 'POST', '/v1/rooms', body);
    const forOther = await call(provider, 'POST', '/v1/rooms', {
      ...body,
      providerId: otherProvider.user.id,
    });

    expect(byUser.status).toBe(403);
    expect(forOther.status).toBe(403);
    const list = await json<Schemas['RoomList']>(await call(admin, 'GET', `/v1/rooms?type=${body.type}`));
    expect(list.items).toEqual([]);
  });

  it('answers 400 naming the field for an unknown currency and for a bad body', async () => {
    const currency = await call(provider, 'POST', '/v1/rooms', {
      name: 'Odd money',
      type: uniqueType(),
      capacity: 1,
      pricePerHour: 100,
      currency: 'XYZ',
    });
    const broken = await call(provider, 'POST', '/v1/rooms', {
      name: '   ',
      type: 'Not A Slug',
      capacity: 0,
      pricePerHour: 100,
      currency: 'EUR',
    });

    expect(currency.status).toBe(400);
    expect((await json(currency)).errors).toEqual([expect.objectContaining({ field: 'currency' })]);
    expect(broken.status).toBe(400);
    expect(((await json(broken)).errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'capacity',
      'name',
      'type',
    ]);
  });
});

describe('PATCH and DELETE /v1/rooms/{roomId}', () => {
  it.each(['PATCH', 'DELETE'])(
    '%s by another provider or a user answers 404, and changes nothing',
    async (method) => {
      const mine = await room();
      const body = method === 'PATCH' ? { name: 'Hijacked' } : undefined;

      const byProvider = await call(otherProvider, method, `/v1/rooms/${mine.id}`, body);
      const byUser = await call(user, method, `/v1/rooms/${mine.id}`, body);

      expect([byProvider.status, byUser.status]).toEqual([404, 404]);
      expect(await json(byUser)).toMatchObject({ type: 'urn:tessera:problem:room-not-found' });
      expect(await json<Room>(await call(user, 'GET', `/v1/rooms/${mine.id}`))).toEqual(mine);
    },
  );

  it('the owner and an admin change a room; If-Match: 412 when stale, 200 when current', async () => {
    const mine = await room();

    const stale = await call(
      provider,
      'PATCH',
      `/v1/rooms/${mine.id}`,
      { name: 'Stale' },
      { 'if-match': '"7"' },
    );
    const fresh = await call(
      provider,
      'PATCH',
      `/v1/rooms/${mine.id}`,
      { name: 'Fresh' },
      { 'if-match': '"1"' },
    );
    const byAdmin = await call(
      admin,
      'PATCH',
      `/v1/rooms/${mine.id}`,
      { capacity: 9 },
      { 'if-match': '"2"' },
    );
    const replayed = await call(
      provider,
      'PATCH',
      `/v1/rooms/${mine.id}`,
      { name: 'Late' },
      { 'if-match': '"2"' },
    );

    expect(stale.status).toBe(412);
    expect(await json(stale)).toMatchObject({ type: 'urn:tessera:problem:stale-version' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"2"');
    expect(byAdmin.status).toBe(200);
    expect(await json<Room>(byAdmin)).toMatchObject({ name: 'Fresh', capacity: 9, version: 3 });
    expect(replayed.status).toBe(412);
    const staleDelete = await call(provider, 'DELETE', `/v1/rooms/${mine.id}`, undefined, {
      'if-match': '"1"',
    });
    expect(staleDelete.status).toBe(412);
    expect((await call(user, 'GET', `/v1/rooms/${mine.id}`)).status).toBe(200);
  });

  it('a new type moves the room from one type’s list to the other’s', async () => {
    const [from, to] = [uniqueType('from'), uniqueType('to')];
    const mine = await room({ type: from });
    const listed = async (type: string) =>
      (await json<Schemas['RoomList']>(await call(user, 'GET', `/v1/rooms?type=${type}`))).items.map(
        (r) => r.id,
      );

    const response = await call(provider, 'PATCH', `/v1/rooms/${mine.id}`, { type: to });

    expect(response.status).toBe(200);
    expect(await listed(from)).toEqual([]);
    expect(await listed(to)).toEqual([mine.id]);
  });

  it('a price change applies to new bookings and reschedules only; existing bookings keep their amount', async () => {
    const mine = await room({ pricePerHour: 1000 });
    const before = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });

    const repriced = await call(provider, 'PATCH', `/v1/rooms/${mine.id}`, {
      pricePerHour: 3000,
      currency: 'USD',
    });
    const after = await booked(otherUser, { roomId: mine.id, ...hours(3, 12, 13) });
    const kept = await json<Booking>(await call(user, 'GET', `/v1/bookings/${before.id}`));
    const moved = await call(user, 'PATCH', `/v1/bookings/${before.id}`, hours(3, 14, 15));

    expect(repriced.status).toBe(200);
    expect(before).toMatchObject({ amount: 1000, currency: 'EUR' });
    expect(kept).toMatchObject({ amount: 1000, currency: 'EUR', version: 1 });
    expect(after).toMatchObject({ amount: 3000, currency: 'USD' });
    expect(moved.status).toBe(200);
    expect(await json<Booking>(moved)).toMatchObject({ amount: 3000, currency: 'USD' });
  });

  it('a room with a live booking cannot be deleted (409); once it is cancelled, it can (204)', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(4, 9, 10) });

    const refused = await call(provider, 'DELETE', `/v1/rooms/${mine.id}`);
    const stillThere = await call(user, 'GET', `/v1/rooms/${mine.id}`);
    const stillBookable = await book(otherUser, { roomId: mine.id, ...hours(4, 11, 12) });
    const cancelled = await call(
      otherUser,
      'POST',
      `/v1/bookings/${(await json<Booking>(stillBookable)).id}/cancel`,
    );
    const cancelledToo = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);
    const deleted = await call(provider, 'DELETE', `/v1/rooms/${mine.id}`);

    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ type: 'urn:tessera:problem:room-has-bookings' });
    expect(stillThere.status).toBe(200);
    expect(stillBookable.status).toBe(201);
    expect([cancelled.status, cancelledToo.status]).toEqual([200, 200]);
    expect(deleted.status).toBe(204);
    expect((await call(user, 'GET', `/v1/rooms/${mine.id}`)).status).toBe(404);
    const late = await book(user, { roomId: mine.id, ...hours(4, 14, 15) });
    expect(late.status).toBe(422);
    expect(await json(late)).toMatchObject({ type: 'urn:tessera:problem:unknown-room' });
  });

  it('an admin deletes an empty room of any provider', async () => {
    const mine = await room();

    expect((await call(admin, 'DELETE', `/v1/rooms/${mine.id}`)).status).toBe(204);
    expect((await call(provider, 'GET', `/v1/rooms/${mine.id}`)).status).toBe(404);
    expect((await call(provider, 'DELETE', `/v1/rooms/${mine.id}`)).status).toBe(404);
  });
});

describe('GET /v1/rooms', () => {
  it('pages through the rooms of a type, oldest first, with no duplicate and no gap', async () => {
    const type = uniqueType('paged');
    const created: Room[] = [];
    for (let i = 0; i < 7; i++) created.push(await room({ type, name: `Paged ${i}` }));

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const response = await call(
        user,
        'GET',
        `/v1/rooms?type=${type}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.status).toBe(200);
      const page = await json<Schemas['RoomList']>(response);
      expect(page.items.every((r) => r.type === type)).toBe(true);
      pages.push(page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const seen = pages.flat();
    const oldestFirst = [...created]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((r) => r.id);
    expect(seen).toEqual(oldestFirst);
  });

  it('with availableFrom and availableTo lists only the rooms free for the whole interval, still paged', async () => {
    const type = uniqueType('free');
    const [early, late, idle] = [
      await room({ type, name: 'Booked 10-11' }),
      await room({ type, name: 'Booked 12-13' }),
      await room({ type, name: 'Never booked' }),
    ] as [Room, Room, Room];
    const earlyBooking = await booked(user, { roomId: early.id, ...hours(5, 10, 11) });
    await booked(user, { roomId: late.id, ...hours(5, 12, 13) });
    const free = async (from: string, to: string, limit = 100) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let requests = 0;
      do {
        const query = new URLSearchParams({
          type,
          availableFrom: from,
          availableTo: to,
          limit: String(limit),
        });
        if (cursor) query.set('cursor', cursor);
        const response = await call(user, 'GET', `/v1/rooms?${query}`);
        expect(response.status).toBe(200);
        const page = await json<Schemas['RoomList']>(response);
        ids.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor && ++requests < 20);
      return ids;
    };

    expect(await free(at(5, 10, 30), at(5, 11, 30))).toEqual([late.id, idle.id]);
    expect(await free(at(5, 11), at(5, 12))).toEqual([early.id, late.id, idle.id]);
    expect(await free(at(5, 9), at(5, 13))).toEqual([idle.id]);
    expect(await free(at(5, 9), at(5, 13), 1)).toEqual([idle.id]);
    expect(await free(at(5, 11), at(5, 12), 1)).toEqual([early.id, late.id, idle.id]);
    expect(await free(at(4, 0), at(8, 0), 2)).toEqual([idle.id]);

    await call(user, 'POST', `/v1/bookings/${earlyBooking.id}/cancel`);
    expect(await free(at(5, 10, 30), at(5, 11, 30))).toEqual([early.id, late.id, idle.id]);
  });

  it('answers 400 for a window with one end only, ending before it starts, or longer than 31 days', async () => {
    const type = uniqueType();
    const query = (params: Record<string, string>) =>
      call(user, 'GET', `/v1/rooms?${new URLSearchParams({ type, ...params })}`);

    const oneEnd = await query({ availableFrom: at(3, 10) });
    const backwards = await query({ availableFrom: at(3, 10), availableTo: at(3, 9) });
    const empty = await query({ availableFrom: at(3, 10), availableTo: at(3, 10) });
    const tooLong = await query({ availableFrom: at(3, 0), availableTo: at(34, 1) });
    const longest = await query({ availableFrom: at(3, 0), availableTo: at(34, 0) });

    expect(oneEnd.status).toBe(400);
    expect((await json(oneEnd)).errors).toEqual([expect.objectContaining({ field: 'availableTo' })]);
    for (const response of [backwards, empty, tooLong]) {
      expect(response.status).toBe(400);
      expect((await json(response)).errors).toEqual([
        expect.objectContaining({ location: 'query', field: 'availableTo' }),
      ]);
    }
    expect(longest.status).toBe(200);
  });
});

describe('GET /v1/rooms/{roomId}/availability', () => {
  it('answers the busy times in the window, merged and clipped, and nothing about who booked', async () => {
    const mine = await room();
    await booked(user, { roomId: mine.id, ...hours(6, 10, 11) });
    await booked(otherUser, { roomId: mine.id, ...hours(6, 11, 12) });
    await booked(user, { roomId: mine.id, ...hours(6, 14, 15) });
    await booked(otherUser, { roomId: mine.id, startTime: at(6, 23), endTime: at(7, 1) });
    await booked(user, { roomId: mine.id, ...hours(8, 10, 11) });

    const response = await call(
      user,
      'GET',
      `/v1/rooms/${mine.id}/availability?from=${at(6, 10, 30)}&to=${at(7, 0, 30)}`,
    );
    const text = await response.clone().text();
    const answer = await json<Schemas['Availability']>(response);

    expect(response.status).toBe(200);
    expect(answer).toEqual({
      roomId: mine.id,
      from: at(6, 10, 30),
      to: at(7, 0, 30),
      busy: [
        { startTime: at(6, 10, 30), endTime: at(6, 12) },
        { startTime: at(6, 14), endTime: at(6, 15) },
        { startTime: at(6, 23), endTime: at(7, 0, 30) },
      ],
    });
    for (const who of [user.user.id, otherUser.user.id, 'userId', 'bookingId', 'title']) {
      expect(text).not.toContain(who);
    }
    expect((await availability(mine.id, at(9, 0), at(10, 0))).busy).toEqual([]);
  });

  it('answers 400 for to at or before from, or more than 31 days after it; 404 for no room', async () => {
    const mine = await room();
    const window = (roomId: string, from: string, to: string) =>
      call(user, 'GET', `/v1/rooms/${roomId}/availability?from=${from}&to=${to}`);

    const backwards = await window(mine.id, at(3, 10), at(3, 9));
    const empty = await window(mine.id, at(3, 10), at(3, 10));
    const tooLong = await window(mine.id, at(3, 0), at(34, 0, 1));
    const longest = await window(mine.id, at(3, 0), at(34, 0));
    const missing = await call(user, 'GET', `/v1/rooms/${mine.id}/availability?from=${at(3, 0)}`);
    const noRoom = await window(randomUUID(), at(3, 0), at(4, 0));

    for (const response of [backwards, empty, tooLong]) {
      expect(response.status).toBe(400);
      expect((await json(response)).errors).toEqual([
        expect.objectContaining({ location: 'query', field: 'to' }),
      ]);
    }
    expect(longest.status).toBe(200);
    expect(missing.status).toBe(400);
    expect(noRoom.status).toBe(404);
  });
});

describe('POST /v1/bookings', () => {
  it('books PENDING_PAYMENT at ceil(minutes * pricePerHour / 60) in the room’s currency, for the caller', async () => {
    const mine = await room({ pricePerHour: 1000, currency: 'JPY' });
    const startTime = at(3, 10);
    const endTime = plus(startTime, 67);

    const response = await book(user, { roomId: mine.id, startTime, endTime, title: 'Stand-up' });
    const booking = await json<Booking>(response);

    expect(response.status).toBe(201);
    expect(booking).toMatchObject({
      roomId: mine.id,
      userId: user.user.id,
      providerId: provider.user.id,
      title: 'Stand-up',
      startTime,
      endTime,
      status: 'PENDING_PAYMENT',
      amount: 1117,
      currency: 'JPY',
      version: 1,
    });
    expect(response.headers.get('location')).toBe(`/v1/bookings/${booking.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(await json<Booking>(await call(user, 'GET', `/v1/bookings/${booking.id}`))).toEqual(booking);
  });

  it('prices the shortest and the longest bookings (15 minutes, 30 days), rounding up', async () => {
    const mine = await room({ pricePerHour: 333 });

    const shortest = await booked(user, { roomId: mine.id, startTime: at(3, 10), endTime: at(3, 10, 15) });
    const longest = await booked(user, { roomId: mine.id, startTime: at(4, 0), endTime: at(34, 0) });

    expect(shortest.amount).toBe(84); // 15 * 333 / 60 = 83.25
    expect(longest.amount).toBe(30 * 24 * 333);
  });

  const rules: [string, () => { startTime: string; endTime: string }, 'startTime' | 'endTime'][] = [
    [
      'a start not in UTC',
      () => ({ startTime: at(3, 10).replace('.000Z', '+01:00'), endTime: at(3, 11) }),
      'startTime',
    ],
    [
      'an end not in UTC',
      () => ({ startTime: at(3, 10), endTime: at(3, 11).replace('Z', '+00:00') }),
      'endTime',
    ],
    [
      'a start not on a whole minute',
      () => ({ startTime: at(3, 10).replace(':00.000Z', ':30.000Z'), endTime: at(3, 11) }),
      'startTime',
    ],
    [
      'an end not on a whole minute',
      () => ({ startTime: at(3, 10), endTime: at(3, 11).replace(':00.000Z', ':00.500Z') }),
      'endTime',
    ],
    ['a start in the past', () => hours(-1, 10, 11), 'startTime'],
    ['a start more than 365 days ahead', () => hours(367, 10, 11), 'startTime'],
    ['less than 15 minutes', () => ({ startTime: at(3, 10), endTime: at(3, 10, 14) }), 'endTime'],
    ['more than 30 days', () => ({ startTime: at(3, 10), endTime: plus(at(33, 10), 1) }), 'endTime'],
    ['an end at the start', () => ({ startTime: at(3, 10), endTime: at(3, 10) }), 'endTime'],
    ['an end before the start', () => ({ startTime: at(3, 10), endTime: at(3, 9) }), 'endTime'],
  ];

  it.each(rules)('answers 400 naming the field for %s, and books nothing', async (_rule, times, field) => {
    const mine = await room();

    const response = await book(user, { roomId: mine.id, ...times() });
    const problem = await json(response);

    expect(response.status).toBe(400);
    expect(problem.errors).toEqual([expect.objectContaining({ location: 'body', field })]);
    expect(await listAll(admin, `roomId=${mine.id}`)).toEqual([]);
  });

  it('treats intervals as half-open: 10:00-11:00 and 11:00-12:00 both succeed', async () => {
    const mine = await room();

    const first = await book(user, { roomId: mine.id, ...hours(3, 10, 11) });
    const second = await book(otherUser, { roomId: mine.id, ...hours(3, 11, 12) });
    const before = await book(otherUser, { roomId: mine.id, ...hours(3, 9, 10) });

    expect([first.status, second.status, before.status]).toEqual([201, 201, 201]);
  });

  it('answers 409 booking-overlap naming the interval it overlaps, never whose it is', async () => {
    const mine = await room();
    await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    await booked(user, { roomId: mine.id, startTime: at(3, 23), endTime: at(4, 1) });

    const inside = await book(otherUser, {
      roomId: mine.id,
      startTime: at(3, 10, 15),
      endTime: at(3, 10, 45),
    });
    const straddling = await book(otherUser, { roomId: mine.id, ...hours(3, 9, 12) });
    const nextDay = await book(otherUser, { roomId: mine.id, startTime: at(4, 0, 30), endTime: at(4, 2) });
    const text = await inside.clone().text();

    expect([inside.status, straddling.status, nextDay.status]).toEqual([409, 409, 409]);
    expect(await json(inside)).toMatchObject({
      type: 'urn:tessera:problem:booking-overlap',
      status: 409,
      conflict: hours(3, 10, 11),
    });
    expect((await json(straddling)).conflict).toEqual(hours(3, 10, 11));
    expect((await json(nextDay)).conflict).toEqual({ startTime: at(3, 23), endTime: at(4, 1) });
    expect(text).not.toContain(user.user.id);
    expect((await listAll(admin, `roomId=${mine.id}`)).length).toBe(2);
  });

  it('a provider may not book (403); a user may not book for someone else (403); an admin may', async () => {
    const mine = await room();

    const byProvider = await book(provider, { roomId: mine.id, ...hours(3, 10, 11) });
    const forOther = await book(user, { roomId: mine.id, ...hours(3, 10, 11), userId: otherUser.user.id });
    const byAdmin = await eventually422(() =>
      book(admin, { roomId: mine.id, ...hours(3, 10, 11), userId: otherUser.user.id }),
    );

    expect(byProvider.status).toBe(403);
    expect(forOther.status).toBe(403);
    expect(byAdmin.status).toBe(201);
    expect(await json<Booking>(byAdmin)).toMatchObject({
      userId: otherUser.user.id,
      providerId: provider.user.id,
    });
    expect((await listAll(otherUser, `roomId=${mine.id}`)).length).toBe(1);
  });

  it('answers 422 for a room that does not exist', async () => {
    const response = await book(user, { roomId: randomUUID(), ...hours(3, 10, 11) });

    expect(response.status).toBe(422);
    expect(await json(response)).toMatchObject({ type: 'urn:tessera:problem:unknown-room' });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first 201 for the same key and body, with Idempotent-Replayed: true, booking nothing new', async () => {
    const mine = await room();
    const key = `key-${randomUUID()}`;
    const body = { roomId: mine.id, ...hours(3, 10, 11), title: 'Once' };

    const first = await book(user, body, { 'idempotency-key': key });
    const again = await book(user, body, { 'idempotency-key': key });
    const reordered = await book(
      user,
      { title: 'Once', ...hours(3, 10, 11), roomId: mine.id },
      { 'idempotency-key': key },
    );

    expect([first.status, again.status, reordered.status]).toEqual([201, 201, 201]);
    const original = await json<Booking>(first);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await json<Booking>(again)).toEqual(original);
    expect(again.headers.get('location')).toBe(`/v1/bookings/${original.id}`);
    expect(await json<Booking>(reordered)).toEqual(original);
    expect((await listAll(user, `roomId=${mine.id}`)).map((b) => b.id)).toEqual([original.id]);
  });

  it('answers 422 for the same key with another body, and books nothing', async () => {
    const mine = await room();
    const key = `key-${randomUUID()}`;

    const first = await book(user, { roomId: mine.id, ...hours(3, 10, 11) }, { 'idempotency-key': key });
    const other = await book(user, { roomId: mine.id, ...hours(3, 12, 13) }, { 'idempotency-key': key });

    expect(first.status).toBe(201);
    expect(other.status).toBe(422);
    expect(await json(other)).toMatchObject({ type: 'urn:tessera:problem:idempotency-key-reused' });
    expect((await availability(mine.id, at(3, 0), at(4, 0))).busy).toEqual([hours(3, 10, 11)]);
  });

  it('keys are per caller: another user with the same key books their own', async () => {
    const mine = await room();
    const key = `shared-${randomUUID()}`;

    const mineFirst = await book(user, { roomId: mine.id, ...hours(3, 10, 11) }, { 'idempotency-key': key });
    const theirs = await book(
      otherUser,
      { roomId: mine.id, ...hours(3, 12, 13) },
      { 'idempotency-key': key },
    );
    const theirsSameBody = await book(
      otherUser,
      { roomId: mine.id, ...hours(3, 10, 11) },
      { 'idempotency-key': `${key}-2` },
    );

    expect(mineFirst.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    const [a, b] = [await json<Booking>(mineFirst), await json<Booking>(theirs)];
    expect(b.id).not.toBe(a.id);
    expect(b).toMatchObject({ userId: otherUser.user.id, ...hours(3, 12, 13) });
    expect(theirsSameBody.status).toBe(409);
  });

  it('a failed request keeps no key: after a 409, the same key with a free interval books', async () => {
    const mine = await room();
    const key = `retry-${randomUUID()}`;
    await booked(otherUser, { roomId: mine.id, ...hours(3, 10, 11) });

    const refused = await book(user, { roomId: mine.id, ...hours(3, 10, 11) }, { 'idempotency-key': key });
    const later = await book(user, { roomId: mine.id, ...hours(3, 12, 13) }, { 'idempotency-key': key });

    expect(refused.status).toBe(409);
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 400 for a key that is not 1 to 255 printable characters', async () => {
    const mine = await room();

    for (const key of ['x'.repeat(256), 'tab\tinside']) {
      const response = await book(user, { roomId: mine.id, ...hours(3, 10, 11) }, { 'idempotency-key': key });
      expect(response.status, JSON.stringify(key)).toBe(400);
    }
    expect(await listAll(user, `roomId=${mine.id}`)).toEqual([]);
  });

  it('two requests at once with one key make exactly one booking', async () => {
    const mine = await room();

    for (let round = 0; round < 5; round++) {
      const key = `twin-${randomUUID()}`;
      const body = { roomId: mine.id, ...hours(3 + round, 10, 11) };
      const answers = await Promise.all([
        book(user, body, { 'idempotency-key': key }),
        book(user, body, { 'idempotency-key': key }),
      ]);

      const ids = new Set<string>();
      for (const answer of answers) {
        const payload = await json<Record<string, unknown>>(answer);
        if (answer.status === 201) ids.add(String(payload.id));
        else {
          expect(answer.status).toBe(409);
          expect(payload.type).toBe('urn:tessera:problem:idempotency-key-in-flight');
        }
      }
      expect(ids.size).toBe(1);
    }
    expect((await listAll(user, `roomId=${mine.id}`)).length).toBe(5);
  });
});

describe('GET /v1/bookings/{bookingId} and the lists', () => {
  it('the owner, the room’s provider and an admin see a booking; another user or provider gets 404', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    const get = (who: Account | string) => call(who, 'GET', `/v1/bookings/${booking.id}`);

    const seen = await Promise.all([get(user), get(provider), get(admin)]);
    const hidden = await Promise.all([get(otherUser), get(otherProvider)]);

    expect(seen.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const response of seen) {
      expect(await json<Booking>(response)).toEqual(booking);
      expect(response.headers.get('etag')).toBe('"1"');
    }
    expect(hidden.map((r) => r.status)).toEqual([404, 404]);
    expect(await json(hidden[0] as Response)).toMatchObject({
      type: 'urn:tessera:problem:booking-not-found',
    });
    expect((await call(user, 'GET', `/v1/bookings/${randomUUID()}`)).status).toBe(404);
  });

  it('lists upcoming bookings by start: a user their own, a provider their rooms’, an admin all', async () => {
    const mine = await room();
    const theirRoom = await createRoom(otherProvider);
    const a = await booked(user, { roomId: mine.id, ...hours(5, 10, 11) });
    const b = await booked(otherUser, { roomId: mine.id, ...hours(3, 10, 11) });
    const c = await booked(user, { roomId: mine.id, ...hours(4, 10, 11) });
    const elsewhere = await booked(user, { roomId: theirRoom.id, ...hours(3, 12, 13) });
    const ids = async (who: Account | string, query: string) => (await listAll(who, query)).map((x) => x.id);

    expect(await ids(user, `type=upcoming&roomId=${mine.id}`)).toEqual([c.id, a.id]);
    expect(await ids(otherUser, `roomId=${mine.id}`)).toEqual([b.id]);
    expect(await ids(provider, `roomId=${mine.id}`)).toEqual([b.id, c.id, a.id]);
    expect(await ids(admin, `type=upcoming&roomId=${mine.id}`)).toEqual([b.id, c.id, a.id]);
    expect(await ids(otherProvider, `roomId=${mine.id}`)).toEqual([]);
    expect(await ids(otherProvider, `roomId=${theirRoom.id}`)).toEqual([elsewhere.id]);
    const usersAll = await listAll(user, 'type=upcoming');
    expect(usersAll.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, c.id, elsewhere.id]));
    expect(usersAll.every((x) => x.userId === user.user.id)).toBe(true);
    const providersAll = await listAll(provider, 'type=upcoming');
    expect(providersAll.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
    expect(providersAll.every((x) => x.providerId === provider.user.id)).toBe(true);
    const starts = usersAll.map((x) => x.startTime);
    expect(starts).toEqual([...starts].sort());
    // None of these has started yet.
    expect(await ids(user, `type=past&roomId=${mine.id}`)).toEqual([]);
    expect(await ids(admin, `type=past&roomId=${mine.id}`)).toEqual([]);
  });

  it('an admin still finds the bookings of a withdrawn room by its roomId, as their owner does', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);
    expect((await call(provider, 'DELETE', `/v1/rooms/${mine.id}`)).status).toBe(204);

    const byOwner = await listAll(user, `roomId=${mine.id}`);
    const byProvider = await listAll(provider, `roomId=${mine.id}`);
    const byAdmin = await listAll(admin, `roomId=${mine.id}`);

    expect(byOwner.map((b) => [b.id, b.status])).toEqual([[booking.id, 'CANCELLED']]);
    expect(byProvider.map((b) => [b.id, b.status])).toEqual([[booking.id, 'CANCELLED']]);
    expect(byAdmin.map((b) => [b.id, b.status])).toEqual([[booking.id, 'CANCELLED']]);
  });

  it('narrows a list by status', async () => {
    const mine = await room();
    const kept = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    const dropped = await booked(user, { roomId: mine.id, ...hours(3, 12, 13) });
    await call(user, 'POST', `/v1/bookings/${dropped.id}/cancel`);

    const ids = async (who: Account | string, status: string) =>
      (await listAll(who, `roomId=${mine.id}&status=${status}`)).map((x) => x.id);

    expect(await ids(user, 'CANCELLED')).toEqual([dropped.id]);
    expect(await ids(user, 'PENDING_PAYMENT')).toEqual([kept.id]);
    expect(await ids(provider, 'CANCELLED')).toEqual([dropped.id]);
    expect(await ids(admin, 'PENDING_PAYMENT')).toEqual([kept.id]);
    expect(await ids(admin, 'CONFIRMED')).toEqual([]);
    expect((await call(user, 'GET', '/v1/bookings?status=DONE')).status).toBe(400);
    expect((await call(user, 'GET', '/v1/bookings?type=later')).status).toBe(400);
  });

  it('pages through a room’s bookings with no duplicate and no gap, for each role', async () => {
    const mine = await room();
    const created: Booking[] = [];
    for (let i = 0; i < 7; i++)
      created.push(await booked(i % 2 ? user : otherUser, { roomId: mine.id, ...hours(3, 8 + i, 9 + i) }));

    for (const who of [provider, admin] as const) {
      expect((await listAll(who, `roomId=${mine.id}`, 3)).map((b) => b.id)).toEqual(created.map((b) => b.id));
    }
    expect((await listAll(user, `roomId=${mine.id}`, 2)).map((b) => b.id)).toEqual(
      created.filter((b) => b.userId === user.user.id).map((b) => b.id),
    );
    const first = await json<Schemas['BookingList']>(
      await call(provider, 'GET', `/v1/bookings?roomId=${mine.id}&limit=3`),
    );
    expect(first.items.length).toBe(3);
    expect(first.nextCursor).not.toBeNull();
    const replayedElsewhere = await call(
      provider,
      'GET',
      `/v1/bookings?roomId=${mine.id}&status=CANCELLED&limit=3&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
    );
    expect(replayedElsewhere.status).toBe(400);
  });
});

describe('PATCH /v1/bookings/{bookingId}', () => {
  it('retitles a booking, with a new version and ETag', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11), title: 'Draft' });

    const response = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, { title: 'Final' });
    const cleared = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, { title: null });

    expect(response.status).toBe(200);
    expect(await json<Booking>(response)).toMatchObject({
      title: 'Final',
      version: 2,
      ...hours(3, 10, 11),
      amount: 1000,
    });
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await json<Booking>(cleared)).toMatchObject({ title: null, version: 3 });
  });

  it('reschedules in one step: the new interval taken, the old one free for anyone, the amount recomputed', async () => {
    const mine = await room({ pricePerHour: 1200 });
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });

    const response = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, {
      startTime: at(3, 14),
      endTime: at(3, 15, 30),
    });
    const moved = await json<Booking>(response);
    const oldTaken = await book(otherUser, { roomId: mine.id, ...hours(3, 10, 11) });
    const newTaken = await book(otherUser, { roomId: mine.id, startTime: at(3, 15), endTime: at(3, 16) });

    expect(response.status).toBe(200);
    expect(moved).toMatchObject({
      id: booking.id,
      startTime: at(3, 14),
      endTime: at(3, 15, 30),
      amount: 1800,
      version: 2,
    });
    expect(oldTaken.status).toBe(201);
    expect(newTaken.status).toBe(409);
    expect((await json(newTaken)).conflict).toEqual({ startTime: at(3, 14), endTime: at(3, 15, 30) });
    expect((await availability(mine.id, at(3, 0), at(4, 0))).busy).toEqual([
      hours(3, 10, 11),
      { startTime: at(3, 14), endTime: at(3, 15, 30) },
    ]);
  });

  it('reschedules onto an interval overlapping its own old one, and across midnight', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });

    const shifted = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, hours(3, 10, 12));
    const overnight = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, {
      startTime: at(3, 23),
      endTime: at(4, 2),
    });

    expect(shifted.status).toBe(200);
    expect(await json<Booking>(shifted)).toMatchObject({ ...hours(3, 10, 12), amount: 2000 });
    expect(overnight.status).toBe(200);
    expect((await availability(mine.id, at(3, 0), at(5, 0))).busy).toEqual([
      { startTime: at(3, 23), endTime: at(4, 2) },
    ]);
  });

  it('reschedules a 30-day booking to another 30 days, every day of both freed and taken', async () => {
    const mine = await room({ pricePerHour: 10 });
    const booking = await booked(user, { roomId: mine.id, startTime: at(3, 0), endTime: at(33, 0) });

    const response = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, {
      startTime: at(40, 12),
      endTime: at(70, 12),
    });

    expect(response.status).toBe(200);
    expect(await json<Booking>(response)).toMatchObject({
      startTime: at(40, 12),
      endTime: at(70, 12),
      amount: 7200,
    });
    expect((await availability(mine.id, at(2, 0), at(33, 0))).busy).toEqual([]);
    expect((await availability(mine.id, at(40, 0), at(71, 0))).busy).toEqual([
      { startTime: at(40, 12), endTime: at(70, 12) },
    ]);
    expect((await book(otherUser, { roomId: mine.id, ...hours(17, 10, 11) })).status).toBe(201);
  });

  it('refuses to reschedule onto someone else’s interval (409) and changes nothing', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    await booked(otherUser, { roomId: mine.id, ...hours(3, 12, 13) });

    const response = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, {
      startTime: at(3, 12, 30),
      endTime: at(3, 13, 30),
      title: 'Moved',
    });

    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({
      type: 'urn:tessera:problem:booking-overlap',
      conflict: hours(3, 12, 13),
    });
    expect(await json<Booking>(await call(user, 'GET', `/v1/bookings/${booking.id}`))).toEqual(booking);
    expect((await availability(mine.id, at(3, 0), at(4, 0))).busy).toEqual([
      hours(3, 10, 11),
      hours(3, 12, 13),
    ]);
  });

  it('answers 400 for a reschedule that breaks a rule or sends one end only', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });

    const oneEnd = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, { startTime: at(3, 12) });
    const tooShort = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, {
      startTime: at(3, 12),
      endTime: at(3, 12, 10),
    });
    const past = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, hours(-1, 12, 13));

    expect([oneEnd.status, tooShort.status, past.status]).toEqual([400, 400, 400]);
    expect((await json(oneEnd)).errors).toEqual([expect.objectContaining({ field: 'endTime' })]);
    expect((await json(tooShort)).errors).toEqual([expect.objectContaining({ field: 'endTime' })]);
    expect((await json(past)).errors).toEqual([expect.objectContaining({ field: 'startTime' })]);
    expect((await json<Booking>(await call(user, 'GET', `/v1/bookings/${booking.id}`))).version).toBe(1);
  });

  it('the room’s provider gets 403 and anyone else 404; an admin may change it', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    const patch = (who: Account | string) =>
      call(who, 'PATCH', `/v1/bookings/${booking.id}`, { title: 'Mine' });

    const [byProvider, byOtherUser, byOtherProvider] = await Promise.all([
      patch(provider),
      patch(otherUser),
      patch(otherProvider),
    ]);
    const byAdmin = await patch(admin);

    expect([byProvider.status, byOtherUser.status, byOtherProvider.status]).toEqual([403, 404, 404]);
    expect(byAdmin.status).toBe(200);
    expect(await json<Booking>(byAdmin)).toMatchObject({ title: 'Mine', version: 2, userId: user.user.id });
  });

  it('honours If-Match: 412 for a stale version, 200 for the current one', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });

    const stale = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, hours(3, 12, 13), {
      'if-match': '"2"',
    });
    const fresh = await call(
      user,
      'PATCH',
      `/v1/bookings/${booking.id}`,
      { title: 'Fresh' },
      { 'if-match': '"1"' },
    );
    const late = await call(
      user,
      'PATCH',
      `/v1/bookings/${booking.id}`,
      { title: 'Late' },
      { 'if-match': '"1"' },
    );
    const staleCancel = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`, undefined, {
      'if-match': '"1"',
    });

    expect(stale.status).toBe(412);
    expect(await json(stale)).toMatchObject({ type: 'urn:tessera:problem:stale-version' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"2"');
    expect(late.status).toBe(412);
    expect(staleCancel.status).toBe(412);
    expect(await json<Booking>(await call(user, 'GET', `/v1/bookings/${booking.id}`))).toMatchObject({
      title: 'Fresh',
      status: 'PENDING_PAYMENT',
      ...hours(3, 10, 11),
      version: 2,
    });
    expect((await availability(mine.id, at(3, 0), at(4, 0))).busy).toEqual([hours(3, 10, 11)]);
  });
});

describe('POST /v1/bookings/{bookingId}/cancel', () => {
  it('cancels: CANCELLED, the interval free at once; a second cancel answers the cancelled booking again', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });

    const response = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);
    const cancelled = await json<Booking>(response);
    const rebooked = await book(otherUser, { roomId: mine.id, ...hours(3, 10, 11) });
    const again = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);

    expect(response.status).toBe(200);
    expect(cancelled).toMatchObject({ id: booking.id, status: 'CANCELLED', version: 2 });
    expect(response.headers.get('etag')).toBe('"2"');
    expect(rebooked.status).toBe(201);
    expect(again.status).toBe(200);
    expect(await json<Booking>(again)).toEqual(cancelled);
    const changed = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, { title: 'Too late' });
    expect(changed.status).toBe(409);
  });

  it('the room’s provider gets 403 and anyone else 404; an admin may cancel', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    const cancel = (who: Account | string) => call(who, 'POST', `/v1/bookings/${booking.id}/cancel`);

    const [byProvider, byOtherUser] = await Promise.all([cancel(provider), cancel(otherUser)]);
    const stillLive = await json<Booking>(await call(user, 'GET', `/v1/bookings/${booking.id}`));
    const byAdmin = await cancel(admin);

    expect([byProvider.status, byOtherUser.status]).toEqual([403, 404]);
    expect(stillLive.status).toBe('PENDING_PAYMENT');
    expect(byAdmin.status).toBe(200);
    expect(await json<Booking>(byAdmin)).toMatchObject({ status: 'CANCELLED' });
  });
});

describe('GET /v1/bookings/{bookingId}/history', () => {
  it('records each change with who made it, from which request, in version order', async () => {
    const mine = await room({ pricePerHour: 600 });
    const ids = {
      create: `c-${randomUUID()}`,
      retitle: `t-${randomUUID()}`,
      move: `m-${randomUUID()}`,
      cancel: `x-${randomUUID()}`,
    };
    const booking = await json<Booking>(
      await book(user, { roomId: mine.id, ...hours(3, 10, 11) }, { 'x-request-id': ids.create }),
    );
    const steps = [
      await call(
        user,
        'PATCH',
        `/v1/bookings/${booking.id}`,
        { title: 'Named' },
        { 'x-request-id': ids.retitle },
      ),
      await call(user, 'PATCH', `/v1/bookings/${booking.id}`, hours(3, 12, 14), { 'x-request-id': ids.move }),
      await call(admin, 'POST', `/v1/bookings/${booking.id}/cancel`, undefined, {
        'x-request-id': ids.cancel,
      }),
    ];
    expect(steps.map((s) => s.status)).toEqual([200, 200, 200]);

    const response = await call(user, 'GET', `/v1/bookings/${booking.id}/history`);
    const history = await json<Schemas['BookingHistory']>(response);

    expect(response.status).toBe(200);
    expect(history.nextCursor).toBeNull();
    expect(history.items).toEqual([
      expect.objectContaining({
        version: 1,
        action: 'created',
        fromStatus: null,
        toStatus: 'PENDING_PAYMENT',
        ...hours(3, 10, 11),
        amount: 600,
        actorId: user.user.id,
        actorRole: 'user',
        requestId: ids.create,
      }),
      expect.objectContaining({
        version: 2,
        action: 'retitled',
        actorId: user.user.id,
        requestId: ids.retitle,
      }),
      expect.objectContaining({
        version: 3,
        action: 'rescheduled',
        fromStatus: 'PENDING_PAYMENT',
        toStatus: 'PENDING_PAYMENT',
        ...hours(3, 12, 14),
        amount: 1200,
        actorId: user.user.id,
        requestId: ids.move,
      }),
      expect.objectContaining({
        version: 4,
        action: 'cancelled',
        fromStatus: 'PENDING_PAYMENT',
        toStatus: 'CANCELLED',
        actorId: adminId,
        actorRole: 'admin',
        requestId: ids.cancel,
      }),
    ]);
    const times = history.items.map((item) => item.at);
    expect(times).toEqual([...times].sort());
  });

  it('the room’s provider and an admin read it too, in pages; anyone else gets 404', async () => {
    const mine = await room();
    const booking = await booked(user, { roomId: mine.id, ...hours(3, 10, 11) });
    for (const title of ['One', 'Two', 'Three'])
      await call(user, 'PATCH', `/v1/bookings/${booking.id}`, { title });

    const versions: number[] = [];
    let cursor: string | null = null;
    do {
      const response = await call(
        provider,
        'GET',
        `/v1/bookings/${booking.id}/history?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.status).toBe(200);
      const page = await json<Schemas['BookingHistory']>(response);
      versions.push(...page.items.map((item) => item.version));
      cursor = page.nextCursor;
    } while (cursor && versions.length < 20);

    expect(versions).toEqual([1, 2, 3, 4]);
    expect((await call(admin, 'GET', `/v1/bookings/${booking.id}/history`)).status).toBe(200);
    expect((await call(otherUser, 'GET', `/v1/bookings/${booking.id}/history`)).status).toBe(404);
    expect((await call(otherProvider, 'GET', `/v1/bookings/${booking.id}/history`)).status).toBe(404);
  });
});

describe('The payment token', () => {
  it('never appears in any response', async () => {
    const mine = await room();
    // A token that keeps the booking pending, so every change below is still allowed.
    const token = PENDING_TOKEN;
    const key = `pay-${randomUUID()}`;
    const body = { roomId: mine.id, ...hours(3, 10, 11), paymentToken: token };

    const created = await book(user, body, { 'idempotency-key': key });
    const { id } = await json<Booking>(created.clone());
    const responses = [
      created,
      await book(user, body, { 'idempotency-key': key }),
      await call(user, 'GET', `/v1/bookings/${id}`),
      await call(provider, 'GET', `/v1/bookings/${id}`),
      await call(user, 'GET', `/v1/bookings?roomId=${mine.id}`),
      await call(admin, 'GET', `/v1/bookings?roomId=${mine.id}`),
      await call(user, 'PATCH', `/v1/bookings/${id}`, { title: 'Paid' }),
      await call(user, 'PATCH', `/v1/bookings/${id}`, hours(3, 12, 13)),
      await book(otherUser, { roomId: mine.id, ...hours(3, 10, 11) }),
      await call(user, 'POST', `/v1/bookings/${id}/cancel`),
      await call(user, 'GET', `/v1/bookings/${id}/history`),
      await call(user, 'GET', `/v1/rooms/${mine.id}/availability?from=${at(3, 0)}&to=${at(4, 0)}`),
    ];

    expect(responses.map((r) => r.status)).toEqual([
      201, 201, 200, 200, 200, 200, 200, 200, 201, 200, 200, 200,
    ]);
    for (const response of responses) {
      const text = await response.text();
      expect(text).not.toContain(token);
      expect(text).not.toContain('paymentToken');
    }
  });
});
