import { beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../packages/client/src/index.ts';
import { type Account, adminAccount, eventually422, newAccount, newProvider, raw } from '../support/e2e.ts';

type Ticket = Schemas['Ticket'];

/** A raw, contract-checked request as `account`. */
const call = (
  account: { tokens: { accessToken: string } } | string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  raw(path, {
    method,
    headers: {
      authorization: `Bearer ${typeof account === 'string' ? account : account.tokens.accessToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const json = async (response: Response) =>
  (await response.json()) as Ticket & { detail?: string; type?: string };

let admin: string;
let reporter: Account;
let provider: Account;
let stranger: Account;
let otherProvider: Account;

beforeAll(async () => {
  admin = (await adminAccount()).accessToken;
  [reporter, provider, stranger, otherProvider] = await Promise.all([
    newAccount('reporter'),
    newProvider('assignee'),
    newAccount('stranger'),
    newProvider('other-provider'),
  ]);
});

const report = async (title = 'Printer on fire', as: Account = reporter): Promise<Ticket> => {
  const { data, response } = await as.api.POST('/v1/tickets', {
    body: { title, description: 'Smoke everywhere.' },
  });
  if (!data) throw new Error(`create failed with ${response.status}`);
  return data;
};

/** Reports a ticket, and has the admin open it and assign it to the provider. */
const assigned = async (): Promise<Ticket> => {
  const ticket = await report();
  const response = await eventually422(() =>
    call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { status: 'OPEN', assigneeId: provider.user.id }),
  );
  expect(response.status).toBe(200);
  return json(response);
};

describe('POST and GET /v1/tickets/{ticketId}', () => {
  it('creates a NEW ticket reported by the caller, with its Location and an ETag', async () => {
    const response = await call(reporter, 'POST', '/v1/tickets', { title: 'Broken chair', priority: 'HIGH' });
    const ticket = await json(response);

    expect(response.status).toBe(201);
    expect(ticket).toMatchObject({
      title: 'Broken chair',
      priority: 'HIGH',
      status: 'NEW',
      reporterId: reporter.user.id,
      assigneeId: null,
      version: 1,
    });
    expect(response.headers.get('location')).toBe(`/v1/tickets/${ticket.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
  });

  it('answers a strong ETag that follows the version', async () => {
    const ticket = await report();
    await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'Renamed' });

    const response = await call(reporter, 'GET', `/v1/tickets/${ticket.id}`);

    expect(response.headers.get('etag')).toBe('"2"');
    expect(await json(response)).toMatchObject({ title: 'Renamed', version: 2 });
  });

  it('answers 400 naming the fields for a bad body', async () => {
    const response = await call(reporter, 'POST', '/v1/tickets', {
      title: '',
      description: 'x'.repeat(10_001),
      severity: 1,
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown[] }).errors).toEqual(
      expect.arrayContaining([
        { location: 'body', field: 'title', detail: 'must be at least 1 character long' },
        { location: 'body', field: 'description', detail: 'must be at most 10000 characters long' },
        { location: 'body', field: 'severity', detail: 'is not allowed' },
      ]),
    );
  });
});

