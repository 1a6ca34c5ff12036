/**
 * Fan-out to many open sockets, and the devstack's memory with and without them.
 *
 * - **owner**: one user opens `sockets` connections (as many tabs or devices) and books; the
 *   notifications function finds all of them by the user and posts `booking.created` to each.
 * - **followers**: `sockets` connections of `users` users each follow one room (`subscribe`);
 *   someone else books the room, and each follower gets `room.availability_changed`.
 *
 * Every booking of a round carries `tok_pending` (its charge stays pending), so no payment event
 * follows and one round's pushes do not overlap the next's. A round is timed from the POST sent to
 * each socket's arrival of the message (stamped first thing in the client's `message` handler, all
 * sockets in this one process): per-socket p50/p99 and the last socket. The baseline, the same
 * booking, is its event on the bus (stamped by the devstack's process): the last socket minus the
 * bus is the whole fan-out after the event reached the bus.
 *
 * Memory is read from /proc (`VmRSS`, `VmHWM`, `Threads`) for the devstack's process tree: the
 * node process (the function workers are its threads, so its RSS covers them), DynamoDB Local's
 * java (a child process of it) and the tsx loader's esbuild, several readings a little apart, the
 * median kept, beside the number of connections the gateway lists.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type BenchAccount, call, expectOk, sleep } from '../lib/api-client.ts';
import type { FanOutRound, FanOutScenario, MemoryReading, ProcessRss } from '../lib/results.ts';
import { memoryOf, processTree } from '../lib/rss.ts';
import { type BenchSocket, closeSockets, eachLimited, epochMs, openSockets } from '../lib/sockets.ts';
import { median, spread } from '../lib/stats.ts';
import { type Cast, moreUsers, openConnections } from './notifications-cast.ts';

interface FanOutOptions {
  readonly api: string;
  readonly controlUrl: string;
  readonly webSocketUrl: string;
  readonly cast: Cast;
  readonly rounds: number;
  readonly warmupRounds: number;
  readonly pauseMs: number;
  readonly timeoutMs: number;
  readonly openConcurrency: number;
  readonly log: (line: string) => void;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The devstack's memory now: `readings` reads `gapMs` apart of each process of the tree under
 * `pid`, the median of each kept.
 */
const readMemory = async (
  api: string,
  controlUrl: string,
  pid: number,
  state: string,
  readings = 5,
  gapMs = 200,
): Promise<MemoryReading> => {
  const connections = await openConnections(api);
  const usage = await expectOk('GET /memory', call(controlUrl, 'GET', '/memory'));
  const mainThread = {
    collected: usage.collected === true,
    heapUsedBytes: Number(usage.heapUsed),
    externalBytes: Number(usage.external),
    arrayBuffersBytes: Number(usage.arrayBuffers),
  };
  await sleep(gapMs);
  const seen = new Map<number, { name: string; rss: number[]; highWater: number; threads: number | null }>();
  for (let i = 0; i < readings; i++) {
    if (i > 0) await sleep(gapMs);
    for (const member of processTree(pid)) {
      const memory = memoryOf(member);
      if (!memory) continue;
      const known = seen.get(member) ?? { name: memory.name, rss: [], highWater: 0, threads: null };
      known.rss.push(memory.rssBytes);
      known.highWater = Math.max(known.highWater, memory.highWaterBytes);
      known.threads = threadsOf(member) ?? known.threads;
      seen.set(member, known);
    }
  }
  const processes: ProcessRss[] = [...seen].map(([member, p]) => ({
    process: member === pid ? 'devstack (node)' : p.name === 'java' ? 'java (DynamoDB Local)' : p.name,
    pid: member,
    rssBytes: median(p.rss),
    highWaterBytes: p.highWater,
    threads: p.threads,
  }));
  return { state, connections, readings, processes, mainThread };
};

const threadsOf = (pid: number): number | null => {
  try {
    const match = /^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
};

/** Waits until the gateway lists `count` connections (the closes' `$disconnect` ran), or 15 s. */
const settleConnections = async (api: string, count: number) => {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if ((await openConnections(api)) === count) return;
    await sleep(100);
  }
};

