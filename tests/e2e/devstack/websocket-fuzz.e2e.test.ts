/**
 * A seeded fuzz of every WebSocket action (docs/websocket.md): messages drawn with each action or a
 * junk one, each field right, wrong or missing, unknown fields, non-objects and text that is no
 * JSON, sent one at a time over one connection. Every message that can be answered must be answered
 * with a 2xx or 4xx status (the notifications' own answers carry none), never a 5xx, and the
 * connection must stay open throughout.
 *
 * `TESSERA_FUZZ_SEED=<seed>` replays a failure, `TESSERA_FUZZ_RUNS` changes how many are sent.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, booked, createRoom } from '../../support/bookings.ts';
import { type Account, newAccount, newProvider } from '../../support/e2e.ts';
import { openSocket, type ServerMessage, type TestSocket } from '../../support/websocket.ts';

const SEED = Number(process.env.TESSERA_FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.TESSERA_FUZZ_RUNS ?? 150);
const ACTIONS = [
  'ping',
  'resume',
  'subscribe',
  'unsubscribe',
  'createBooking',
  'getBooking',
  'listBookings',
  'updateBooking',
  'cancelBooking',
] as const;

let user: Account;
let socket: TestSocket;
let roomId: string;
let bookingId: string;

beforeAll(async () => {
  const provider = await newProvider('ws-fuzz-provider');
  user = await newAccount('ws-fuzz');
  roomId = (await createRoom(provider)).id;
  bookingId = (await booked(user, { roomId, startTime: at(300, 10), endTime: at(300, 11) })).id;
  socket = await openSocket(user.tokens.accessToken);
});

afterAll(async () => {
  await socket.close();
});

const junk = () =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  );

const field = <T>(good: fc.Arbitrary<T>) =>
  fc.option(fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk() }), {
    nil: undefined,
    freq: 4,
  });

const roomIds = () =>
  fc
    .constantFrom(
      () => roomId,
      () => randomUUID(),
    )
    .map((pick) => pick());
const bookingIds = () =>
  fc
    .constantFrom(
      () => bookingId,
      () => randomUUID(),
    )
    .map((pick) => pick());
const bookingBody = () =>
  fc.record(
    {
      roomId: roomIds(),
      startTime: fc.constantFrom(at(301, 10), at(302, 9), at(301, 10, 7), 'soon'),
      endTime: fc.constantFrom(at(301, 11), at(302, 10), at(300, 10)),
      title: fc.string({ maxLength: 30 }),
      paymentToken: fc.constantFrom('tok_pending', 'tok_decline'),
      extra: junk(),
    },
    { requiredKeys: [] },
  );

/** Each action's own fields, each right, wrong or missing. */
const FIELDS: Readonly<Record<(typeof ACTIONS)[number], Readonly<Record<string, fc.Arbitrary<unknown>>>>> = {
  ping: {},
  resume: { after: fc.constantFrom('01JDV2C7Q8ZK3M6T9W1X4Y5B7N', '00000000000000000000000000') },
  subscribe: { roomId: roomIds() },
  unsubscribe: { roomId: roomIds() },
  createBooking: { body: bookingBody(), idempotencyKey: fc.string({ minLength: 1, maxLength: 30 }) },
  getBooking: { bookingId: bookingIds() },
  listBookings: {
    query: fc.record(
      {
        type: fc.constantFrom('upcoming', 'past', 'soon'),
        limit: fc.oneof(fc.integer(), fc.string()),
        roomId: roomIds(),
      },
      { requiredKeys: [] },
    ),
  },
  updateBooking: {
    bookingId: bookingIds(),
    ifMatch: fc.constantFrom('"1"', '"2"', '*', 'W/"1"'),
    body: bookingBody(),
  },
  cancelBooking: { bookingId: bookingIds(), ifMatch: fc.constantFrom('"1"', '"2"', '*') },
};

const message = () =>
  fc.oneof(
    ...ACTIONS.map((action) =>
      fc
        .record(
          {
            requestId: fc.oneof(
              { weight: 9, arbitrary: fc.uuid() },
              { weight: 1, arbitrary: fc.option(junk(), { nil: undefined }) },
            ),
            stray: fc.oneof(
              { weight: 9, arbitrary: fc.constant(undefined) },
              { weight: 1, arbitrary: junk() },
            ),
            ...Object.fromEntries(Object.entries(FIELDS[action]).map(([name, good]) => [name, field(good)])),
          },
          { requiredKeys: [] },
        )
        .map((fields) => ({
          action,
          ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
        })),
    ),
    fc.record({ action: fc.oneof(fc.constant('fly'), junk()), requestId: fc.string({ maxLength: 5 }) }),
  );

const wire = () =>
  fc.oneof(
    { weight: 8, arbitrary: message().map((m) => JSON.stringify(m)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: junk().map((value) => JSON.stringify(value)) },
  );

describe(`Fuzz: every WebSocket action (seed ${SEED}, ${RUNS} messages)`, () => {
  it('answers each with a 2xx or 4xx, never a 5xx, and the connection stays open', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(wire(), async (text) => {
        const before = socket.messages.length;
        const probe = randomUUID();
        socket.send(text);
        // A ping after each message: its pong comes after the message's answer (per-connection order).
        socket.send({ action: 'ping', requestId: probe });
        await socket.next((m) => m.type === 'pong' && socket.messages.indexOf(m) >= before, 15_000);
        const answers = socket.messages.slice(before).filter((m: ServerMessage) => m.type !== 'pong');
        for (const answer of answers) {
          const status = typeof answer.status === 'number' ? answer.status : 200;
          statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
          if (status >= 500)
            throw new Error(`${text} was answered ${status}: ${JSON.stringify(answer.body)}`);
        }
        // Drop what this round read, so the next round's pong is its own.
        (socket.messages as ServerMessage[]).splice(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(
      `websocket fuzz: ${RUNS} messages; answers ${[...statuses].map(([s, n]) => `${s}x${n}`).join(', ')}`,
    );
    socket.send({ action: 'ping' });
    expect(await socket.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
    expect(statuses.size).toBeGreaterThan(2);
  }, 300_000);
});
