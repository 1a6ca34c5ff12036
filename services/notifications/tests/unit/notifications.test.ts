import { newEvent } from '@tessera/shared/events';
import { describe, expect, it } from 'vitest';
import { capturedMetrics } from '../../../../tests/support/metrics.ts';
import { listInbox } from '../../src/domain/inbox-queries.ts';
import { audienceOf, notificationId } from '../../src/domain/notification.ts';
import {
  connect,
  deliver,
  disconnect,
  follow,
  MAX_ROOMS,
  RESUME_LIMIT,
  resume,
} from '../../src/domain/notifications.ts';
import {
  availabilityChanged,
  BOOKING,
  bookingConfirmed,
  bookingCreated,
  fakeDependencies,
  ROOM,
  USERS,
} from './fakes.ts';

const principal = (userId: string) => ({ userId, role: 'user' as const, expiresAt: 2_000_000_000 });

const open = async (world: ReturnType<typeof fakeDependencies>, connectionId: string, userId: string) =>
  connect(world.deps, {
    connectionId,
    userId,
    role: 'user',
    connectedAt: Date.parse('2026-12-03T09:00:00Z'),
  });

/** The world's dependencies with fresh metrics, so a test counts only what its act moves. */
const counting = (world: ReturnType<typeof fakeDependencies>) => {
  const metrics = capturedMetrics('notifications');
  return { deps: { ...world.deps, metrics }, metrics };
};

describe('Function: audienceOf', () => {
  const ticket = {
    id: '6be39f64-c2bd-42b7-9364-e08172930415',
    title: 't',
    description: '',
    priority: 'LOW' as const,
    status: 'OPEN' as const,
    reporterId: USERS.reporter,
    assigneeId: USERS.assignee,
    createdAt: '2026-12-03T09:00:00.000Z',
    updatedAt: '2026-12-03T09:00:00.000Z',
    version: 2,
  };
  const at = { correlationId: 'c', occurredAt: new Date() };

  it('names the owner and the provider of a booking, the owner of a payment, and no person for a room', () => {
    const payment = newEvent(
      'payment.succeeded',
      {
        payment: {
          id: '7cf4a075-d3ce-43c8-a475-f19283a41526',
          bookingId: BOOKING,
          userId: USERS.owner,
          status: 'SUCCEEDED',
          amount: 1000,
          currency: 'EUR',
          attempts: [{ number: 1, at: '2026-12-03T09:00:00.000Z', outcome: 'SUCCEEDED' }],
          failureReason: null,
          refundReason: null,
          createdAt: '2026-12-03T09:00:00.000Z',
          updatedAt: '2026-12-03T09:00:00.000Z',
          version: 1,
        },
      },
      at,
    );

    expect(audienceOf(bookingCreated())).toEqual({ users: [USERS.owner, USERS.provider], rooms: [] });
    expect(audienceOf(payment)).toEqual({ users: [USERS.owner], rooms: [] });
    expect(audienceOf(availabilityChanged())).toEqual({ users: [], rooms: [ROOM] });
  });

  it('names the reporter, the assignee and the assignee replaced of a ticket, once each', () => {
    const updated = newEvent(
      'ticket.updated',
      {
        ticket,
        changes: ['assigneeId'],
        previousStatus: 'OPEN',
        previousAssigneeId: USERS.owner,
        changedBy: USERS.provider,
      },
      at,
    );
    const selfAssigned = newEvent(
      'ticket.created',
      { ticket: { ...ticket, assigneeId: USERS.reporter } },
      at,
    );
    const deleted = newEvent(
      'ticket.deleted',
      { ticketId: ticket.id, reporterId: USERS.reporter, assigneeId: null, deletedBy: USERS.reporter },
      at,
    );

    expect(audienceOf(updated).users).toEqual([USERS.reporter, USERS.assignee, USERS.owner]);
    expect(audienceOf(selfAssigned).users).toEqual([USERS.reporter]);
    expect(audienceOf(deleted).users).toEqual([USERS.reporter]);
  });
});

describe('Function: notificationId', () => {
  it('is 26 characters of Crockford base32 that sort by time, and differs per recipient', () => {
    const early = notificationId(new Date('2026-12-03T10:00:00.000Z'), 'e1', USERS.owner);
    const later = notificationId(new Date('2026-12-03T10:00:00.001Z'), 'e0', USERS.owner);

    expect(early).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(early < later).toBe(true);
    expect(notificationId(new Date(0), 'e1', USERS.owner)).not.toBe(
      notificationId(new Date(0), 'e1', USERS.provider),
    );
    expect(notificationId(new Date(0), 'e1', USERS.owner)).toBe(
      notificationId(new Date(0), 'e1', USERS.owner),
    );
  });
});

