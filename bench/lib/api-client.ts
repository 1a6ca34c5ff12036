/**
 * A small JSON client of the devstack's HTTP API for the benchmarks that drive it end to end: every
 * call has a timeout (10 s unless told), and the accounts they need: a user registered and logged
 * in, and a provider, a user the bootstrap admin gives the role (then logged in again, so the
 * token carries it).
 */
import { randomUUID } from 'node:crypto';

const PASSWORD = 'correct horse battery staple';
const TIMEOUT_MS = 10_000;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/**
 * One request, its JSON answer parsed; throws when no answer comes within the timeout.
 *
 * @example
 * const { status, body } = await call(api, 'GET', `/v1/bookings/${id}`, { token });
 */
const call = async (
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

/** The answer's body, or an error naming the request and its answer when it is not a 2xx. */
const expectOk = async (what: string, answer: Promise<Answer>): Promise<Record<string, unknown>> => {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
  return body;
};

/** An access token for these credentials. */
const login = async (base: string, email: string, password: string): Promise<string> =>
  String(
    (
      await expectOk(
        'POST /v1/auth/login',
        call(base, 'POST', '/v1/auth/login', { body: { email, password } }),
      )
    ).accessToken,
  );

interface BenchAccount {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

/** Registers a fresh user and logs it in. */
const newUser = async (base: string, label: string): Promise<BenchAccount> => {
  const email = `${label}-${randomUUID()}@bench.tessera.test`;
  const user = await expectOk(
    'POST /v1/auth/register',
    call(base, 'POST', '/v1/auth/register', { body: { email, password: PASSWORD, name: `Bench ${label}` } }),
  );
  return { id: String(user.id), email, token: await login(base, email, PASSWORD) };
};

/** A fresh user made a provider by an admin, logged in again so its token carries the role. */
const newProvider = async (base: string, adminToken: string, label: string): Promise<BenchAccount> => {
  const account = await newUser(base, label);
  await expectOk(
    'PATCH /v1/users/{userId}',
    call(base, 'PATCH', `/v1/users/${account.id}`, { token: adminToken, body: { role: 'provider' } }),
  );
  return { ...account, token: await login(base, account.email, PASSWORD) };
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Offers a room as a provider, retrying while the answer is 422: the provider reaches the bookings
 * service's users directory through an event, a moment after the role change.
 */
const newRoom = async (base: string, provider: BenchAccount, name: string): Promise<string> => {
  const deadline = performance.now() + 15_000;
  for (;;) {
    const answer = await call(base, 'POST', '/v1/rooms', {
      token: provider.token,
      body: { name, type: 'meeting', capacity: 8, pricePerHour: 1250, currency: 'EUR' },
    });
    if (answer.status === 201) return String(answer.body.id);
    if (answer.status !== 422 || performance.now() > deadline)
      throw new Error(`POST /v1/rooms answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await sleep(50);
  }
};

export type { Answer, BenchAccount };
export { call, expectOk, login, newProvider, newRoom, newUser, PASSWORD, sleep };
