/**
 * In-memory stand-ins for the notifications ports, for the use cases' unit tests: they keep what
 * the DynamoDB adapters keep (the integration tests hold the adapters to the same behaviour), and
 * a connections API whose answer per connection a test chooses.
 */
import { newEvent } from '@tessera/shared/events';
import { capturedMetrics } from '../../../../tests/support/metrics.ts';
import type { Notification } from '../../src/domain/notification.ts';
import type {
  Connection,
  ConnectionStore,
  ConnectionsApi,
  Dependencies,
  Inbox,
} from '../../src/domain/ports.ts';

const fakeDependencies = (now = new Date('2026-12-03T10:00:00.000Z')) => {
  const connections = new Map<string, Connection & { rooms: Set<string> }>();
  const follows = new Map<string, Set<string>>();
  const inboxItems: Notification[] = [];
  const processed = new Set<string>();
  const posted: { connectionId: string; message: Record<string, unknown> }[] = [];
  const answers = new Map<string, 'sent' | 'gone' | 'failed'>();
  const logged: string[] = [];
  let clock = now;

  const store: ConnectionStore = {
    async put(connection) {
      connections.set(connection.connectionId, { ...connection, rooms: new Set() });
    },
    async remove(connectionId, alsoRooms = []) {
      const found = connections.get(connectionId);
      for (const roomId of [...(found?.rooms ?? []), ...alsoRooms]) follows.get(roomId)?.delete(connectionId);
      connections.delete(connectionId);
    },
    async ofUsers(userIds) {
      return [...connections.values()].filter((c) => userIds.includes(c.userId));
    },
    async followersOf(roomId) {
      return [...(follows.get(roomId) ?? [])];
    },
    async follow(connectionId, roomId, max) {
      const found = connections.get(connectionId);
      if (!found) return 'gone';
      if (!found.rooms.has(roomId) && found.rooms.size >= max) return 'full';
      found.rooms.add(roomId);
      follows.set(roomId, (follows.get(roomId) ?? new Set()).add(connectionId));
      return 'written';
    },
    async unfollow(connectionId, roomId) {
      connections.get(connectionId)?.rooms.delete(roomId);
      follows.get(roomId)?.delete(connectionId);
    },
  };
  const inbox: Inbox = {
    async record(eventId, notifications) {
      if (processed.has(eventId)) return 'duplicate';
      processed.add(eventId);
      inboxItems.push(...notifications);
      inboxItems.sort((a, b) => a.id.localeCompare(b.id));
      return 'written';
    },
    async markProcessed(eventId) {
      if (processed.has(eventId)) return 'duplicate';
      processed.add(eventId);
      return 'written';
    },
    async after(userId, after, limit) {
      const mine = inboxItems.filter((n) => n.userId === userId && (after === undefined || n.id > after));
      return { items: mine.slice(0, limit), more: mine.length > limit };
    },
  };
  const connectionsApi: ConnectionsApi = {
    async post(connectionId, message) {
      const answer = answers.get(connectionId) ?? (connections.has(connectionId) ? 'sent' : 'gone');
      if (answer === 'sent') posted.push({ connectionId, message: message as Record<string, unknown> });
      return answer;
    },
  };
  const deps: Dependencies = {
    connections: store,
    inbox,
    connectionsApi,
    clock: { now: () => clock },
    metrics: capturedMetrics('notifications'),
    log: async (message) => {
      logged.push(message);
    },
  };
  return {
    deps,
    connections,
    follows,
    inboxItems,
    posted,
    answers,
    logged,
    tick: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
  };
};

const USERS = {
  owner: '0b8d3f0e-6c57-4c51-9d0e-8a2b1c3d4e5f',
  provider: '1c9e4a1f-7d68-4d62-8e1f-9b3c2d4e5f60',
  reporter: '2daf5b20-8e79-4e73-9f20-ac4d3e5f6071',
  assignee: '3eb06c31-9f8a-4f84-a031-bd5e4f607182',
} as const;
const ROOM = '4fc17d42-a09b-4095-b142-ce6f50718293';
const BOOKING = '5ad28e53-b1ac-41a6-8253-df7061829304';

const booking = (status: 'PENDING_PAYMENT' | 'CONFIRMED' = 'PENDING_PAYMENT') => ({
  id: BOOKING,
  roomId: ROOM,
  userId: USERS.owner,
  providerId: USERS.provider,
  title: null,
  startTime: '2026-12-10T10:00:00.000Z',
  endTime: '2026-12-10T11:00:00.000Z',
  status,
  amount: 1000,
  currency: 'EUR',
  createdAt: '2026-12-03T09:00:00.000Z',
  updatedAt: '2026-12-03T09:00:00.000Z',
  version: 1,
});

const options = (correlationId = 'corr-1') => ({
  correlationId,
  occurredAt: new Date('2026-12-03T09:59:00.000Z'),
});

const bookingCreated = (correlationId?: string) =>
  newEvent(
    'booking.created',
    { booking: booking(), paymentToken: 'tok_secret', changedBy: USERS.owner },
    options(correlationId),
  );

const bookingConfirmed = () =>
  newEvent(
    'booking.confirmed',
    { booking: booking('CONFIRMED'), previousStatus: 'PENDING_PAYMENT', changedBy: null },
    options(),
  );

const availabilityChanged = () =>
  newEvent(
    'room.availability_changed',
    {
      roomId: ROOM,
      change: 'taken',
      startTime: '2026-12-10T10:00:00.000Z',
      endTime: '2026-12-10T11:00:00.000Z',
    },
    options(),
  );

export { availabilityChanged, BOOKING, bookingConfirmed, bookingCreated, fakeDependencies, ROOM, USERS };
