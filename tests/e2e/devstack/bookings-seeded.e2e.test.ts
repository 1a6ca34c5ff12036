/**
 * Bookings in states the API cannot make on demand, written straight into the devstack's table:
 * started and ended ones (the `past` lists, per role), one under way (past, and it can no longer be
 * changed or cancelled) and ones the payments service moved on (an illegal move names both states).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  type Booking,
  booked,
  call,
  createRoom,
  listAll,
  MINUTE,
  type Problem,
  seedBooking,
} from '../../support/bookings.ts';
import { type Account, adminAccount, newAccount, newProvider } from '../../support/e2e.ts';

let admin: string;
let provider: Account;
let otherProvider: Account;
let user: Account;
let otherUser: Account;

beforeAll(async () => {
  admin = (await adminAccount()).accessToken;
  [provider, otherProvider, user, otherUser] = await Promise.all([
    newProvider('seeded-provider'),
    newProvider('seeded-other-provider'),
    newAccount('seeded-booker'),
    newAccount('seeded-other-booker'),
  ]);
});

const json = async <T = Problem>(response: Response): Promise<T> => (await response.json()) as T;

const seed = (
  roomId: string,
  owner: Account,
  startTime: string,
  endTime: string,
  status: Booking['status'],
) => seedBooking({ roomId, userId: owner.user.id, providerId: provider.user.id, startTime, endTime, status });

describe('Past bookings', () => {
  it('type=past lists started bookings by start descending: a user their own, a provider their rooms’, an admin all', async () => {
    const room = await createRoom(provider);
    const threeDaysAgo = await seed(room.id, user, at(-3, 10), at(-3, 11), 'CONFIRMED');
    const twoDaysAgo = await seed(room.id, otherUser, at(-2, 10), at(-2, 11), 'CONFIRMED');
    const yesterday = await seed(room.id, user, at(-1, 10), at(-1, 11), 'EXPIRED');
    const upcoming = await booked(user, { roomId: room.id, startTime: at(3, 10), endTime: at(3, 11) });
    const ids = async (who: Account | string, query: string, limit?: number) =>
      (await listAll(who, `roomId=${room.id}&${query}`, limit)).map((b) => b.id);

    expect(await ids(user, 'type=past')).toEqual([yesterday.id, threeDaysAgo.id]);
    expect(await ids(otherUser, 'type=past')).toEqual([twoDaysAgo.id]);
    expect(await ids(provider, 'type=past')).toEqual([yesterday.id, twoDaysAgo.id, threeDaysAgo.id]);
    expect(await ids(admin, 'type=past')).toEqual([yesterday.id, twoDaysAgo.id, threeDaysAgo.id]);
    expect(await ids(admin, 'type=past', 1)).toEqual([yesterday.id, twoDaysAgo.id, threeDaysAgo.id]);
    expect(await ids(otherProvider, 'type=past')).toEqual([]);
    expect(await ids(provider, 'type=past&status=CONFIRMED')).toEqual([twoDaysAgo.id, threeDaysAgo.id]);
    expect(await ids(user, 'type=upcoming')).toEqual([upcoming.id]);
    expect(await ids(provider, 'type=upcoming')).toEqual([upcoming.id]);
    expect(await ids(admin, '')).toEqual([upcoming.id]);
  });
});

describe('A booking under way', () => {
  it('is past (it started), no longer upcoming, and can no longer be changed or cancelled (409 booking-started)', async () => {
    const room = await createRoom(provider);
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const started = await seed(
      room.id,
      user,
      new Date(minute - 60 * MINUTE).toISOString(),
      new Date(minute + 60 * MINUTE).toISOString(),
      'CONFIRMED',
    );

    const retitled = await call(user, 'PATCH', `/v1/bookings/${started.id}`, { title: 'Too late' });
    const moved = await call(user, 'PATCH', `/v1/bookings/${started.id}`, {
      startTime: at(3, 10),
      endTime: at(3, 11),
    });
    const cancelled = await call(admin, 'POST', `/v1/bookings/${started.id}/cancel`);

    for (const response of [retitled, moved, cancelled]) {
      expect(response.status).toBe(409);
      expect(await json(response)).toMatchObject({ type: 'urn:tessera:problem:booking-started' });
    }
    expect(await json<Booking>(await call(user, 'GET', `/v1/bookings/${started.id}`))).toEqual(started);
    expect((await listAll(user, `roomId=${room.id}&type=past`)).map((b) => b.id)).toEqual([started.id]);
    expect(await listAll(user, `roomId=${room.id}`)).toEqual([]);
  });
});

describe('Bookings the payments service moved on', () => {
  it.each(['EXPIRED', 'PAYMENT_FAILED'] as const)(
    'cancelling a %s booking is a 409 naming both states',
    async (status) => {
      const room = await createRoom(provider);
      const booking = await seed(room.id, user, at(3, 10), at(3, 11), status);

      const response = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);
      const changed = await call(user, 'PATCH', `/v1/bookings/${booking.id}`, { title: 'Renamed' });

      expect(response.status).toBe(409);
      expect(await json(response)).toMatchObject({
        type: 'urn:tessera:problem:illegal-booking-transition',
        detail: `A booking cannot move from ${status} to CANCELLED.`,
        currentStatus: status,
        requestedStatus: 'CANCELLED',
      });
      expect(changed.status).toBe(409);
      expect(await json<Booking>(await call(user, 'GET', `/v1/bookings/${booking.id}`))).toEqual(booking);
    },
  );

  it('a CONFIRMED booking is cancelled like a pending one', async () => {
    const room = await createRoom(provider);
    const booking = await seed(room.id, user, at(3, 10), at(3, 11), 'CONFIRMED');

    const response = await call(user, 'POST', `/v1/bookings/${booking.id}/cancel`);

    expect(response.status).toBe(200);
    expect(await json<Booking>(response)).toMatchObject({ status: 'CANCELLED', version: 2 });
    const history = await json<{ items: { action: string; fromStatus: string; toStatus: string }[] }>(
      await call(user, 'GET', `/v1/bookings/${booking.id}/history`),
    );
    expect(history.items).toEqual([
      expect.objectContaining({ action: 'cancelled', fromStatus: 'CONFIRMED', toStatus: 'CANCELLED' }),
    ]);
  });
});
