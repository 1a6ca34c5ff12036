/**
 * Live notifications over the WebSocket API on the devstack, with a real WebSocket client: who may
 * connect, and every kind of push reaching exactly the people it concerns (the booking's owner and
 * the room's provider, the payment's owner, a ticket's reporter and assignees, a room's subscribers)
 * and no one else; three connections of one person; a stale connection forgotten on `Gone`; a
 * redelivered event pushing nothing twice; and the correlation id of `POST /v1/bookings` in the
 * message its confirmation causes.
 *
 * "Nothing else arrived" is checked after a sentinel: the socket that must stay quiet is sent an
 * event of its own, which it can only receive after the others that came before it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { secretFile } from '../../../packages/devstack/src/secrets.ts';
import { at, type Booking, booked, call, createRoom, plus } from '../../support/bookings.ts';
import { devstackTable } from '../../support/dynamodb.ts';
import { type Account, baseUrl, busEvents, newAccount, newAdmin, newProvider } from '../../support/e2e.ts';
import { devstackClientConfig } from '../../support/payments.ts';
import { pollUntil } from '../../support/poll.ts';
import { bookingTypes, openSocket, refusedUpgrade, type TestSocket } from '../../support/websocket.ts';

/** Signs claims with the devstack's own signing key, so a refusal can only be for the claims. */
const signWithRealKey = async (claims: Record<string, unknown>) => {
  const devstack = inject('devstack');
  if (!devstack) throw new Error('this file runs against the devstack only');
  const { keys } = JSON.parse(
    readFileSync(secretFile(devstack.dataDir, 'users', 'jwt-private-keys'), 'utf8'),
  );
  const key = await importJWK(keys[0], 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keys[0].kid }).sign(key);
};

let provider: Account;
let owner: Account;
let stranger: Account;
let roomId: string;
let day = 40;
const sockets: TestSocket[] = [];

/**
 * What arrived, as a multiset: EventBridge promises no order between events, and two events of one
 * thing (a ticket created and at once updated) may reach a socket either way round.
 */
const arrived = (types: readonly string[]) => [...types].sort();

const socketOf = async (account: Account) => {
  const socket = await openSocket(account.tokens.accessToken);
  sockets.push(socket);
  return socket;
};

/** A fresh hour of the room, so the tests of this file never overlap. */
const slot = () => {
  day += 1;
  const startTime = at(day, 10);
  return { roomId, startTime, endTime: plus(startTime, 60) };
};

const bookAndConfirm = (account: Account, headers: Record<string, string> = {}) =>
  call(account, 'POST', '/v1/bookings', { ...slot(), paymentToken: 'tok_ok' }, headers).then(async (r) => {
    expect(r.status).toBe(201);
    return (await r.json()) as Booking;
  });

/** Waits for `socket` to receive a notification about its own fresh booking: everything sent it before has arrived by then. */
const sentinel = async (socket: TestSocket, account: Account) => {
  const booking = await booked(account, slot());
  await socket.next((m) => m.type === 'booking.created' && m.data?.booking?.id === booking.id);
};

const connectionsOf = async (userId: string) => {
  const response = await fetch(`${baseUrl}/_devstack/websocket/connections`);
  const { items } = (await response.json()) as { items: { connectionId: string; userId?: string }[] };
  return items.filter((item) => item.userId === userId);
};

beforeAll(async () => {
  [provider, owner, stranger] = await Promise.all([
    newProvider('notify-provider'),
    newAccount('notify-owner'),
    newAccount('notify-stranger'),
  ]);
  roomId = (await createRoom(provider)).id;
});

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
});