describe('Function: deliver', () => {
  it('stores one notification per person and pushes it to each of their connections, never the payment token', async () => {
    const world = fakeDependencies();
    await open(world, 'owner-a', USERS.owner);
    await open(world, 'owner-b', USERS.owner);
    await open(world, 'provider-a', USERS.provider);
    await open(world, 'other', USERS.reporter);

    const outcome = await deliver(world.deps, bookingCreated('corr-9'));

    expect(outcome).toEqual({ outcome: 'delivered', pushes: { sent: 3, gone: 0, failed: 0 } });
    expect(world.posted.map((p) => p.connectionId).sort()).toEqual(['owner-a', 'owner-b', 'provider-a']);
    expect(world.inboxItems.map((n) => n.userId).sort()).toEqual([USERS.owner, USERS.provider].sort());
    const [message] = world.posted;
    expect(Object.keys(message?.message ?? {}).sort()).toEqual([
      'correlationId',
      'data',
      'id',
      'occurredAt',
      'type',
    ]);
    expect(message?.message).toMatchObject({
      type: 'booking.created',
      correlationId: 'corr-9',
      occurredAt: '2026-12-03T09:59:00.000Z',
    });
    expect(JSON.stringify(world.posted)).not.toContain('tok_secret');
    expect(JSON.stringify(world.inboxItems)).not.toContain('tok_secret');
  });

  it('pushes nothing and stores nothing for a redelivered event', async () => {
    const world = fakeDependencies();
    await open(world, 'owner-a', USERS.owner);
    const event = bookingConfirmed();
    await deliver(world.deps, event);

    world.tick(5_000);
    const again = await deliver(world.deps, event);

    expect(again).toEqual({ outcome: 'duplicate' });
    expect(world.posted).toHaveLength(1);
    expect(world.inboxItems).toHaveLength(2);
  });

  it('forgets a connection the push finds gone, keeps the notification, and logs nothing for it', async () => {
    const world = fakeDependencies();
    await open(world, 'live', USERS.owner);
    await open(world, 'stale', USERS.owner);
    world.answers.set('stale', 'gone');

    const outcome = await deliver(world.deps, bookingConfirmed());

    expect(outcome).toMatchObject({ pushes: { sent: 1, gone: 1, failed: 0 } });
    expect([...world.connections.keys()]).toEqual(['live']);
    expect(world.inboxItems.filter((n) => n.userId === USERS.owner)).toHaveLength(1);
  });

  it('keeps a connection whose push failed otherwise (the inbox has the notification for its resume)', async () => {
    const world = fakeDependencies();
    await open(world, 'flaky', USERS.owner);
    world.answers.set('flaky', 'failed');

    const outcome = await deliver(world.deps, bookingConfirmed());

    expect(outcome).toMatchObject({ pushes: { sent: 0, gone: 0, failed: 1 } });
    expect(world.connections.has('flaky')).toBe(true);
    expect(world.inboxItems).toHaveLength(2);
  });

  it("pushes a room's change to its followers only, stores it in no inbox, and once", async () => {
    const world = fakeDependencies();
    await open(world, 'watcher', USERS.reporter);
    await open(world, 'bystander', USERS.assignee);
    await follow(world.deps, { connectionId: 'watcher', connectedAt: 0 }, ROOM);
    const event = availabilityChanged();

    await deliver(world.deps, event);
    await deliver(world.deps, event);

    expect(world.posted.map((p) => p.connectionId)).toEqual(['watcher']);
    expect(world.posted[0]?.message.data).toEqual(event.detail.data);
    expect(world.inboxItems).toEqual([]);
  });

  it('forgets the follow of a gone follower even when its connection record went first', async () => {
    const world = fakeDependencies();
    await open(world, 'watcher', USERS.reporter);
    await follow(world.deps, { connectionId: 'watcher', connectedAt: 0 }, ROOM);
    world.connections.delete('watcher');

    await deliver(world.deps, availabilityChanged());

    expect(world.follows.get(ROOM)?.size).toBe(0);
  });
});