/** One booking of `slot` by `booker`, timed to the message on every socket. */
const fanOutRound = async (
  options: FanOutOptions,
  round: number,
  sockets: readonly BenchSocket[],
  booker: BenchAccount,
  roomId: string | undefined,
  type: string,
) => {
  const correlationId = randomUUID();
  const waits = sockets.map((socket) =>
    socket
      .next((m) => m.type === type && m.correlationId === correlationId, options.timeoutMs)
      .then(
        (arrival) => arrival.at,
        () => null,
      ),
  );
  const sentAt = epochMs();
  const posted = await call(options.api, 'POST', '/v1/bookings', {
    token: booker.token,
    headers: { 'x-request-id': correlationId },
    body: { ...options.cast.slot(roomId), paymentToken: 'tok_pending' },
  });
  const postedAt = epochMs();
  if (posted.status !== 201) throw new Error(`POST /v1/bookings answered ${posted.status}`);
  const arrivals = (await Promise.all(waits)).filter((at): at is number => at !== null);
  for (const socket of sockets) socket.clear();
  const perSocket = arrivals.map((at) => at - sentAt);
  return {
    correlationId,
    sentAt,
    round: {
      round,
      received: arrivals.length,
      postAnsweredMs: round1(postedAt - sentAt),
      busMs: null,
      firstMs: perSocket.length ? round1(Math.min(...perSocket)) : null,
      lastMs: perSocket.length ? round1(Math.max(...perSocket)) : null,
      perSocketMs: spread(perSocket),
    } satisfies FanOutRound as FanOutRound,
    perSocket,
  };
};

/** Runs the rounds of one scenario on open sockets; the bus times come from `GET /arrivals`. */
const runScenario = async (
  options: FanOutOptions,
  scenario: Omit<FanOutScenario, 'rounds' | 'perSocketMs' | 'lastMs' | 'busMs' | 'fanOutMs'>,
  sockets: readonly BenchSocket[],
  booker: BenchAccount,
  roomId: string | undefined,
): Promise<FanOutScenario> => {
  for (let i = 0; i < options.warmupRounds; i++) {
    await fanOutRound(options, 0, sockets, booker, roomId, scenario.message);
    await sleep(options.pauseMs);
  }
  const measured = [];
  for (let i = 1; i <= options.rounds; i++) {
    measured.push(await fanOutRound(options, i, sockets, booker, roomId, scenario.message));
    await sleep(options.pauseMs);
  }
  const arrivals = new Map(
    (
      (await expectOk('GET /arrivals', call(options.controlUrl, 'GET', '/arrivals', { timeoutMs: 30_000 })))
        .items as Array<{ detailType: string; correlationId: string; arrivedAt: number }>
    ).map((a) => [`${a.correlationId} ${a.detailType}`, a.arrivedAt]),
  );
  const rounds = measured.map((m): FanOutRound => {
    const at = arrivals.get(`${m.correlationId} ${scenario.message}`);
    return { ...m.round, busMs: at === undefined ? null : round1(at - m.sentAt) };
  });
  const numbers = (values: ReadonlyArray<number | null>) => values.filter((v): v is number => v !== null);
  const result: FanOutScenario = {
    ...scenario,
    rounds,
    perSocketMs: spread(measured.flatMap((m) => m.perSocket)),
    lastMs: spread(numbers(rounds.map((r) => r.lastMs))),
    busMs: spread(numbers(rounds.map((r) => r.busMs))),
    fanOutMs: spread(
      numbers(rounds.map((r) => (r.lastMs === null || r.busMs === null ? null : r.lastMs - r.busMs))),
    ),
  };
  const missing = rounds.reduce((sum, r) => sum + (scenario.sockets - r.received), 0);
  options.log(
    `  notifications fan-out (${scenario.scenario}, ${scenario.sockets} sockets): last socket p50 ${result.lastMs.median.toFixed(1)} ms, per socket p50 ${result.perSocketMs.median.toFixed(1)} ms / p99 ${result.perSocketMs.p99.toFixed(1)} ms, on the bus p50 ${result.busMs.median.toFixed(1)} ms over ${rounds.length} rounds${missing ? ` (${missing} messages missing)` : ''}`,
  );
  return result;
};