describe('Connecting to the WebSocket API', () => {
  it('refuses an upgrade without a token, with a forged one, an expired one or a refresh token, storing nothing', async () => {
    const account = await newAccount('notify-refused');
    const [header, payload] = account.tokens.accessToken.split('.');
    const claims = decodeJwt(account.tokens.accessToken);
    // Signed with the devstack's real key: only its expiry is wrong.
    const expired = await signWithRealKey({ ...claims, iat: 1_000_000_000, exp: 1_000_000_900 });
    const control = await signWithRealKey(claims);
    const accepted = await openSocket(control);
    await accepted.close();

    const statuses = await Promise.all([
      refusedUpgrade(undefined),
      refusedUpgrade(`${header}.${payload}.${'A'.repeat(86)}`),
      refusedUpgrade(expired),
      refusedUpgrade(account.tokens.refreshToken),
      refusedUpgrade(''),
    ]);

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(await connectionsOf(account.user.id)).toEqual([]);
  });

  it('lets a signed-in user in, answers ping with pong, and forgets the connection on close', async () => {
    const account = await newAccount('notify-ping');
    const socket = await openSocket(account.tokens.accessToken);
    expect(await connectionsOf(account.user.id)).toHaveLength(1);

    socket.send({ action: 'ping' });

    expect(await socket.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
    await socket.close();
    const after = await pollUntil(
      () => connectionsOf(account.user.id),
      (items) => items.length === 0,
    );
    expect(after).toEqual([]);
  });

  it('answers a message it cannot read with an error and keeps the connection open', async () => {
    const socket = await socketOf(await newAccount('notify-bad-message'));

    socket.send('not json');
    socket.send({ action: 'fly' });
    socket.send({ action: 'subscribe', roomId: 'not-a-uuid', requestId: 'sub-1' });

    const errors = await pollUntil(
      () => socket.messages.filter((m) => m.type === 'error'),
      (found) => found.length === 3,
    );
    expect(errors.map((m) => [m.status, (m.body as { type: string }).type])).toEqual([
      [400, 'urn:tessera:problem:malformed-message'],
      [400, 'urn:tessera:problem:unknown-action'],
      [400, 'urn:tessera:problem:invalid-message'],
    ]);
    expect(errors[2]?.requestId).toBe('sub-1');
    socket.send({ action: 'ping' });
    await socket.next((m) => m.type === 'pong');
  });
});

describe('Who hears about a booking', () => {
  it('pushes created, the payment and confirmed to the owner, created and confirmed to the provider, and nothing to anyone else', async () => {
    const [ownerSocket, providerSocket, strangerSocket] = await Promise.all([
      socketOf(owner),
      socketOf(provider),
      socketOf(stranger),
    ]);

    const booking = await bookAndConfirm(owner);

    await ownerSocket.next((m) => m.type === 'booking.confirmed' && m.data?.booking?.id === booking.id);
    await providerSocket.next((m) => m.type === 'booking.confirmed' && m.data?.booking?.id === booking.id);
    expect(arrived(bookingTypes(ownerSocket, booking.id))).toEqual(
      arrived(['booking.created', 'payment.succeeded', 'booking.confirmed']),
    );
    expect(arrived(bookingTypes(providerSocket, booking.id))).toEqual(
      arrived(['booking.created', 'booking.confirmed']),
    );
    await sentinel(strangerSocket, stranger);
    expect(arrived(bookingTypes(strangerSocket, booking.id))).toEqual(arrived([]));
  });

  it('sends the message shape of the contract, without the payment token, and unique ids per recipient', async () => {
    const [ownerSocket, providerSocket] = await Promise.all([socketOf(owner), socketOf(provider)]);

    const booking = await booked(owner, { ...slot(), paymentToken: 'tok_pending' });

    const [mine, theirs] = await Promise.all([
      ownerSocket.next((m) => m.type === 'booking.created' && m.data?.booking?.id === booking.id),
      providerSocket.next((m) => m.type === 'booking.created' && m.data?.booking?.id === booking.id),
    ]);
    expect(Object.keys(mine).sort()).toEqual(['correlationId', 'data', 'id', 'occurredAt', 'type']);
    expect(mine.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(mine.data).not.toHaveProperty('paymentToken');
    expect(JSON.stringify(mine)).not.toContain('tok_pending');
    expect(mine.data?.booking).toMatchObject({
      id: booking.id,
      status: 'PENDING_PAYMENT',
      userId: owner.user.id,
    });
    expect(theirs.id).not.toBe(mine.id);
    expect({ ...theirs, id: mine.id }).toEqual(mine);
  });

  it('pushes a cancellation and the refund to the owner, on each of their three connections', async () => {
    const connections = await Promise.all([socketOf(owner), socketOf(owner), socketOf(owner)]);
    const booking = await bookAndConfirm(owner);
    await Promise.all(
      connections.map((socket) =>
        socket.next((m) => m.type === 'booking.confirmed' && m.data?.booking?.id === booking.id),
      ),
    );

    expect((await call(owner, 'POST', `/v1/bookings/${booking.id}/cancel`)).status).toBe(200);

    for (const socket of connections) {
      await socket.next(
        (m) =>
          m.type === 'payment.refunded' &&
          (m.data?.payment as { bookingId?: string } | undefined)?.bookingId === booking.id,
      );
      expect(arrived(bookingTypes(socket, booking.id))).toEqual(
        arrived([
          'booking.created',
          'payment.succeeded',
          'booking.confirmed',
          'booking.cancelled',
          'payment.refunded',
        ]),
      );
    }
    const ids = connections.map((socket) => arrived(socket.notifications().map((m) => m.id ?? '')).join());
    expect(new Set(ids).size).toBe(1);
  });

  it('carries the correlation id of POST /v1/bookings into the message its confirmation causes', async () => {
    const socket = await socketOf(owner);
    const correlationId = `corr-${randomUUID()}`;

    const booking = await bookAndConfirm(owner, { 'x-request-id': correlationId });

    const confirmed = await socket.next(
      (m) => m.type === 'booking.confirmed' && m.data?.booking?.id === booking.id,
    );
    expect(confirmed.correlationId).toBe(correlationId);
  });

  it('pushes a redelivered event once: the second delivery of the same event id changes nothing', async () => {
    const socket = await socketOf(owner);
    const booking = await booked(owner, { ...slot(), paymentToken: 'tok_pending' });
    await socket.next((m) => m.type === 'booking.created' && m.data?.booking?.id === booking.id);
    const [created] = await busEvents(
      { detailType: 'booking.created' },
      (event) => (event.detail.data.booking as { id: string }).id === booking.id,
    );
    if (!created) throw new Error('booking.created is not on the bus');
    const bus = new EventBridgeClient(devstackClientConfig(inject('devstack')?.eventBusEndpoint));

    await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: created.source,
            DetailType: created.detailType,
            Detail: JSON.stringify(created.detail),
            EventBusName: 'tessera',
          },
        ],
      }),
    );
    await pollUntil(
      () =>
        busEvents({ detailType: 'booking.created' }, (e) => e.detail.eventId === created.detail.eventId, 2),
      (events) => events.length >= 2,
    );
    await sentinel(socket, owner);

    expect(arrived(bookingTypes(socket, booking.id))).toEqual(arrived(['booking.created']));
    bus.destroy();
  });
});

