/**
 * A seeded fuzz of every operation of the contract: a few hundred requests drawn by
 * `tests/support/fuzz-requests.ts` (any caller, known and unknown ids, junk and broken
 * percent-encoding in paths, queries and headers from their schemas or not, bodies that fit, break
 * or are no JSON), each checked against the contract. Every answer must be a 2xx, or a 4xx
 * problem+json the operation documents; a 5xx is a defect.
 *
 * The seed is printed; `TESSERA_FUZZ_SEED=<seed> npm run test:e2e -- fuzz` replays a failure,
 * `TESSERA_FUZZ_RUNS` changes how many requests are made.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, booked, createRoom } from '../support/bookings.ts';
import { breachesOf, contract } from '../support/contract-check.ts';
import { baseUrl, newAccount, newAdmin, newProvider } from '../support/e2e.ts';
import { anyRequest, type FuzzFixtures, type FuzzRequest } from '../support/fuzz-requests.ts';

const SEED = Number(process.env.TESSERA_FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.TESSERA_FUZZ_RUNS ?? 300);

let fixtures: FuzzFixtures;

beforeAll(async () => {
  // Accounts of its own: the fuzz changes what it signs in with (an email, a role), and must not
  // change the bootstrap admin that the other files sign in as.
  const [user, provider, admin] = await Promise.all([
    newAccount('fuzz'),
    newProvider('fuzz-provider'),
    newAdmin('fuzz-admin'),
  ]);
  const { data: ticket } = await user.api.POST('/v1/tickets', { body: { title: 'A ticket to fuzz' } });
  if (!ticket) throw new Error('the fuzz fixtures need a ticket');
  // A room of the provider's with a booking of the user's, and times a booking may take.
  const room = await createRoom(provider.tokens.accessToken, { name: 'A room to fuzz' });
  const booking = await booked(user.tokens.accessToken, {
    roomId: room.id,
    startTime: at(5, 10),
    endTime: at(5, 11),
  });
  const times = [at(5, 10), at(5, 11), at(6, 9), at(6, 9, 30), at(7, 0)];
  fixtures = {
    tokens: {
      user: `Bearer ${user.tokens.accessToken}`,
      provider: `Bearer ${provider.tokens.accessToken}`,
      admin: `Bearer ${admin.tokens.accessToken}`,
    },
    ids: {
      ticketId: [ticket.id],
      userId: [user.user.id, provider.user.id, admin.user.id],
      roomId: [room.id],
      bookingId: [booking.id],
    },
    headers: {
      'if-match': ['"1"', '"2"', '*', 'W/"1"', '"1", "2"'],
      'idempotency-key': ['fuzz-key-1', 'fuzz-key-2'],
    },
    fields: {
      roomId: [room.id],
      startTime: times,
      endTime: times,
      from: times,
      to: times,
      availableFrom: times,
      availableTo: times,
    },
  };
}, 60_000);

const send = async (request: FuzzRequest) => {
  const url = new URL(`${baseUrl}${request.path}`);
  const response = await fetch(url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { url, response };
};

describe(`Fuzz: every operation (seed ${SEED}, ${RUNS} requests)`, () => {
  it('answers every request 2xx, or a 4xx problem+json the contract documents, never a 5xx', async () => {
    // Prepare
    console.log(`fuzz: seed ${SEED}, ${RUNS} requests (replay with TESSERA_FUZZ_SEED=${SEED})`);
    const statuses = new Map<number, number>();
    const operations = new Set<string>();

    // Act
    await fc.assert(
      fc.asyncProperty(anyRequest(contract, fixtures), async (request) => {
        const { url, response } = await send(request);
        operations.add(request.operationId);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const breaches = await breachesOf(request.method, url, response);
        const text = await response.text();
        const where = `${request.method} ${request.path} (${request.operationId}) answered ${response.status}`;
        if (response.status >= 500) throw new Error(`${where}: ${text.slice(0, 300)}`);
        if (breaches.length > 0)
          throw new Error(`${where}, breaking the contract:\n  ${breaches.join('\n  ')}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    // Assess
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    console.log(`fuzz: ${RUNS} requests over ${operations.size} operations; statuses ${summary.join(', ')}`);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect([...operations].sort()).toEqual(contract.operations.map((op) => op.operationId).sort());
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect([...statuses.keys()].filter((status) => status >= 400).length).toBeGreaterThanOrEqual(4);
  }, 240_000);
});