describe('PUT, PATCH and DELETE', () => {
  it('PUT replaces every mutable field and answers 400 when one is missing', async () => {
    const ticket = await report();

    const missing = await call(reporter, 'PUT', `/v1/tickets/${ticket.id}`, {
      title: 't',
      description: 'd',
      priority: 'LOW',
      status: 'NEW',
    });
    const full = await call(reporter, 'PUT', `/v1/tickets/${ticket.id}`, {
      title: 'Replaced',
      description: 'All new',
      priority: 'LOW',
      status: 'NEW',
      assigneeId: null,
    });

    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: unknown[] }).errors).toEqual([
      { location: 'body', field: 'assigneeId', detail: 'is required' },
    ]);
    expect(full.status).toBe(200);
    expect(await json(full)).toMatchObject({
      title: 'Replaced',
      description: 'All new',
      priority: 'LOW',
      version: 2,
    });
  });

  it('DELETE answers 204 and the ticket is gone', async () => {
    const ticket = await report();

    const deleted = await call(reporter, 'DELETE', `/v1/tickets/${ticket.id}`);
    const after = await call(reporter, 'GET', `/v1/tickets/${ticket.id}`);

    expect(deleted.status).toBe(204);
    expect(after.status).toBe(404);
  });

  it('answers 409 naming both states for an illegal move', async () => {
    const ticket = await report();

    const response = await call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { status: 'RESOLVED' });

    expect(response.status).toBe(409);
    expect((await json(response)).detail).toBe('A ticket cannot move from NEW to RESOLVED.');
  });

  it('refuses an assignee who is not a provider (422)', async () => {
    const ticket = await report();

    const response = await call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { assigneeId: stranger.user.id });

    expect(response.status).toBe(422);
  });
});

describe('Who may do what', () => {
  it('the reporter reads, edits while NEW or OPEN, closes, and deletes while NEW', async () => {
    const ticket = await report();
    const other = await report();

    expect((await call(reporter, 'GET', `/v1/tickets/${ticket.id}`)).status).toBe(200);
    expect(
      (await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'Edited', priority: 'URGENT' }))
        .status,
    ).toBe(200);
    expect((await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { status: 'CLOSED' })).status).toBe(
      200,
    );
    expect((await call(reporter, 'DELETE', `/v1/tickets/${other.id}`)).status).toBe(204);
  });

  it('the reporter may not move the status, assign, edit once work started, or delete after NEW', async () => {
    const ticket = await assigned();

    expect(
      (await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { status: 'IN_PROGRESS' })).status,
    ).toBe(403);
    expect(
      (await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { assigneeId: otherProvider.user.id }))
        .status,
    ).toBe(403);
    expect((await call(reporter, 'DELETE', `/v1/tickets/${ticket.id}`)).status).toBe(409);
    await call(provider, 'PATCH', `/v1/tickets/${ticket.id}`, { status: 'IN_PROGRESS' });
    expect((await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'Too late' })).status).toBe(
      409,
    );
  });

  it('the assignee reads and moves the status through the workflow, but edits nothing else', async () => {
    const ticket = await assigned();

    expect((await call(provider, 'GET', `/v1/tickets/${ticket.id}`)).status).toBe(200);
    for (const status of ['IN_PROGRESS', 'RESOLVED', 'OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED']) {
      const response = await call(provider, 'PATCH', `/v1/tickets/${ticket.id}`, { status });
      expect(response.status).toBe(200);
    }
    expect((await call(provider, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'Mine now' })).status).toBe(
      403,
    );
    expect((await call(provider, 'DELETE', `/v1/tickets/${ticket.id}`)).status).toBe(403);
  });

  it('an admin does everything, assignment and deletion included', async () => {
    const ticket = await assigned();

    expect(
      (await call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'Admin edit', status: 'IN_PROGRESS' }))
        .status,
    ).toBe(200);
    const reassigned = await eventually422(() =>
      call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { assigneeId: otherProvider.user.id }),
    );
    expect(reassigned.status).toBe(200);
    expect((await call(admin, 'DELETE', `/v1/tickets/${ticket.id}`)).status).toBe(204);
  });

  it.each(['GET', 'PATCH', 'PUT', 'DELETE'])(
    '%s by anyone else answers 404, as if the ticket did not exist',
    async (method) => {
      const ticket = await assigned();
      const body =
        method === 'PATCH'
          ? { title: 'Hijacked' }
          : method === 'PUT'
            ? { title: 'Hijacked', description: '', priority: 'LOW', status: 'OPEN', assigneeId: null }
            : undefined;

      const byUser = await call(stranger, method, `/v1/tickets/${ticket.id}`, body);
      const byProvider = await call(otherProvider, method, `/v1/tickets/${ticket.id}`, body);
      const missing = await call(stranger, method, '/v1/tickets/00000000-0000-4000-8000-000000000000', body);

      expect([byUser.status, byProvider.status]).toEqual([404, 404]);
      expect(await byUser.json()).toMatchObject({ type: 'urn:tessera:problem:ticket-not-found' });
      expect(missing.status).toBe(404);
      expect((await call(admin, 'GET', `/v1/tickets/${ticket.id}`)).status).toBe(200);
    },
  );
});

