/**
 * The cast of the notifications benchmark, made through the devstack's API: a provider with rooms,
 * users who book, and a 1-hour slot of its own for every booking (rooms in turn, or one room).
 */
import { type BenchAccount, call, login, newProvider, newRoom, newUser } from '../lib/api-client.ts';
import { eachLimited } from '../lib/sockets.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface Slot {
  readonly roomId: string;
  readonly startTime: string;
  readonly endTime: string;
}

interface Cast {
  readonly provider: BenchAccount;
  readonly rooms: readonly string[];
  readonly users: readonly BenchAccount[];
  /** An interval no other booking of the run has: in the next room in turn, or in `roomId`. */
  slot(roomId?: string): Slot;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Registers the provider (made one by the admin), `rooms` rooms and `users` users.
 *
 * @example
 * const cast = await prepareCast(api, admin, { rooms: 6, users: 10, label: 'notify' });
 * await call(api, 'POST', '/v1/bookings', { token: cast.users[0].token, body: cast.slot() });
 */
const prepareCast = async (
  api: string,
  admin: { readonly email: string; readonly password: string },
  counts: { readonly rooms: number; readonly users: number; readonly label: string },
): Promise<Cast> => {
  const adminToken = await login(api, admin.email, admin.password);
  const provider = await newProvider(api, adminToken, `${counts.label}-provider`);
  const rooms: string[] = [];
  for (let i = 0; i < counts.rooms; i++) rooms.push(await newRoom(api, provider, `Notify room ${i + 1}`));
  const users = await eachLimited(
    Array.from({ length: counts.users }, (_, i) => i),
    4,
    (i) => newUser(api, `${counts.label}-booker-${i}`),
  );
  const firstDay = Math.floor(Date.now() / DAY_MS) * DAY_MS + 2 * DAY_MS;
  const taken = new Map<string, number>();
  let turn = 0;
  return {
    provider,
    rooms,
    users,
    slot: (roomId) => {
      const room = roomId ?? (rooms[turn++ % rooms.length] as string);
      const k = taken.get(room) ?? 0;
      taken.set(room, k + 1);
      // 20 hours a day (02:00 to 22:00 UTC), day after day.
      const start = firstDay + Math.floor(k / 20) * DAY_MS + (2 + (k % 20)) * HOUR_MS;
      return { roomId: room, startTime: iso(start), endTime: iso(start + HOUR_MS) };
    },
  };
};

/** Registers `count` more users, `concurrency` at a time (each a register and a login: two password hashes). */
const moreUsers = (api: string, label: string, count: number, concurrency = 4) =>
  eachLimited(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    (i) => newUser(api, `${label}-${i}`),
  );

/** The connections the devstack's gateway has open. */
const openConnections = async (api: string): Promise<number> =>
  ((await call(api, 'GET', '/_devstack/websocket/connections')).body.items as unknown[]).length;

export type { Cast, Slot };
export { moreUsers, openConnections, prepareCast };
