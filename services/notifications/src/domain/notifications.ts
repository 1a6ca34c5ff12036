/**
 * The notifications use cases.
 *
 * - `deliver`: an event that concerns people is stored in each one's inbox in the same write that
 *   records the event as processed, then pushed to every open connection of theirs; an event for a
 *   room is recorded as processed, then pushed to the room's followers. A redelivered event finds
 *   its record and pushes nothing. A push API Gateway answers `Gone` forgets that connection (a
 *   `$disconnect` that never came). A push that fails otherwise is logged and not retried: the
 *   inbox has the notification, and the client's `resume` fetches it.
 * - `connect`, `disconnect`: the connections of the WebSocket API, kept 2 hours at most (API
 *   Gateway's limit on a connection), so the table's TTL clears what `$disconnect` and `Gone` miss.
 * - `resume`: replays a person's inbox after an id to one connection, in order.
 * - `follow`, `unfollow`: a connection's rooms, at most `MAX_ROOMS`.
 */
import type { AnyTesseraEvent } from '@tessera/shared/events';
import { publicMessage } from './inbox-queries.ts';
import {
  audienceOf,
  messageOf,
  type Notification,
  type NotificationMessage,
  notificationId,
} from './notification.ts';
import type { Connection, Dependencies } from './ports.ts';

/** API Gateway closes a connection after 2 hours; its record outlives that by a minute. */
const CONNECTION_LIFETIME_SECONDS = 2 * 60 * 60 + 60;
/** Rooms one connection may follow. */
const MAX_ROOMS = 20;
/** Notifications one `resume` replays; the answer says when more are left. */
const RESUME_LIMIT = 500;
/** Pushes sent at once, so a fan-out to many connections is neither serial nor unbounded. */
const PUSH_CONCURRENCY = 16;

type DeliveryOutcome =
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'delivered'; readonly pushes: PushTally };

interface PushTally {
  sent: number;
  gone: number;
  failed: number;
}

/** Runs `work` over the items, `limit` at a time. */
const eachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
};

interface PushTarget {
  readonly connectionId: string;
  readonly message: NotificationMessage;
  /** The room the connection was found following, when it was. */
  readonly roomId?: string;
}

/** Pushes one event's message to its targets; counts the pushes sent and the connections gone. */
const push = async (
  deps: Dependencies,
  targets: readonly PushTarget[],
  correlationId: string,
): Promise<PushTally> => {
  const tally: PushTally = { sent: 0, gone: 0, failed: 0 };
  await eachLimited(targets, PUSH_CONCURRENCY, async ({ connectionId, message, roomId }) => {
    const outcome = await deps.connectionsApi.post(connectionId, message);
    tally[outcome]++;
    // The follow it was found by goes too, even if the connection's own record went first.
    if (outcome === 'gone') await deps.connections.remove(connectionId, roomId ? [roomId] : []);
  });
  if (tally.sent + tally.gone > 0) {
    deps.metrics.emit(
      {
        ...(tally.sent > 0 ? { NotificationsPushed: tally.sent } : {}),
        ...(tally.gone > 0 ? { NotificationsDropped: tally.gone } : {}),
      },
      { properties: { correlationId } },
    );
  }
  return tally;
};

/**
 * Stores and pushes one event to the people and rooms it concerns, once however often it comes.
 *
 * @example
 * await deliver(deps, event); // { outcome: 'delivered', pushes: { sent: 2, gone: 0, failed: 0 } }
 */
const deliver = async (deps: Dependencies, event: AnyTesseraEvent): Promise<DeliveryOutcome> => {
  const now = deps.clock.now();
  const { eventId } = event.detail;
  const audience = audienceOf(event);
  if (audience.users.length > 0) {
    const notifications: Notification[] = audience.users.map((userId) => ({
      ...messageOf(event, notificationId(now, eventId, userId)),
      userId,
    }));
    if ((await deps.inbox.record(eventId, notifications, now)) === 'duplicate')
      return { outcome: 'duplicate' };
    const connections = await deps.connections.ofUsers(audience.users);
    const byUser = new Map(notifications.map((n) => [n.userId, publicMessage(n)]));
    const targets = connections.flatMap((connection) => {
      const message = byUser.get(connection.userId);
      return message ? [{ connectionId: connection.connectionId, message }] : [];
    });
    return { outcome: 'delivered', pushes: await push(deps, targets, event.detail.correlationId) };
  }
  if (audience.rooms.length === 0) return { outcome: 'delivered', pushes: { sent: 0, gone: 0, failed: 0 } };
  if ((await deps.inbox.markProcessed(eventId, now)) === 'duplicate') return { outcome: 'duplicate' };
  const targets = (
    await Promise.all(
      audience.rooms.map(async (roomId) => {
        const message = messageOf(event, notificationId(now, eventId, `room:${roomId}`));
        return (await deps.connections.followersOf(roomId)).map((connectionId) => ({
          connectionId,
          message,
          roomId,
        }));
      }),
    )
  ).flat();
  return { outcome: 'delivered', pushes: await push(deps, targets, event.detail.correlationId) };
};

/** Stores a connection `$connect` let through. */
const connect = async (deps: Dependencies, connection: Connection): Promise<void> => {
  await deps.connections.put(
    connection,
    new Date(connection.connectedAt + CONNECTION_LIFETIME_SECONDS * 1000),
  );
  deps.metrics.count('SocketsConnected');
};

/** Forgets a connection that closed. */
const disconnect = async (deps: Dependencies, connectionId: string): Promise<void> => {
  await deps.connections.remove(connectionId);
  deps.metrics.count('SocketsDisconnected');
};

/**
 * Replays a person's notifications after `after` to one of their connections, in order; answers how
 * many, the last one's id, and whether more are left (the client resumes again after `lastId`).
 */
const resume = async (
  deps: Dependencies,
  connection: { readonly connectionId: string; readonly userId: string },
  after: string | undefined,
): Promise<{ readonly count: number; readonly lastId: string | null; readonly more: boolean }> => {
  const page = await deps.inbox.after(connection.userId, after, RESUME_LIMIT, deps.clock.now());
  let count = 0;
  for (const notification of page.items) {
    // One at a time, so the client gets them in order.
    const outcome = await deps.connectionsApi.post(connection.connectionId, publicMessage(notification));
    if (outcome !== 'sent') return { count, lastId: page.items[count - 1]?.id ?? after ?? null, more: true };
    count++;
  }
  return { count, lastId: page.items.at(-1)?.id ?? after ?? null, more: page.more };
};

/** Follows a room for as long as the connection (opened at `connectedAt`, ms) can live. */
const follow = (
  deps: Dependencies,
  connection: { readonly connectionId: string; readonly connectedAt: number },
  roomId: string,
) =>
  deps.connections.follow(
    connection.connectionId,
    roomId,
    MAX_ROOMS,
    new Date(connection.connectedAt + CONNECTION_LIFETIME_SECONDS * 1000),
  );

const unfollow = (deps: Dependencies, connectionId: string, roomId: string) =>
  deps.connections.unfollow(connectionId, roomId);

export type { DeliveryOutcome, PushTally };
export {
  CONNECTION_LIFETIME_SECONDS,
  connect,
  deliver,
  disconnect,
  follow,
  MAX_ROOMS,
  RESUME_LIMIT,
  resume,
  unfollow,
};
