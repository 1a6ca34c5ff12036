/**
 * The inbox on the devstack: nothing is lost while a person is offline. What happened while their
 * socket was closed is in `GET /v1/notifications` (theirs only, oldest first, paged by `after`) and
 * replayed in order by `resume` on the next connection, before live messages continue.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { at, type Booking, call, createRoom, plus } from '../../support/bookings.ts';
import { type Account, newAccount, newProvider, raw } from '../../support/e2e.ts';
import { pollUntil } from '../../support/poll.ts';
import { openSocket } from '../../support/websocket.ts';

interface Notification {
  readonly id: string;
  readonly type: string;
  readonly data: { readonly booking?: { readonly id: string } };
  readonly occurredAt: string;
  readonly correlationId: string;
}
interface NotificationList {
  readonly items: readonly Notification[];
  readonly nextCursor: string | null;
}

let provider: Account;
let roomId: string;
let day = 120;

const inbox = async (account: Account, query = ''): Promise<NotificationList> => {
  const response = await call(account, 'GET', `/v1/notifications${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as NotificationList;
};

/** Books and waits until its confirmation is in the owner's inbox. */
const bookConfirmed = async (account: Account): Promise<Booking> => {
  day += 1;
  const startTime = at(day, 9);
  const response = await call(account, 'POST', '/v1/bookings', {
    roomId,
    startTime,
    endTime: plus(startTime, 60),
    paymentToken: 'tok_ok',
  });
  expect(response.status).toBe(201);
  const booking = (await response.json()) as Booking;
  await pollUntil(
    () => inbox(account, '?limit=100'),
    (page) => page.items.some((n) => n.type === 'booking.confirmed' && n.data.booking?.id === booking.id),
  );
  return booking;
};

beforeAll(async () => {
  provider = await newProvider('inbox-provider');
  roomId = (await createRoom(provider)).id;
});

describe('GET /v1/notifications', () => {
  it("answers the caller's own notifications, oldest first, and a stranger's inbox holds none of them", async () => {
    const [owner, stranger] = await Promise.all([newAccount('inbox-owner'), newAccount('inbox-stranger')]);

    const booking = await bookConfirmed(owner);

    const page = await inbox(owner);
    expect(page.items.map((n) => n.type)).toEqual([
      'booking.created',
      'payment.succeeded',
      'booking.confirmed',
    ]);
    expect(page.items.map((n) => n.id)).toEqual([...page.items.map((n) => n.id)].sort());
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]?.data.booking?.id).toBe(booking.id);
    expect((await inbox(stranger)).items).toEqual([]);
  });

  it('pages with limit and after, each page starting after the id given', async () => {
    const owner = await newAccount('inbox-pages');
    await bookConfirmed(owner);
    await bookConfirmed(owner);
    const all = (await inbox(owner)).items;
    expect(all).toHaveLength(6);

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: NotificationList = await inbox(owner, `?limit=4${after ? `&after=${after}` : ''}`);
      seen.push(...page.items.map((n) => n.id));
      after = page.nextCursor;
      if (!after) break;
    }

    expect(seen).toEqual(all.map((n) => n.id));
    const last = all.at(-1)?.id as string;
    expect((await inbox(owner, `?after=${last}`)).items).toEqual([]);
    expect((await inbox(owner, `?after=${all[3]?.id}`)).items.map((n) => n.id)).toEqual(
      all.slice(4).map((n) => n.id),
    );
  });

  it('refuses a malformed after or limit with a 400 naming it, and an anonymous caller with a 401', async () => {
    const owner = await newAccount('inbox-bad');

    const bad = await call(owner, 'GET', '/v1/notifications?after=not-an-id&limit=0');
    const anonymous = await raw('/v1/notifications');

    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['after', 'limit']);
    expect(anonymous.status).toBe(401);
  });
});

describe('resume on the WebSocket', () => {
  it('replays in order what happened while the person was offline, then live messages continue', async () => {
    const owner = await newAccount('inbox-resume');
    const first = await openSocket(owner.tokens.accessToken);
    const before = await bookConfirmed(owner);
    await first.next((m) => m.type === 'booking.confirmed' && m.data?.booking?.id === before.id);
    const lastSeen = first.notifications().at(-1)?.id as string;
    await first.close();

    const missed = await bookConfirmed(owner);
    const second = await openSocket(owner.tokens.accessToken);
    second.send({ action: 'resume', after: lastSeen, requestId: 'resume-1' });
    const resumed = await second.next((m) => m.type === 'resumed');

    const replayed = second.notifications();
    expect(
      replayed.map((m) => [
        m.type,
        m.data?.booking?.id ?? (m.data?.payment as { bookingId?: string } | undefined)?.bookingId,
      ]),
    ).toEqual([
      ['booking.created', missed.id],
      ['payment.succeeded', missed.id],
      ['booking.confirmed', missed.id],
    ]);
    expect(second.messages.indexOf(resumed)).toBe(3);
    expect(resumed).toMatchObject({
      requestId: 'resume-1',
      count: 3,
      lastId: replayed.at(-1)?.id,
      more: false,
    });
    expect(replayed.map((m) => m.id)).toEqual(
      (await inbox(owner, `?after=${lastSeen}`)).items.map((n) => n.id),
    );

    const live = await bookConfirmed(owner);
    await second.next((m) => m.type === 'booking.confirmed' && m.data?.booking?.id === live.id);
    await second.close();
  });

  it('replays the whole inbox without after, and nothing after the last id', async () => {
    const owner = await newAccount('inbox-resume-all');
    await bookConfirmed(owner);
    const socket = await openSocket(owner.tokens.accessToken);

    const all = await socket.request({ action: 'resume' });
    const ids = socket.notifications().map((m) => m.id);
    const none = await socket.request({ action: 'resume', after: ids.at(-1) });

    expect(all).toMatchObject({ type: 'resumed', count: 3, more: false });
    expect(none).toMatchObject({ type: 'resumed', count: 0, lastId: ids.at(-1), more: false });
    expect(socket.notifications()).toHaveLength(3);
    const bad = await socket.request({ action: 'resume', after: 'nope' });
    expect(bad).toMatchObject({ type: 'error', status: 400 });
    await socket.close();
  });
});