describe('Who hears about a ticket', () => {
  it('pushes to the reporter and the assignee, and to the assignee replaced on a reassignment', async () => {
    const [admin, first, second] = await Promise.all([
      newAdmin('notify-ticket-admin'),
      newProvider('notify-assignee-1'),
      newProvider('notify-assignee-2'),
    ]);
    const [reporterSocket, firstSocket, secondSocket, strangerSocket] = await Promise.all([
      socketOf(owner),
      socketOf(first),
      socketOf(second),
      socketOf(stranger),
    ]);
    const created = await call(owner, 'POST', '/v1/tickets', { title: 'Projector is broken' });
    const ticket = (await created.json()) as { id: string };
    const ofTicket = (socket: TestSocket) =>
      socket
        .notifications()
        .filter((m) => (m.data?.ticket as { id?: string } | undefined)?.id === ticket.id)
        .map((m) => m.type);

    await call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { assigneeId: first.user.id });
    await firstSocket.next((m) => m.type === 'ticket.updated');
    await call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { assigneeId: second.user.id });
    await secondSocket.next((m) => m.type === 'ticket.updated');
    await pollUntil(
      () => ofTicket(reporterSocket),
      (types) => types.length === 3,
    );
    await pollUntil(
      () => ofTicket(firstSocket),
      (types) => types.length === 2,
    );

    expect(arrived(ofTicket(reporterSocket))).toEqual(
      arrived(['ticket.created', 'ticket.updated', 'ticket.updated']),
    );
    expect(arrived(ofTicket(firstSocket))).toEqual(arrived(['ticket.updated', 'ticket.updated']));
    expect(arrived(ofTicket(secondSocket))).toEqual(arrived(['ticket.updated']));
    await sentinel(strangerSocket, stranger);
    expect(arrived(ofTicket(strangerSocket))).toEqual(arrived([]));
  });
});

