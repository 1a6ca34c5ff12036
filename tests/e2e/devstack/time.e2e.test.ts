import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ownDevstack } from '../../support/own-devstack.ts';
import { pollUntil } from '../../support/poll.ts';

const ADMIN = { email: 'admin@time.tessera.test', password: 'time admin passphrase, long enough' };
const MINUTE = 60_000;

const own = ownDevstack('time', ADMIN);

const { api, login } = own;

interface User {
  readonly id: string;
  readonly email: string;
  /** An access token signed in for the devstack's time `issuedAt`. */
  token: string;
  issuedAt: number;
}

const newUser = async (label: string): Promise<User> => {
  const { id, email } = await own.register(label);
  return { id, email, token: await login(email), issuedAt: await clockNow() };
};

/** The user's token, signed in again when the moved clock has aged it 10 minutes (they last 15). */
const tokenOf = async (user: User): Promise<string> => {
  const now = await clockNow();
  if (now - user.issuedAt > 10 * MINUTE) {
    user.token = await login(user.email);
    user.issuedAt = now;
  }
  return user.token;
};

/** The devstack's time now, as its clock tells it. */
const clockNow = async (): Promise<number> => Date.parse((await api('/_devstack/clock')).body.now);

const advance = async (seconds: number) => {
  const { status, body } = await api('/_devstack/clock', { body: { advanceSeconds: seconds } });
  expect(status).toBe(200);
  return body as { now: string; offsetSeconds: number };
};

/** A whole minute at least `minutes` ahead of the devstack's clock. */
const minutesAhead = async (minutes: number) =>
  new Date(Math.ceil((await clockNow()) / MINUTE) * MINUTE + minutes * MINUTE).toISOString();

const busEvents = async (detailType: string, bookingId: string) => {
  const { body } = await api(`/_devstack/events?detailType=${detailType}`);
  return (body.items as { detail: { data: { booking?: { id: string } } } }[]).filter(
    (event) => event.detail.data.booking?.id === bookingId,
  );
};

let roomId: string;
let owner: User;
/** A room of its own for each test, so that no test's bookings overlap another's. */
const rooms: string[] = [];

const book = async (
  user: User,
  startTime: string,
  minutes = 60,
  paymentToken = 'tok_ok',
): Promise<{ status: number; body: { id: string; status: string } }> =>
  api('/v1/bookings', {
    token: await tokenOf(user),
    body: {
      roomId,
      startTime,
      endTime: new Date(Date.parse(startTime) + minutes * MINUTE).toISOString(),
      paymentToken,
    },
  });

/** Books, and waits until the booking is in the state its token leads to. */
const booked = async (startTime: string, paymentToken = 'tok_ok', user = owner) => {
  const response = await book(user, startTime, 60, paymentToken);
  expect(response.status).toBe(201);
  const wanted = paymentToken === 'tok_ok' ? 'CONFIRMED' : 'PENDING_PAYMENT';
  const read = await pollUntil(
    async () => api(`/v1/bookings/${response.body.id}`, { token: await tokenOf(user) }),
    (r) => r.body?.status === wanted,
  );
  expect(read.body.status).toBe(wanted);
  return response.body.id;
};

/** The booking's pending schedules on the devstack's scheduler. */
const pendingOf = async (bookingId: string) => {
  const { body } = await api('/_devstack/schedules');
  return (body.items as { name: string }[])
    .filter((s) => s.name.endsWith(bookingId))
    .map((s) => s.name.split('-')[0]);
};

/**
 * The booking's schedules once they are `expected` (or as they are after the wait): the bookings
 * function makes them from the booking's events, a moment after the change.
 */
const schedulesOf = (bookingId: string, expected: readonly string[]) =>
  pollUntil(
    () => pendingOf(bookingId),
    (names) => names.join() === expected.join(),
  );

const reminders = (bookingId: string) => busEvents('booking.reminder', bookingId);