describe('Function: resume', () => {
  it('replays the notifications after an id to the one connection, in order, and says none are left', async () => {
    const world = fakeDependencies();
    await open(world, 'c1', USERS.owner);
    await deliver(world.deps, bookingCreated());
    world.tick(1);
    await deliver(world.deps, bookingConfirmed());
    const [first, second] = world.inboxItems.filter((n) => n.userId === USERS.owner);
    world.posted.length = 0;

    const answer = await resume(world.deps, { connectionId: 'c1', userId: USERS.owner }, first?.id);

    expect(answer).toEqual({ count: 1, lastId: second?.id, more: false });
    expect(world.posted.map((p) => p.message.id)).toEqual([second?.id]);
  });

  it(`replays at most ${RESUME_LIMIT} and says more are left`, async () => {
    const world = fakeDependencies();
    await open(world, 'c1', USERS.owner);
    for (let i = 0; i < RESUME_LIMIT + 2; i++) {
      world.tick(1);
      await deliver(world.deps, bookingConfirmed());
    }

    const answer = await resume(world.deps, { connectionId: 'c1', userId: USERS.owner }, undefined);

    expect(answer.count).toBe(RESUME_LIMIT);
    expect(answer.more).toBe(true);
  });

  it('stops at a push that fails and answers where it stopped, so the client resumes from there', async () => {
    const world = fakeDependencies();
    await open(world, 'c1', USERS.owner);
    await deliver(world.deps, bookingCreated());
    world.answers.set('c1', 'failed');

    const answer = await resume(world.deps, { connectionId: 'c1', userId: USERS.owner }, undefined);

    expect(answer).toEqual({ count: 0, lastId: null, more: true });
  });
});

