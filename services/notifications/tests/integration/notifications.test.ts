/**
 * The notifications table on DynamoDB Local, through the real adapters and the WebSocket handler:
 * connections by user (the GSI), the rooms a connection follows and what forgetting it forgets,
 * the follow limit under a burst of subscribes at once, an inbox write and its processed record as
 * one (a redelivery writes nothing), and inbox pages in id order without what has expired.
 */
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@tessera/shared/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { capturedMetrics } from '../../../../tests/support/metrics.ts';
import { createInboxReader } from '../../src/adapters/inbox-reader.ts';
import { createConnectionStore, createInboxWriter } from '../../src/adapters/notification-store.ts';
import type { Notification } from '../../src/domain/notification.ts';
import { MAX_ROOMS } from '../../src/domain/notifications.ts';
import type { ConnectionStore, Dependencies, Inbox } from '../../src/domain/ports.ts';
import { createWebSocketHandler } from '../../src/handlers/websocket.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;
let connections: ConnectionStore;
let inbox: Inbox;

const silent = {
  debug: async () => {},
  info: async () => {},
  warn: async () => {},
  error: async () => {},
} as unknown as Logger;
const room = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
// Now, not a fixed date: DynamoDB Local deletes items whose `ttl` has passed, as DynamoDB does.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const LATER = new Date(NOW.getTime() + 7_200_000);

beforeAll(async () => {
  table = await serviceTable('notifications');
  connections = createConnectionStore(table.documentClient, table.tableName);
  inbox = {
    ...createInboxWriter(table.documentClient, table.tableName),
    ...createInboxReader(table.documentClient, table.tableName),
  };
});
afterAll(() => table.drop());

const itemsOf = async (prefix: string) => {
  const { Items = [] } = await table.documentClient.send(
    new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
  );
  return Items.filter((item) => String(item.pk).startsWith(prefix) || String(item.sk).includes(prefix));
};

const connection = (connectionId: string, userId: string) => ({
  connectionId,
  userId,
  role: 'user',
  connectedAt: NOW.getTime(),
});

describe('Connections', () => {
  it("finds a person's connections through the by-user index, and only theirs", async () => {
    await connections.put(connection('a-1', 'user-a'), new Date(NOW.getTime() + 7_200_000));
    await connections.put(connection('a-2', 'user-a'), new Date(NOW.getTime() + 7_200_000));
    await connections.put(connection('b-1', 'user-b'), new Date(NOW.getTime() + 7_200_000));

    const found = await connections.ofUsers(['user-a']);

    expect(found.map((c) => c.connectionId).sort()).toEqual(['a-1', 'a-2']);
    const stored = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'CONNECTION#a-1', sk: 'CONNECTION' } }),
    );
    expect(stored.Item?.ttl).toBe(Math.floor(NOW.getTime() / 1000) + 7200);
  });

  it('forgets a connection with every room it follows, and a follow that outlived its record', async () => {
    await connections.put(connection('f-1', 'user-f'), new Date(NOW.getTime() + 7_200_000));
    await connections.follow('f-1', room(1), MAX_ROOMS, LATER);
    await connections.follow('f-1', room(2), MAX_ROOMS, LATER);
    expect(await connections.followersOf(room(1))).toEqual(['f-1']);

    await connections.remove('f-1');
    await table.documentClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: `ROOM#${room(3)}`, sk: 'CONNECTION#f-1', connectionId: 'f-1' },
      }),
    );
    await connections.remove('f-1', [room(3)]);

    expect(await itemsOf('f-1')).toEqual([]);
    expect(await connections.followersOf(room(2))).toEqual([]);
  });

  it(`keeps a connection to ${MAX_ROOMS} rooms under ${MAX_ROOMS + 10} subscribes at once, a follow item for each room in its set`, async () => {
    await connections.put(connection('burst', 'user-burst'), new Date(NOW.getTime() + 7_200_000));

    const outcomes = await Promise.all(
      Array.from({ length: MAX_ROOMS + 10 }, (_, i) =>
        connections.follow('burst', room(100 + i), MAX_ROOMS, LATER),
      ),
    );

    expect(outcomes.filter((o) => o === 'written')).toHaveLength(MAX_ROOMS);
    expect(outcomes.filter((o) => o === 'full')).toHaveLength(10);
    const stored = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: 'CONNECTION#burst', sk: 'CONNECTION' },
        ConsistentRead: true,
      }),
    );
    const rooms = [...((stored.Item?.rooms as Set<string> | undefined) ?? [])].sort();
    const follows = (await itemsOf('CONNECTION#burst')).filter((item) => String(item.pk).startsWith('ROOM#'));
    expect(rooms).toHaveLength(MAX_ROOMS);
    expect(follows.map((item) => item.roomId).sort()).toEqual(rooms);
  });

  it('follows nothing for a connection that is gone, and writes no follow item', async () => {
    expect(await connections.follow('never-connected', room(9), MAX_ROOMS, LATER)).toBe('gone');

    expect(await connections.followersOf(room(9))).toEqual([]);
  });
});