/** The owner's reminders of a booking in their inbox, once there are `count` (or as many as there are after the wait). */
const inboxReminders = async (bookingId: string, count: number) =>
  (
    await pollUntil(
      async () => {
        const { body } = await api('/v1/notifications?limit=100', { token: await tokenOf(owner) });
        return (body.items as { type: string; data: { booking?: { id: string } } }[]).filter(
          (n) => n.type === 'booking.reminder' && n.data.booking?.id === bookingId,
        );
      },
      (found) => found.length >= count,
      { timeoutMs: 3_000 },
    )
  ).length;

/** Waits for the reminder count to settle at `count`: events reach the bus a moment after the schedule fires. */
const remindedTimes = async (bookingId: string, count: number) =>
  (
    await pollUntil(
      () => reminders(bookingId),
      (found) => found.length >= count,
      { timeoutMs: 3_000 },
    )
  ).length;

beforeAll(async () => {
  await own.start();
  rooms.push(...(await own.providerRooms('Clock room', 8)));
  owner = await newUser('time-owner');
}, 120_000);

beforeEach(() => {
  roomId = rooms.shift() as string;
});

afterAll(async () => {
  await own.remove();
});

describe('Reminders', { timeout: 90_000 }, () => {
  it('reminds once, at 10 minutes before a booking an hour ahead: none at 11, exactly one after more advances', async () => {
    const startTime = await minutesAhead(60);
    const id = await booked(startTime);
    expect(await schedulesOf(id, ['reminder'])).toEqual(['reminder']);

    const toEleven = Math.floor((Date.parse(startTime) - 11 * MINUTE - (await clockNow())) / 1000);
    await advance(toEleven);
    expect(await remindedTimes(id, 1)).toBe(0);

    await advance(60);
    expect(await remindedTimes(id, 1)).toBe(1);
    await advance(60);
    await advance(120);
    await advance(300);
    expect(await remindedTimes(id, 2)).toBe(1);
    const [reminder] = await reminders(id);
    expect(reminder?.detail.data).toMatchObject({ booking: { id, status: 'CONFIRMED', startTime } });
    const inbox = await pollUntil(
      async () => api('/v1/notifications?limit=100', { token: await tokenOf(owner) }),
      (r) => (r.body?.items ?? []).some((n: { type: string }) => n.type === 'booking.reminder'),
    );
    expect(
      inbox.body.items.filter(
        (n: { type: string; data: { booking: { id: string } } }) =>
          n.type === 'booking.reminder' && n.data.booking.id === id,
      ),
    ).toHaveLength(1);
    expect(await schedulesOf(id, [])).toEqual([]);
  });

  it('reminds a rescheduled booking at its new time only, and a cancelled one never', async () => {
    const first = await minutesAhead(120);
    const moved = await booked(first);
    const cancelled = await booked(new Date(Date.parse(first) + 2 * 60 * MINUTE).toISOString());
    const later = new Date(Date.parse(first) + 5 * 60 * MINUTE).toISOString();

    const rescheduled = await api(`/v1/bookings/${moved}`, {
      method: 'PATCH',
      token: await tokenOf(owner),
      body: { startTime: later, endTime: new Date(Date.parse(later) + 60 * MINUTE).toISOString() },
    });
    expect(rescheduled.status).toBe(200);
    expect(
      (await api(`/v1/bookings/${cancelled}/cancel`, { method: 'POST', token: await tokenOf(owner) })).status,
    ).toBe(200);
    expect(await schedulesOf(cancelled, [])).toEqual([]);

    // Past the old reminder time and the cancelled booking's: nothing yet.
    await advance(Math.floor((Date.parse(first) + 3 * 60 * MINUTE - (await clockNow())) / 1000));
    expect(await remindedTimes(moved, 1)).toBe(0);
    expect(await remindedTimes(cancelled, 1)).toBe(0);

    // Past the new one's: one, for the new start time.
    await advance(Math.floor((Date.parse(later) - 5 * MINUTE - (await clockNow())) / 1000));
    expect(await remindedTimes(moved, 1)).toBe(1);
    expect((await reminders(moved))[0]?.detail.data).toMatchObject({ booking: { startTime: later } });
    expect(await remindedTimes(cancelled, 1)).toBe(0);
  });

  it('reminds a booking confirmed inside the lead at once', async () => {
    const soon = await minutesAhead(6);

    const id = await booked(soon);

    expect(await remindedTimes(id, 1)).toBe(1);
    expect((await reminders(id))[0]?.detail.data).toMatchObject({ booking: { id } });
    expect(await schedulesOf(id, [])).toEqual([]);
  });
});

