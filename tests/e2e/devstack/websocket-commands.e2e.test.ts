/**
 * The booking commands over the WebSocket API, on the devstack: each answers what the REST
 * operation answers, status and body, with the same rules and errors, because the bookings function
 * runs it through the same handler (docs/websocket.md). The REST API is the reference: a command's
 * effect is read back over REST, and REST's effect over the socket.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, type Booking, call, createRoom, plus } from '../../support/bookings.ts';
import { type Account, newAccount, newProvider } from '../../support/e2e.ts';
import { openSocket, type TestSocket } from '../../support/websocket.ts';

let provider: Account;
let owner: Account;
let stranger: Account;
let roomId: string;
let ownerSocket: TestSocket;
let strangerSocket: TestSocket;
let day = 200;

const slot = () => {
  day += 1;
  const startTime = at(day, 14);
  return { roomId, startTime, endTime: plus(startTime, 60) };
};

const problemType = (answer: { body?: unknown }) => (answer.body as { type?: string }).type;

beforeAll(async () => {
  [provider, owner, stranger] = await Promise.all([
    newProvider('ws-commands-provider'),
    newAccount('ws-commands-owner'),
    newAccount('ws-commands-stranger'),
  ]);
  roomId = (await createRoom(provider)).id;
  [ownerSocket, strangerSocket] = await Promise.all([
    openSocket(owner.tokens.accessToken),
    openSocket(stranger.tokens.accessToken),
  ]);
});

afterAll(async () => {
  await Promise.all([ownerSocket.close(), strangerSocket.close()]);
});

describe('createBooking over the socket', () => {
  it('books as REST does: 201 with the booking, which REST then reads', async () => {
    const answer = await ownerSocket.request({
      action: 'createBooking',
      requestId: 'create-1',
      body: { ...slot(), paymentToken: 'tok_pending', title: 'Over the socket' },
    });

    expect(answer).toMatchObject({ type: 'response', requestId: 'create-1', status: 201 });
    const booking = answer.body as Booking;
    expect(booking).toMatchObject({
      roomId,
      userId: owner.user.id,
      status: 'PENDING_PAYMENT',
      title: 'Over the socket',
    });
    const read = await call(owner, 'GET', `/v1/bookings/${booking.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(booking);
  });

  it('answers the contract 400 for a bad body, the 409 of an overlap, and writes nothing', async () => {
    const taken = slot();
    expect(
      (await call(owner, 'POST', '/v1/bookings', { ...taken, paymentToken: 'tok_pending' })).status,
    ).toBe(201);

    const [invalid, overlap] = await Promise.all([
      ownerSocket.request({ action: 'createBooking', body: { roomId, startTime: 'tomorrow', extra: true } }),
      ownerSocket.request({ action: 'createBooking', body: { ...taken, paymentToken: 'tok_pending' } }),
    ]);

    expect(invalid.status).toBe(400);
    const fields = (invalid.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['endTime', 'extra', 'startTime']));
    expect(overlap).toMatchObject({ status: 409 });
    expect(problemType(overlap)).toBe('urn:tessera:problem:booking-overlap');
    const list = await call(owner, 'GET', `/v1/bookings?roomId=${roomId}&limit=100`);
    const mine = ((await list.json()) as { items: Booking[] }).items.filter(
      (b) => b.startTime === taken.startTime,
    );
    expect(mine).toHaveLength(1);
  });

  it('replays the first answer for a repeated idempotencyKey, and refuses it with another body', async () => {
    const key = randomUUID();
    const body = { ...slot(), paymentToken: 'tok_pending' };

    const first = await ownerSocket.request({ action: 'createBooking', idempotencyKey: key, body });
    const again = await ownerSocket.request({ action: 'createBooking', idempotencyKey: key, body });
    const other = await ownerSocket.request({
      action: 'createBooking',
      idempotencyKey: key,
      body: { ...body, title: 'x' },
    });

    expect(first.status).toBe(201);
    expect(again).toMatchObject({
      status: 201,
      body: first.body,
      headers: { 'idempotent-replayed': 'true' },
    });
    expect(other.status).toBe(422);
  });
});

describe('getBooking, listBookings, updateBooking and cancelBooking over the socket', () => {
  it('reads, lists, reschedules under ifMatch and cancels, as REST does', async () => {
    const created = await call(owner, 'POST', '/v1/bookings', { ...slot(), paymentToken: 'tok_pending' });
    const booking = (await created.json()) as Booking;

    const got = await ownerSocket.request({ action: 'getBooking', bookingId: booking.id });
    expect(got).toMatchObject({ status: 200, body: booking, headers: { etag: '"1"' } });

    const listed = await ownerSocket.request({ action: 'listBookings', query: { roomId, limit: 100 } });
    expect(listed.status).toBe(200);
    expect((listed.body as { items: Booking[] }).items.map((b) => b.id)).toContain(booking.id);

    const moved = slot();
    const stale = await ownerSocket.request({
      action: 'updateBooking',
      bookingId: booking.id,
      ifMatch: '"7"',
      body: { startTime: moved.startTime, endTime: moved.endTime },
    });
    expect(stale.status).toBe(412);
    const updated = await ownerSocket.request({
      action: 'updateBooking',
      bookingId: booking.id,
      ifMatch: '"1"',
      body: { startTime: moved.startTime, endTime: moved.endTime },
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { id: booking.id, startTime: moved.startTime, version: 2 },
    });

    const cancelled = await ownerSocket.request({ action: 'cancelBooking', bookingId: booking.id });
    expect(cancelled).toMatchObject({ status: 200, body: { id: booking.id, status: 'CANCELLED' } });
    const read = (await (await call(owner, 'GET', `/v1/bookings/${booking.id}`)).json()) as Booking;
    expect(read.status).toBe('CANCELLED');
  });

  it("answers 404 for another person's booking, and changes nothing of it", async () => {
    const created = await call(owner, 'POST', '/v1/bookings', { ...slot(), paymentToken: 'tok_pending' });
    const booking = (await created.json()) as Booking;

    const answers = await Promise.all([
      strangerSocket.request({ action: 'getBooking', bookingId: booking.id }),
      strangerSocket.request({ action: 'cancelBooking', bookingId: booking.id }),
      strangerSocket.request({ action: 'updateBooking', bookingId: booking.id, body: { title: 'mine now' } }),
    ]);

    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    const read = (await (await call(owner, 'GET', `/v1/bookings/${booking.id}`)).json()) as Booking;
    expect(read).toEqual(booking);
  });

  it('names the message fields that are missing or not the command’s, with 400', async () => {
    const answers = await Promise.all([
      ownerSocket.request({ action: 'getBooking' }),
      ownerSocket.request({ action: 'getBooking', bookingId: 'not-a-uuid' }),
      ownerSocket.request({ action: 'cancelBooking', bookingId: randomUUID(), body: {} }),
      ownerSocket.request({ action: 'listBookings', query: { type: 'someday' } }),
    ]);

    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400]);
    const fields = answers.map(
      (a) => (a.body as { errors: { location: string; field: string }[] }).errors[0],
    );
    expect(fields).toEqual([
      expect.objectContaining({ location: 'message', field: 'bookingId' }),
      expect.objectContaining({ location: 'path', field: 'bookingId' }),
      expect.objectContaining({ location: 'message', field: 'body' }),
      expect.objectContaining({ location: 'query', field: 'type' }),
    ]);
  });

  it('answers a command without a requestId with a 400 it can still be matched to (requestId null)', async () => {
    ownerSocket.send({ action: 'getBooking', bookingId: randomUUID() });

    const answer = await ownerSocket.next((m) => m.type === 'response' && m.requestId === null);

    expect(answer.status).toBe(400);
    expect((answer.body as { errors: { field: string }[] }).errors[0]?.field).toBe('requestId');
  });
});
