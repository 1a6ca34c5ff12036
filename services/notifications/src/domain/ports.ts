/**
 * What the notifications use cases need from the world: the connections and the rooms they follow,
 * the inbox, the WebSocket API's `@connections` endpoint, and the clock. Stores answer outcomes;
 * the use cases decide.
 */

import type { Clock } from '@tessera/shared/clock';
import type { Metrics } from '@tessera/shared/metrics-catalog';
import type { Notification, NotificationMessage } from './notification.ts';

/** An open WebSocket connection, as `$connect` stored it. */
interface Connection {
  readonly connectionId: string;
  readonly userId: string;
  readonly role: string;
  /** ms since the epoch. */
  readonly connectedAt: number;
}

interface ConnectionStore {
  put(connection: Connection, expiresAt: Date): Promise<void>;
  /**
   * Forgets a connection and the rooms it follows (and `alsoRooms`, follows that may have outlived
   * the connection's record); nothing when it is not known.
   */
  remove(connectionId: string, alsoRooms?: readonly string[]): Promise<void>;
  /** The open connections of each of these people. */
  ofUsers(userIds: readonly string[]): Promise<readonly Connection[]>;
  /** The ids of the connections that follow a room. */
  followersOf(roomId: string): Promise<readonly string[]>;
  /**
   * Follows a room until `expiresAt` (when the connection would close): `'gone'` when the
   * connection is not known, `'full'` at `max` rooms.
   */
  follow(
    connectionId: string,
    roomId: string,
    max: number,
    expiresAt: Date,
  ): Promise<'written' | 'gone' | 'full'>;
  unfollow(connectionId: string, roomId: string): Promise<void>;
}

interface InboxPage {
  readonly items: readonly Notification[];
  /** True when more follow the last item. */
  readonly more: boolean;
}

/** The inbox's writes. */
interface InboxWriter {
  /**
   * Stores the event's notifications and records the event as processed, in one write: `'duplicate'`
   * (and nothing written) when the event was processed already.
   */
  record(eventId: string, notifications: readonly Notification[], at: Date): Promise<'written' | 'duplicate'>;
  /** Records an event that stores nothing (a room's change) as processed: `'duplicate'` when it was. */
  markProcessed(eventId: string, at: Date): Promise<'written' | 'duplicate'>;
}

/** The inbox's reads. */
interface InboxReader {
  /** A person's notifications after `after` (a notification id), oldest first, of those not expired at `now`. */
  after(userId: string, after: string | undefined, limit: number, now: Date): Promise<InboxPage>;
}

type Inbox = InboxWriter & InboxReader;

/** The WebSocket API's `@connections`: `'gone'` for a connection API Gateway no longer has. */
interface ConnectionsApi {
  post(
    connectionId: string,
    message: NotificationMessage | Readonly<Record<string, unknown>>,
  ): Promise<'sent' | 'gone' | 'failed'>;
}

interface Dependencies {
  readonly connections: ConnectionStore;
  readonly inbox: Inbox;
  readonly connectionsApi: ConnectionsApi;
  readonly clock: Clock;
  readonly log: (message: string, attributes: Readonly<Record<string, unknown>>) => Promise<void>;
  /** Pushes, drops and socket connections counted. */
  readonly metrics: Metrics;
}

export type {
  Connection,
  ConnectionStore,
  ConnectionsApi,
  Dependencies,
  Inbox,
  InboxPage,
  InboxReader,
  InboxWriter,
};