describe("Following a room's availability", () => {
  it('streams the intervals taken and freed, never who booked, until unsubscribe', async () => {
    const watcher = await newAccount('notify-watcher');
    const socket = await socketOf(watcher);
    const other = (await createRoom(provider)).id;
    expect(await socket.request({ action: 'subscribe', roomId })).toMatchObject({
      type: 'subscribed',
      roomId,
    });
    expect(await socket.request({ action: 'subscribe', roomId: other })).toMatchObject({
      type: 'subscribed',
    });

    const booking = await booked(owner, { ...slot(), paymentToken: 'tok_pending' });
    const taken = await socket.next(
      (m) =>
        m.type === 'room.availability_changed' &&
        m.data?.change === 'taken' &&
        m.data.startTime === booking.startTime,
    );
    expect(taken.data).toEqual({
      roomId,
      change: 'taken',
      startTime: booking.startTime,
      endTime: booking.endTime,
    });
    expect(JSON.stringify(taken)).not.toContain(owner.user.id);
    await call(owner, 'POST', `/v1/bookings/${booking.id}/cancel`);
    await socket.next(
      (m) =>
        m.type === 'room.availability_changed' &&
        m.data?.change === 'freed' &&
        m.data.startTime === booking.startTime,
    );

    expect(await socket.request({ action: 'unsubscribe', roomId })).toMatchObject({
      type: 'unsubscribed',
      roomId,
    });
    const later = await booked(owner, { ...slot(), paymentToken: 'tok_pending' });
    const elsewhere = await booked(owner, {
      roomId: other,
      startTime: later.startTime,
      endTime: later.endTime,
      paymentToken: 'tok_pending',
    });
    await socket.next(
      (m) =>
        m.type === 'room.availability_changed' &&
        m.data?.roomId === other &&
        m.data.startTime === elsewhere.startTime,
    );

    const ofRoom = socket.messages.filter(
      (m) => m.type === 'room.availability_changed' && m.data?.roomId === roomId,
    );
    expect(ofRoom.map((m) => m.data?.startTime)).not.toContain(later.startTime);
    expect(socket.messages.filter((m) => m.type.startsWith('booking.'))).toEqual([]);
  });
});

describe('A connection API Gateway no longer has', () => {
  it('is forgotten when a push to it answers Gone', async () => {
    const account = await newAccount('notify-gone');
    const table = devstackTable('notifications');
    const stale = `stale-${randomUUID()}`;
    await table.documentClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `CONNECTION#${stale}`,
          sk: 'CONNECTION',
          userKey: `USER#${account.user.id}`,
          sortKey: `CONNECTION#${stale}`,
          connectionId: stale,
          userId: account.user.id,
          role: 'user',
          connectedAt: Date.now(),
          ttl: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    const live = await socketOf(account);

    const booking = await booked(account, { ...slot(), paymentToken: 'tok_pending' });

    await live.next((m) => m.type === 'booking.created' && m.data?.booking?.id === booking.id);
    const item = await pollUntil(
      async () =>
        (
          await table.documentClient.send(
            new GetCommand({
              TableName: table.tableName,
              Key: { pk: `CONNECTION#${stale}`, sk: 'CONNECTION' },
            }),
          )
        ).Item,
      (found) => found === undefined,
    );
    expect(item).toBeUndefined();
    expect(await connectionsOf(account.user.id)).toHaveLength(1);
  });
});
