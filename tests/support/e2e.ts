/**
 * Helpers for the end-to-end suite: clients that check every response against the contract, fresh
 * accounts, the bootstrap admin, and (on the devstack) the events that crossed the bus.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import {
  createTesseraClient,
  type TesseraClient,
  type TokenPair,
  type User,
} from '../../packages/client/src/index.ts';
import { checkedFetch } from './contract-check.ts';
import { pollUntil } from './poll.ts';
import { BOOTSTRAP_ADMIN } from './provided.ts';

const baseUrl = inject('baseUrl');
const devstack = inject('devstack');

/** A contract-checked client, optionally signed in. */
const client = (accessToken?: string | (() => string | undefined)): TesseraClient =>
  createTesseraClient({
    baseUrl,
    fetch: (request) => checkedFetch(request),
    ...(accessToken === undefined
      ? {}
      : { accessToken: typeof accessToken === 'string' ? () => accessToken : accessToken }),
  });

/** A raw, contract-checked request, for input no typed client would send. */
const raw = (path: string, init: RequestInit = {}) => checkedFetch(`${baseUrl}${path}`, init);

const jsonPost = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const uniqueEmail = (label = 'user') => `${label}-${randomUUID()}@e2e.tessera.test`;

const PASSWORD = 'a perfectly fine passphrase';

interface Account {
  readonly user: User;
  readonly email: string;
  readonly password: string;
  readonly tokens: TokenPair;
  readonly api: TesseraClient;
}

const login = async (email: string, password: string): Promise<TokenPair> => {
  const { data, response } = await client().POST('/v1/auth/login', { body: { email, password } });
  if (!data) throw new Error(`login of ${email} failed with ${response.status}`);
  return data;
};

/** Registers a fresh account and logs it in. */
const newAccount = async (label = 'user'): Promise<Account> => {
  const email = uniqueEmail(label);
  const { data: user, response } = await client().POST('/v1/auth/register', {
    body: { email, password: PASSWORD, name: `E2E ${label}` },
  });
  if (!user) throw new Error(`registration failed with ${response.status}`);
  const tokens = await login(email, PASSWORD);
  return { user, email, password: PASSWORD, tokens, api: client(tokens.accessToken) };
};

/** The bootstrap admin (or TESSERA_E2E_ADMIN_EMAIL / _PASSWORD on a deployed stage), signed in. */
const adminAccount = async (): Promise<{ readonly api: TesseraClient; readonly accessToken: string }> => {
  const email = process.env.TESSERA_E2E_ADMIN_EMAIL ?? BOOTSTRAP_ADMIN.email;
  const password = process.env.TESSERA_E2E_ADMIN_PASSWORD ?? BOOTSTRAP_ADMIN.password;
  const tokens = await login(email, password);
  return { api: client(tokens.accessToken), accessToken: tokens.accessToken };
};

/** A fresh account given `role` by the admin, signed in again so its token carries the role. */
const newAccountWithRole = async (role: 'provider' | 'admin', label: string): Promise<Account> => {
  const account = await newAccount(label);
  const { api: admin } = await adminAccount();
  const { response } = await admin.PATCH('/v1/users/{userId}', {
    params: { path: { userId: account.user.id } },
    body: { role },
  });
  if (response.status !== 200) throw new Error(`promotion failed with ${response.status}`);
  const tokens = await login(account.email, account.password);
  return { ...account, user: { ...account.user, role }, tokens, api: client(tokens.accessToken) };
};

/** A fresh account made a provider by the admin, signed in again so its token carries the role. */
const newProvider = (label = 'provider'): Promise<Account> => newAccountWithRole('provider', label);

/** A fresh admin of the test's own, for tests that may change what they sign in with. */
const newAdmin = (label = 'admin'): Promise<Account> => newAccountWithRole('admin', label);

/**
 * Retries while the answer is 422: a new provider reaches other services' user directories through
 * events, a moment after the role change.
 */
const eventually422 = (attempt: () => Promise<Response>, timeoutMs = 10_000): Promise<Response> =>
  pollUntil(attempt, (response) => response.status !== 422, { timeoutMs });

interface BusEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: {
    readonly eventId: string;
    readonly correlationId: string;
    readonly data: Record<string, unknown>;
  };
}

interface EventQuery {
  readonly detailType: string;
  readonly correlationId?: string;
}

/**
 * Every event matching `predicate` that has crossed the devstack's bus, once at least `atLeast` have
 * (the outbox publishes a moment after its write), or as they are after `timeoutMs`; at once when
 * `atLeast` is 0.
 */
const busEvents = (
  query: EventQuery,
  predicate: (event: BusEvent) => boolean = () => true,
  atLeast = 0,
  timeoutMs = 10_000,
): Promise<BusEvent[]> => {
  const params = new URLSearchParams({ detailType: query.detailType });
  if (query.correlationId) params.set('correlationId', query.correlationId);
  return pollUntil(
    async () => {
      const response = await fetch(`${baseUrl}/_devstack/events?${params}`);
      return ((await response.json()) as { items: BusEvent[] }).items.filter(predicate);
    },
    (events) => events.length >= atLeast,
    { timeoutMs, intervalMs: 50 },
  );
};

/** Waits until an event matching `predicate` has crossed the devstack's bus. */
const waitForEvent = async (
  query: EventQuery,
  predicate: (event: BusEvent) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<BusEvent> => {
  const [found] = await busEvents(query, predicate, 1, timeoutMs);
  if (!found) throw new Error(`no ${query.detailType} event within ${timeoutMs} ms`);
  return found;
};

export type { Account, BusEvent };
export {
  adminAccount,
  baseUrl,
  busEvents,
  client,
  devstack,
  eventually422,
  jsonPost,
  login,
  newAccount,
  newAdmin,
  newProvider,
  PASSWORD,
  raw,
  uniqueEmail,
  waitForEvent,
};
