import { beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../packages/client/src/index.ts';
import { type Account, adminAccount, eventually422, newAccount, newProvider, raw } from '../support/e2e.ts';
import { pollUntil } from '../support/poll.ts';

type Ticket = Schemas['Ticket'];
type TicketStatus = Schemas['TicketStatus'];

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
let adminApi: Account['api'];
let reporter: Account;
let provider: Account;
let stranger: Account;
let otherProvider: Account;

beforeAll(async () => {
  ({ accessToken: admin, api: adminApi } = await adminAccount());
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

/** Has the assignee move an assigned ticket along the workflow. */
const move = async (ticket: Ticket, ...statuses: TicketStatus[]): Promise<Ticket> => {
  let current = ticket;
  for (const status of statuses) {
    const response = await call(provider, 'PATCH', `/v1/tickets/${ticket.id}`, { status });
    expect(response.status).toBe(200);
    current = await json(response);
  }
  return current;
};

/** Every mutable field of a ticket, as a PUT body. */
const replacement = (ticket: Ticket, changes: Partial<Schemas['ReplaceTicketRequest']> = {}) => ({
  title: ticket.title,
  description: ticket.description,
  priority: ticket.priority,
  status: ticket.status,
  assigneeId: ticket.assigneeId,
  ...changes,
});

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

  it('answers 400 for a title of white space only, on create and on change', async () => {
    const blank = { location: 'body', field: 'title', detail: 'must not be blank' };
    const created = await call(reporter, 'POST', '/v1/tickets', { title: '   ' });
    expect(created.status).toBe(400);
    expect(((await created.json()) as { errors: unknown[] }).errors).toEqual([blank]);

    const ticket = await json(await call(reporter, 'POST', '/v1/tickets', { title: 'Kept' }));
    const patched = await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { title: '\n' });
    expect(patched.status).toBe(400);
    expect(((await patched.json()) as { errors: unknown[] }).errors).toEqual([blank]);
    expect(await json(await call(reporter, 'GET', `/v1/tickets/${ticket.id}`))).toMatchObject({
      title: 'Kept',
      version: 1,
    });
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

  it('answers 409 naming both states, in prose and as currentStatus and requestedStatus, for an illegal move', async () => {
    const ticket = await report();

    const patched = await adminApi.PATCH('/v1/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.id } },
      body: { status: 'RESOLVED' },
    });
    const replaced = await adminApi.PUT('/v1/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.id } },
      body: replacement(ticket, { status: 'IN_PROGRESS' }),
    });

    expect(patched.response.status).toBe(409);
    expect(patched.error).toEqual({
      type: 'urn:tessera:problem:illegal-transition',
      title: 'Conflict',
      status: 409,
      detail: 'A ticket cannot move from NEW to RESOLVED.',
      instance: `/v1/tickets/${ticket.id}`,
      requestId: patched.response.headers.get('x-request-id'),
      currentStatus: 'NEW',
      requestedStatus: 'RESOLVED',
    });
    expect(replaced.response.status).toBe(409);
    expect(replaced.error).toMatchObject({
      type: 'urn:tessera:problem:illegal-transition',
      detail: 'A ticket cannot move from NEW to IN_PROGRESS.',
      currentStatus: 'NEW',
      requestedStatus: 'IN_PROGRESS',
    });
  });

  it('answers other 409s as plain problems, without the states as members', async () => {
    const ticket = await move(await assigned(), 'IN_PROGRESS');

    const response = await call(reporter, 'PATCH', `/v1/tickets/${ticket.id}`, { title: 'Too late' });
    const problem = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(409);
    expect(problem).toMatchObject({ type: 'urn:tessera:problem:ticket-locked' });
    expect(problem).not.toHaveProperty('currentStatus');
    expect(problem).not.toHaveProperty('requestedStatus');
  });

  it('refuses an assignee who is a plain user, and one who is nobody (422, saying which)', async () => {
    const ticket = await report();
    const assign = (assigneeId: string) => call(admin, 'PATCH', `/v1/tickets/${ticket.id}`, { assigneeId });

    // The stranger registered before this file's tests began; the directory hears of them by event.
    const plainUser = await pollUntil(
      async () => json(await assign(stranger.user.id)),
      (problem) => !problem.detail?.includes('not a user this service knows'),
    );
    const nobody = await assign('00000000-0000-4000-8000-000000000000');

    expect(plainUser).toMatchObject({
      status: 422,
      type: 'urn:tessera:problem:assignee-not-eligible',
      detail: 'The assignee must be a provider or an admin, not a user.',
    });
    expect(nobody.status).toBe(422);
    expect((await json(nobody)).detail).toContain('not a user this service knows');
    expect(await json(await call(admin, 'GET', `/v1/tickets/${ticket.id}`))).toMatchObject({
      assigneeId: null,
      version: 1,
    });
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

  it('the reporter edits title and description while OPEN too, and closes an OPEN ticket', async () => {
    const ticket = await assigned();

    const edited = await reporter.api.PATCH('/v1/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.id } },
      body: { title: 'Printer still on fire', description: 'Now the desk too.' },
    });
    const closed = await reporter.api.PATCH('/v1/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.id } },
      body: { status: 'CLOSED' },
    });

    expect(ticket.status).toBe('OPEN');
    expect(edited.response.status).toBe(200);
    expect(edited.data).toMatchObject({
      status: 'OPEN',
      title: 'Printer still on fire',
      description: 'Now the desk too.',
      version: ticket.version + 1,
    });
    expect(closed.response.status).toBe(200);
    expect(closed.data).toMatchObject({ status: 'CLOSED', version: ticket.version + 2 });
  });

  it('the reporter closes a RESOLVED ticket', async () => {
    const resolved = await move(await assigned(), 'IN_PROGRESS', 'RESOLVED');

    const { data, response } = await reporter.api.PATCH('/v1/tickets/{ticketId}', {
      params: { path: { ticketId: resolved.id } },
      body: { status: 'CLOSED' },
    });

    expect(resolved.status).toBe('RESOLVED');
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ status: 'CLOSED', version: resolved.version + 1 });
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

  it('an admin PUT reassigns: the new assignee sees the ticket, the old one no longer does', async () => {
    const ticket = await assigned();

    const response = await eventually422(() =>
      call(
        admin,
        'PUT',
        `/v1/tickets/${ticket.id}`,
        replacement(ticket, { assigneeId: otherProvider.user.id, priority: 'URGENT' }),
      ),
    );
    const replaced = await json(response);

    expect(response.status).toBe(200);
    expect(replaced).toMatchObject({
      status: 'OPEN',
      priority: 'URGENT',
      assigneeId: otherProvider.user.id,
      version: ticket.version + 1,
    });
    expect(response.headers.get('etag')).toBe(`"${replaced.version}"`);
    expect((await call(otherProvider, 'GET', `/v1/tickets/${ticket.id}`)).status).toBe(200);
    expect((await call(provider, 'GET', `/v1/tickets/${ticket.id}`)).status).toBe(404);
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

  it('honours If-Match on PUT: 412 for a stale version, and the ETag answered is the new version', async () => {
    const ticket = await report();
    const put = (title: string, ifMatch?: string) =>
      reporter.api.PUT('/v1/tickets/{ticketId}', {
        params: { path: { ticketId: ticket.id }, ...(ifMatch ? { header: { 'If-Match': ifMatch } } : {}) },
        body: replacement(ticket, { title }),
      });

    const stale = await put('Stale', '"7"');
    const afterStale = await json(await call(reporter, 'GET', `/v1/tickets/${ticket.id}`));
    const fresh = await put('Fresh', '"1"');
    const unconditional = await put('Unconditional');
    const replayed = await put('Replayed', '"1"');

    expect(stale.response.status).toBe(412);
    expect(stale.error).toMatchObject({ type: 'urn:tessera:problem:stale-version' });
    expect(afterStale).toMatchObject({ title: ticket.title, version: 1 });
    expect(fresh.response.status).toBe(200);
    expect(fresh.data).toMatchObject({ title: 'Fresh', version: 2 });
    expect(fresh.response.headers.get('etag')).toBe('"2"');
    expect(unconditional.data).toMatchObject({ title: 'Unconditional', version: 3 });
    expect(unconditional.response.headers.get('etag')).toBe('"3"');
    expect(replayed.response.status).toBe(412);
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

/** Up to 100 tickets of the caller's list, narrowed by `query` (`&status=NEW`). */
const listItems = async (who: Account | string, query = ''): Promise<Ticket[]> => {
  const response = await call(who, 'GET', `/v1/tickets?limit=100${query}`);
  expect(response.status).toBe(200);
  return [...((await response.json()) as Schemas['TicketList']).items];
};

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
    const fresh = await report('Still NEW');
    const newOnes = await listItems(admin, '&status=NEW');
    expect(newOnes.length).toBeGreaterThan(0);
    expect(newOnes.map((t) => t.status)).toEqual(newOnes.map(() => 'NEW'));
    expect(newOnes.map((t) => t.id)).toContain(fresh.id);
    expect(newOnes.map((t) => t.id)).not.toContain(ticket.id);
  });

  it("filters a user's list by status: every item has it, and the list is not empty", async () => {
    const open = await assigned();
    const fresh = await report('Not yet open');

    const items = await listItems(reporter, '&status=OPEN');

    expect(items.length).toBeGreaterThan(0);
    expect(items.map((t) => t.status)).toEqual(items.map(() => 'OPEN'));
    expect(items.map((t) => t.id)).toContain(open.id);
    expect(items.map((t) => t.id)).not.toContain(fresh.id);
    expect(items.every((t) => t.reporterId === reporter.user.id)).toBe(true);
  });

  it("filters a provider's list by status, over what they report and what is assigned to them", async () => {
    const working = await move(await assigned(), 'IN_PROGRESS');
    const own = await report('Provider reports a NEW one', provider);

    const inProgress = await listItems(provider, '&status=IN_PROGRESS');
    const fresh = await listItems(provider, '&status=NEW');

    expect(inProgress.length).toBeGreaterThan(0);
    expect(inProgress.map((t) => t.status)).toEqual(inProgress.map(() => 'IN_PROGRESS'));
    expect(inProgress.map((t) => t.id)).toContain(working.id);
    expect(inProgress.map((t) => t.id)).not.toContain(own.id);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.map((t) => t.status)).toEqual(fresh.map(() => 'NEW'));
    expect(fresh.map((t) => t.id)).toContain(own.id);
    expect(fresh.map((t) => t.id)).not.toContain(working.id);
  });

  it('answers 400 for a real nextCursor replayed with another status filter', async () => {
    const author = await newAccount('cursor');
    for (const title of ['First', 'Second', 'Third']) await report(title, author);
    const page = async (status: TicketStatus, cursor?: string) =>
      author.api.GET('/v1/tickets', {
        params: { query: { limit: 1, status, ...(cursor ? { cursor } : {}) } },
      });

    const first = await page('NEW');
    const cursor = first.data?.nextCursor;
    if (!cursor) throw new Error('the first page of three NEW tickets has no nextCursor');
    const same = await page('NEW', cursor);
    const other = await page('OPEN', cursor);

    expect(same.response.status).toBe(200);
    expect(same.data?.items.map((t) => t.title)).toEqual(['Second']);
    expect(other.response.status).toBe(400);
    expect(other.error).toMatchObject({
      type: 'urn:tessera:problem:invalid-cursor',
      errors: [{ location: 'query', field: 'cursor', detail: 'is not a cursor from this list' }],
    });
  });

  it('answers 400 for a limit outside 1 to 100 and for a cursor that is not one of ours', async () => {
    for (const query of ['limit=0', 'limit=101', 'cursor=abc.def', 'status=DONE']) {
      expect((await call(reporter, 'GET', `/v1/tickets?${query}`)).status).toBe(400);
    }
  });
});