describe('Payment holds', { timeout: 90_000 }, () => {
  it('expires a booking still unpaid after 15 minutes, frees its room for another user, and removes its schedule', async () => {
    const startTime = await minutesAhead(24 * 60);
    const id = await booked(startTime, 'tok_pending');
    expect(await schedulesOf(id, ['hold'])).toEqual(['hold']);
    const other = await newUser('time-other');
    expect((await book(other, startTime)).status).toBe(409);

    await advance(14 * 60);
    expect((await api(`/v1/bookings/${id}`, { token: await tokenOf(owner) })).body.status).toBe(
      'PENDING_PAYMENT',
    );
    await advance(61);

    const expired = await pollUntil(
      async () => api(`/v1/bookings/${id}`, { token: await tokenOf(owner) }),
      (r) => r.body?.status === 'EXPIRED',
    );
    expect(expired.body.status).toBe('EXPIRED');
    // The event goes out through the outbox a moment after the write.
    const events = await pollUntil(
      () => busEvents('booking.expired', id),
      (found) => found.length >= 1,
    );
    expect(events).toHaveLength(1);
    const theirs = await book(other, startTime);
    expect(theirs.status).toBe(201);
    expect(await schedulesOf(id, [])).toEqual([]);
  });

  it('removes the hold of a booking that was paid, which then never expires', async () => {
    const id = await booked(await minutesAhead(48 * 60));
    expect(await schedulesOf(id, ['reminder'])).toEqual(['reminder']);

    await advance(20 * 60);

    expect((await api(`/v1/bookings/${id}`, { token: await tokenOf(owner) })).body.status).toBe('CONFIRMED');
  });
});

describe('Access tokens', { timeout: 90_000 }, () => {
  it('stop working 15 minutes after they were issued, as the moved clock says', async () => {
    const user = await newUser('time-token');
    expect((await api('/v1/users/me', { token: user.token })).status).toBe(200);

    await advance(14 * 60);
    expect((await api('/v1/users/me', { token: user.token })).status).toBe(200);
    await advance(61);

    const late = await api('/v1/users/me', { token: user.token });
    expect(late.status).toBe(401);
    expect((await api('/v1/users/me', { token: await login(user.email) })).status).toBe(200);
  });
});

describe('A restart with schedules pending', { timeout: 90_000 }, () => {
  it('neither loses nor repeats a reminder, and never moves the clock back', async () => {
    const startTime = await minutesAhead(90);
    const id = await booked(startTime);
    expect(await schedulesOf(id, ['reminder'])).toEqual(['reminder']);
    const before = await clockNow();

    await own.stop();
    await own.start();

    expect(await clockNow()).toBeGreaterThanOrEqual(before);
    expect(await schedulesOf(id, ['reminder'])).toEqual(['reminder']);
    await advance(Math.floor((Date.parse(startTime) - 9 * MINUTE - (await clockNow())) / 1000));
    expect(await remindedTimes(id, 1)).toBe(1);
    // The inbox, in the table, outlives the restart (the bus's log of events does not).
    expect(await inboxReminders(id, 1)).toBe(1);

    await own.stop();
    await own.start();
    await advance(60);
    await advance(600);

    expect(await remindedTimes(id, 1)).toBe(0);
    expect(await inboxReminders(id, 2)).toBe(1);
    expect(await schedulesOf(id, [])).toEqual([]);
  });
});