/**
 * Both scenarios, with the memory read before, with the sockets open (idle, and after the
 * rounds) and after they closed.
 *
 * @example
 * const { fanOut, memory } = await measureFanOut({ ...options, sockets: 200 }, devstackPid);
 */
const measureFanOut = async (
  options: FanOutOptions & { readonly sockets: number; readonly followerUsers: number },
  devstackPid: number,
): Promise<{ fanOut: FanOutScenario[]; memory: MemoryReading[] }> => {
  const { api, cast, sockets: count } = options;
  const memory: MemoryReading[] = [];
  const fanOut: FanOutScenario[] = [];
  const booker = cast.users[0] as BenchAccount;

  await settleConnections(api, 0);
  const ownerBaseline = 'no sockets open (after the latency part)';
  memory.push(await readMemory(api, options.controlUrl, devstackPid, ownerBaseline));
  const against = async (state: string, baseline: string) => ({
    ...(await readMemory(api, options.controlUrl, devstackPid, state)),
    baseline,
  });

  // One user's connections: a user of the latency part, whose own socket is closed by now.
  const ownerAccount = cast.users[1] ?? booker;
  options.log(`  notifications: ${count} sockets of one user ...`);
  let started = performance.now();
  let sockets = await openSockets(
    options.webSocketUrl,
    Array.from({ length: count }, () => ownerAccount.token),
    options.openConcurrency,
  );
  const ownerOpenMs = performance.now() - started;
  try {
    await sleep(1000);
    memory.push(await against(`${count} sockets of one user, idle`, ownerBaseline));
    fanOut.push(
      await runScenario(
        options,
        {
          scenario: 'owner',
          sockets: count,
          users: 1,
          message: 'booking.created',
          openMs: Math.round(ownerOpenMs),
          openConcurrency: options.openConcurrency,
        },
        sockets,
        ownerAccount,
        undefined,
      ),
    );
    memory.push(await against(`${count} sockets of one user, after the fan-outs`, ownerBaseline));
  } finally {
    await closeSockets(sockets);
  }
  await settleConnections(api, 0);

  // Followers of one room.
  options.log(`  notifications: ${options.followerUsers} users to follow a room ...`);
  const followers = await moreUsers(api, 'notify-follower', options.followerUsers);
  const roomId = cast.rooms[0] as string;
  // Registering the followers grows the users worker's heap (password hashes): read again first.
  await sleep(1000);
  const followersBaseline = `no sockets open (after registering ${followers.length} followers)`;
  memory.push(await readMemory(api, options.controlUrl, devstackPid, followersBaseline));
  options.log(`  notifications: ${count} sockets following one room ...`);
  started = performance.now();
  sockets = await openSockets(
    options.webSocketUrl,
    Array.from({ length: count }, (_, i) => (followers[i % followers.length] as BenchAccount).token),
    options.openConcurrency,
  );
  try {
    await eachLimited(sockets, options.openConcurrency, async (socket) => {
      const requestId = randomUUID();
      const answer = socket.next((m) => m.requestId === requestId, options.timeoutMs);
      socket.send({ action: 'subscribe', roomId, requestId });
      const { message } = await answer;
      if (message.type !== 'subscribed') throw new Error(`subscribe answered ${JSON.stringify(message)}`);
      socket.clear();
    });
    const followersOpenMs = performance.now() - started;
    await sleep(1000);
    memory.push(await against(`${count} sockets following one room, idle`, followersBaseline));
    fanOut.push(
      await runScenario(
        options,
        {
          scenario: 'followers',
          sockets: count,
          users: Math.min(count, followers.length),
          message: 'room.availability_changed',
          openMs: Math.round(followersOpenMs),
          openConcurrency: options.openConcurrency,
        },
        sockets,
        booker,
        roomId,
      ),
    );
    memory.push(await against(`${count} sockets following one room, after the fan-outs`, followersBaseline));
  } finally {
    await closeSockets(sockets);
  }
  await settleConnections(api, 0);
  await sleep(1000);
  memory.push(await against('no sockets open again (all closed)', followersBaseline));
  return { fanOut, memory };
};

export type { FanOutOptions };
export { measureFanOut, readMemory };