describe('Optimistic concurrency', () => {
  it('honours If-Match: 412 for a stale version, 200 for the current one', async () => {
    const ticket = await report();

    const stale = await call(
      reporter,
      'PATCH',
      `/v1/tickets/${ticket.id}`,
      { title: 'x' },
      { 'if-match': '"7"' },
    );
    const fresh = await call(
      reporter,
      'PATCH',
      `/v1/tickets/${ticket.id}`,
      { title: 'y' },
      { 'if-match': '"1"' },
    );
    const staleDelete = await call(reporter, 'DELETE', `/v1/tickets/${ticket.id}`, undefined, {
      'if-match': '"1"',
    });

    expect(stale.status).toBe(412);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"2"');
    expect(staleDelete.status).toBe(412);
  });

  it('lets exactly one of two simultaneous PATCHes with the same If-Match through', async () => {
    const ticket = await report();

    const results = await Promise.all([
      call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'First writer' }, { 'if-match': '"1"' }),
      call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'Second writer' }, { 'if-match': '"1"' }),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200);
    const stored = await json(await call(reporter, 'GET', `/v1/tickets/${ticket.id}`));
    expect(stored).toMatchObject({ version: 2, title: (await json(winner as Response)).title });
  });
});

describe('GET /v1/tickets', () => {
  it('pages through a few dozen tickets newest first with no duplicate and no gap', async () => {
    const author = await newAccount('many');
    const created: string[] = [];
    for (let i = 0; i < 30; i++) created.push((await report(`Ticket ${i}`, author)).id);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { data }: { data?: Schemas['TicketList'] } = await author.api.GET('/v1/tickets', {
        params: { query: { limit: 7, ...(cursor ? { cursor } : {}) } },
      });
      if (!data) throw new Error('no page');
      seen.push(...data.items.map((t) => t.id));
      cursor = data.nextCursor ?? undefined;
    } while (cursor);

    expect(seen).toEqual([...created].reverse());
  });

  it('scopes the list: users see what they reported, providers also what is assigned to them', async () => {
    const ticket = await assigned();
    const own = await report('Provider reports too', provider);

    const list = async (who: Account | string, query = '') =>
      (
        (await (await call(who, 'GET', `/v1/tickets?limit=100${query}`)).json()) as Schemas['TicketList']
      ).items.map((t) => t.id);

    expect(await list(reporter)).toContain(ticket.id);
    expect(await list(provider)).toEqual(expect.arrayContaining([ticket.id, own.id]));
    expect(await list(stranger)).not.toContain(ticket.id);
    expect(await list(otherProvider)).not.toContain(ticket.id);
    expect(await list(provider, `&assigneeId=${provider.user.id}`)).toContain(ticket.id);
    expect(await list(provider, `&assigneeId=${provider.user.id}`)).not.toContain(own.id);
    expect(await list(admin, `&assigneeId=${provider.user.id}&status=OPEN`)).toContain(ticket.id);
    expect(await list(admin, '&status=NEW')).not.toContain(ticket.id);
  });

  it('answers 400 for a limit outside 1 to 100 and for a cursor that is not one of ours', async () => {
    for (const query of ['limit=0', 'limit=101', 'cursor=abc.def', 'status=DONE']) {
      expect((await call(reporter, 'GET', `/v1/tickets?${query}`)).status).toBe(400);
    }
  });
});