describe('Function: follow', () => {
  it(`follows at most ${MAX_ROOMS} rooms per connection, and none for a connection that is gone`, async () => {
    const world = fakeDependencies();
    await open(world, 'c1', USERS.owner);
    const rooms = Array.from(
      { length: MAX_ROOMS },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    for (const room of rooms)
      expect(await follow(world.deps, { connectionId: 'c1', connectedAt: 0 }, room)).toBe('written');

    expect(await follow(world.deps, { connectionId: 'c1', connectedAt: 0 }, ROOM)).toBe('full');
    expect(await follow(world.deps, { connectionId: 'c1', connectedAt: 0 }, rooms[0] as string)).toBe(
      'written',
    );
    expect(await follow(world.deps, { connectionId: 'nobody', connectedAt: 0 }, ROOM)).toBe('gone');
  });
});

describe('Function: listInbox', () => {
  it("pages the caller's own notifications with a cursor that is the last id", async () => {
    const world = fakeDependencies();
    await deliver(world.deps, bookingCreated());
    world.tick(1);
    await deliver(world.deps, bookingConfirmed());

    const first = await listInbox(world.deps, principal(USERS.owner), { limit: 1 });
    const second = await listInbox(world.deps, principal(USERS.owner), {
      limit: 1,
      after: first.nextCursor ?? '',
    });
    const stranger = await listInbox(world.deps, principal(USERS.reporter), { limit: 20 });

    expect(first.items.map((n) => n.type)).toEqual(['booking.created']);
    expect(first.nextCursor).toBe(first.items[0]?.id);
    expect(second).toEqual({
      items: [expect.objectContaining({ type: 'booking.confirmed' })],
      nextCursor: null,
    });
    expect(stranger).toEqual({ items: [], nextCursor: null });
    expect(first.items[0]).not.toHaveProperty('userId');
  });
});

describe('Metric: NotificationsPushed', () => {
  it('counts each connection one event is pushed to, under the notifications service, with its id', async () => {
    // Prepare
    const world = fakeDependencies();
    await open(world, 'owner-a', USERS.owner);
    await open(world, 'owner-b', USERS.owner);
    await open(world, 'other', USERS.reporter);
    const { deps, metrics } = counting(world);

    // Act
    await deliver(deps, bookingCreated('corr-9'));

    // Assess
    expect(metrics.published('NotificationsPushed')).toEqual([
      {
        value: 2,
        dimensions: [['service', 'environment']],
        service: 'notifications',
        correlationId: 'corr-9',
      },
    ]);
  });

  it("counts each follower a room's change is pushed to", async () => {
    // Prepare
    const world = fakeDependencies();
    await open(world, 'watcher-a', USERS.reporter);
    await open(world, 'watcher-b', USERS.assignee);
    await open(world, 'bystander', USERS.owner);
    await follow(world.deps, { connectionId: 'watcher-a', connectedAt: 0 }, ROOM);
    await follow(world.deps, { connectionId: 'watcher-b', connectedAt: 0 }, ROOM);
    const { deps, metrics } = counting(world);

    // Act
    await deliver(deps, availabilityChanged());

    // Assess
    expect(metrics.total('NotificationsPushed')).toBe(2);
  });

  it.each([
    ['for a person', () => bookingConfirmed()],
    ['for a room', () => availabilityChanged()],
  ])('counts nothing for a redelivered event %s', async (_case, makeEvent) => {
    // Prepare
    const world = fakeDependencies();
    await open(world, 'owner-a', USERS.owner);
    await follow(world.deps, { connectionId: 'owner-a', connectedAt: 0 }, ROOM);
    const event = makeEvent();
    await deliver(world.deps, event);
    const { deps, metrics } = counting(world);

    // Act
    const again = await deliver(deps, event);

    // Assess
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(metrics.total('NotificationsPushed')).toBe(0);
  });

  it('counts nothing for a push that failed otherwise than gone', async () => {
    // Prepare
    const world = fakeDependencies();
    await open(world, 'flaky', USERS.owner);
    world.answers.set('flaky', 'failed');
    const { deps, metrics } = counting(world);

    // Act
    await deliver(deps, bookingConfirmed());

    // Assess
    expect(metrics.lines).toEqual([]);
  });
});

describe('Metric: NotificationsDropped', () => {
  it('counts each push answered gone, not one that failed otherwise, beside the pushes sent, on one line', async () => {
    // Prepare
    const world = fakeDependencies();
    await open(world, 'live', USERS.owner);
    await open(world, 'stale-a', USERS.owner);
    await open(world, 'stale-b', USERS.provider);
    await open(world, 'flaky', USERS.provider);
    world.answers.set('stale-a', 'gone');
    world.answers.set('stale-b', 'gone');
    world.answers.set('flaky', 'failed');
    const { deps, metrics } = counting(world);

    // Act
    await deliver(deps, bookingCreated('corr-3'));

    // Assess
    expect(metrics.published('NotificationsDropped')).toEqual([
      {
        value: 2,
        dimensions: [['service', 'environment']],
        service: 'notifications',
        correlationId: 'corr-3',
      },
    ]);
    expect(metrics.lines).toEqual([
      expect.objectContaining({ NotificationsPushed: 1, NotificationsDropped: 2 }),
    ]);
  });

  it('counts nothing when every push is sent', async () => {
    // Prepare
    const world = fakeDependencies();
    await open(world, 'live', USERS.owner);
    const { deps, metrics } = counting(world);

    // Act
    await deliver(deps, bookingConfirmed());

    // Assess
    expect(metrics.total('NotificationsPushed')).toBe(1);
    expect(metrics.total('NotificationsDropped')).toBe(0);
  });
});

/** One socket counted, as its line reads: 1, under the notifications service, no correlation id. */
const ONE_SOCKET = {
  value: 1,
  dimensions: [['service', 'environment']],
  service: 'notifications',
  correlationId: undefined,
};

describe('Metrics: SocketsConnected and SocketsDisconnected', () => {
  const connection = (connectionId: string) => ({
    connectionId,
    userId: USERS.owner,
    role: 'user' as const,
    connectedAt: Date.parse('2026-12-03T09:00:00Z'),
  });

  it('counts one connection per connect, under the notifications service', async () => {
    // Prepare
    const world = fakeDependencies();
    const { deps, metrics } = counting(world);

    // Act
    await connect(deps, connection('c1'));
    await connect(deps, connection('c2'));

    // Assess
    expect(metrics.published('SocketsConnected')).toEqual([ONE_SOCKET, ONE_SOCKET]);
    expect(metrics.total('SocketsDisconnected')).toBe(0);
  });

  it('counts one disconnection per disconnect, under the notifications service', async () => {
    // Prepare
    const world = fakeDependencies();
    await open(world, 'c1', USERS.owner);
    await open(world, 'c2', USERS.owner);
    const { deps, metrics } = counting(world);

    // Act
    await disconnect(deps, 'c1');
    await disconnect(deps, 'c2');

    // Assess
    expect(metrics.published('SocketsDisconnected')).toEqual([ONE_SOCKET, ONE_SOCKET]);
    expect(metrics.total('SocketsConnected')).toBe(0);
    expect(world.connections.size).toBe(0);
  });
});