describe('The inbox', () => {
  const notification = (id: string, userId = 'reader'): Notification => ({
    id,
    userId,
    type: 'booking.confirmed',
    data: { booking: { id: 'b' } },
    occurredAt: NOW.toISOString(),
    correlationId: 'corr',
  });

  it('writes an event once: a redelivery writes nothing and says duplicate', async () => {
    const first = await inbox.record('event-1', [notification('01KB0000000000000000000001')], NOW);
    const again = await inbox.record('event-1', [notification('01KB0000000000000000000002')], NOW);

    expect([first, again]).toEqual(['written', 'duplicate']);
    expect((await inbox.after('reader', undefined, 10, NOW)).items.map((n) => n.id)).toEqual([
      '01KB0000000000000000000001',
    ]);
    expect(await inbox.markProcessed('event-1', NOW)).toBe('duplicate');
  });

  it('pages in id order after an id, says when more follow, and leaves out what has expired', async () => {
    const ids = ['01KB0000000000000000000010', '01KB0000000000000000000011', '01KB0000000000000000000012'];
    await inbox.record(
      'event-2',
      ids.map((id) => notification(id, 'pager')),
      NOW,
    );
    await table.documentClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: 'INBOX#pager',
          sk: '01KB0000000000000000000009',
          userId: 'pager',
          type: 'x',
          data: {},
          ttl: 1,
        },
      }),
    );

    const first = await inbox.after('pager', undefined, 2, NOW);
    const rest = await inbox.after('pager', first.items.at(-1)?.id, 2, NOW);

    expect(first).toMatchObject({ more: true });
    expect(first.items.map((n) => n.id)).toEqual(ids.slice(0, 2));
    expect(rest).toMatchObject({ more: false });
    expect(rest.items.map((n) => n.id)).toEqual(ids.slice(2));
  });
});

describe('The WebSocket routes on the table', () => {
  const posted: string[] = [];
  const deps = (): Dependencies => ({
    connections,
    inbox,
    metrics: capturedMetrics('notifications'),
    connectionsApi: {
      post: async (connectionId) => {
        posted.push(connectionId);
        return 'sent';
      },
    },
    clock: { now: () => NOW },
    log: async () => {},
  });
  const event = (routeKey: string, connectionId: string, body?: unknown, authorizer?: object) =>
    ({
      requestContext: {
        routeKey,
        connectionId,
        connectedAt: NOW.getTime(),
        requestId: 'r',
        eventType: routeKey === '$connect' ? 'CONNECT' : 'MESSAGE',
        authorizer: authorizer ?? {
          userId: 'ws-user',
          role: 'user',
          exp: 2_000_000_000,
          principalId: 'ws-user',
        },
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      isBase64Encoded: false,
    }) as never;

  it('stores a connection on $connect, follows a room, and $disconnect forgets both', async () => {
    const handle = createWebSocketHandler(deps(), silent);

    expect(await handle(event('$connect', 'ws-1'))).toEqual({ statusCode: 200 });
    const subscribed = await handle(
      event('subscribe', 'ws-1', { action: 'subscribe', roomId: room(50), requestId: 's1' }),
    );
    expect(JSON.parse(subscribed.body ?? '')).toEqual({
      type: 'subscribed',
      requestId: 's1',
      roomId: room(50),
    });
    expect(await connections.followersOf(room(50))).toEqual(['ws-1']);

    await handle(event('$disconnect', 'ws-1'));

    expect(await itemsOf('ws-1')).toEqual([]);
  });

  it('stores nothing on a $connect without the authorizer principal', async () => {
    const handle = createWebSocketHandler(deps(), silent);

    expect(await handle(event('$connect', 'ws-anon', undefined, {}))).toEqual({ statusCode: 401 });
    expect(await itemsOf('ws-anon')).toEqual([]);
  });
});
