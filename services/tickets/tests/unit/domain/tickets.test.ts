import type { Principal } from '@tessera/shared/auth';
import { describe, expect, it } from 'vitest';
import { listTickets, scopeOf } from '../../../src/domain/ticket-queries.ts';
import { changeTicket, createTicket, deleteTicket } from '../../../src/domain/tickets.ts';
import {
  AssigneeNotEligibleError,
  ConcurrentChangeError,
  StaleVersionError,
  TicketNotFoundError,
} from '../../../src/errors.ts';
import { fakes } from '../fakes.ts';

const REPORTER: Principal = { userId: '11111111-1111-4111-8111-111111111111', role: 'user', expiresAt: 1 };
const PROVIDER: Principal = {
  userId: '22222222-2222-4222-8222-222222222222',
  role: 'provider',
  expiresAt: 1,
};
const ADMIN: Principal = { userId: '33333333-3333-4333-8333-333333333333', role: 'admin', expiresAt: 1 };

const setup = async () => {
  const f = fakes({ [PROVIDER.userId]: 'provider', [ADMIN.userId]: 'admin', [REPORTER.userId]: 'user' });
  const ticket = await createTicket(f.deps, REPORTER, { title: 'Printer on fire' }, 'req-create');
  return { ...f, ticket };
};

describe('Function: createTicket', () => {
  it('makes a NEW, unassigned MEDIUM ticket reported by the caller, and records ticket.created', async () => {
    const { ticket, tickets } = await setup();

    expect(ticket).toMatchObject({
      title: 'Printer on fire',
      description: '',
      priority: 'MEDIUM',
      status: 'NEW',
      reporterId: REPORTER.userId,
      assigneeId: null,
      version: 1,
    });
    expect(tickets.events[0]).toMatchObject({
      detailType: 'ticket.created',
      detail: { correlationId: 'req-create', data: { ticket } },
    });
  });
});

describe('Function: changeTicket', () => {
  it('writes the next version and records what changed', async () => {
    const { deps, ticket, tickets } = await setup();

    const next = await changeTicket(
      deps,
      ADMIN,
      ticket.id,
      { status: 'OPEN', assigneeId: PROVIDER.userId },
      { correlationId: 'req-2' },
    );

    expect(next).toMatchObject({
      status: 'OPEN',
      assigneeId: PROVIDER.userId,
      version: 2,
      updatedAt: '2026-11-21T06:00:00.000Z',
    });
    expect(tickets.events.at(-1)).toMatchObject({
      detailType: 'ticket.updated',
      detail: {
        data: {
          changes: ['status', 'assigneeId'],
          previousStatus: 'NEW',
          previousAssigneeId: null,
          changedBy: ADMIN.userId,
        },
      },
    });
  });

  it('writes nothing when nothing changes', async () => {
    const { deps, ticket, tickets } = await setup();

    const same = await changeTicket(
      deps,
      REPORTER,
      ticket.id,
      { title: ticket.title },
      { correlationId: 'r' },
    );

    expect(same).toEqual(ticket);
    expect(tickets.writes.attempted).toBe(0);
  });

  it('takes the status the ticket already has as no move: nothing refused, nothing written', async () => {
    const { deps, ticket, tickets } = await setup();

    for (const caller of [ADMIN, REPORTER]) {
      await expect(
        changeTicket(deps, caller, ticket.id, { status: 'NEW' }, { correlationId: 'r' }),
      ).resolves.toEqual(ticket);
    }
    expect(tickets.writes.attempted).toBe(0);
  });

  it('answers 412 for a stale If-Match and goes ahead for * or the current version', async () => {
    const { deps, ticket } = await setup();

    await expect(
      changeTicket(
        deps,
        REPORTER,
        ticket.id,
        { title: 'a' },
        { precondition: { versions: [7] }, correlationId: 'r' },
      ),
    ).rejects.toThrow(StaleVersionError);
    await expect(
      changeTicket(
        deps,
        REPORTER,
        ticket.id,
        { title: 'b' },
        { precondition: { any: true }, correlationId: 'r' },
      ),
    ).resolves.toMatchObject({ version: 2 });
    await expect(
      changeTicket(
        deps,
        REPORTER,
        ticket.id,
        { title: 'c' },
        { precondition: { versions: [2] }, correlationId: 'r' },
      ),
    ).resolves.toMatchObject({ version: 3, title: 'c' });
  });

  it('answers 412 when another writer lands between its read and its write, under If-Match', async () => {
    const { deps, ticket, tickets } = await setup();
    tickets.interlopers.push(() => tickets.byId.set(ticket.id, { ...ticket, title: 'theirs', version: 2 }));

    await expect(
      changeTicket(
        deps,
        REPORTER,
        ticket.id,
        { title: 'mine' },
        { precondition: { versions: [1] }, correlationId: 'r' },
      ),
    ).rejects.toThrow(StaleVersionError);
    expect(tickets.byId.get(ticket.id)?.title).toBe('theirs');
  });

  it('re-reads and retries a lost race without If-Match when the other writer touched other fields', async () => {
    const { deps, ticket, tickets } = await setup();
    tickets.interlopers.push(() =>
      tickets.byId.set(ticket.id, { ...ticket, description: 'theirs', version: 2 }),
    );

    const next = await changeTicket(deps, REPORTER, ticket.id, { title: 'mine' }, { correlationId: 'r' });

    expect(next).toMatchObject({ title: 'mine', description: 'theirs', version: 3 });
    expect(tickets.byId.get(ticket.id)).toEqual(next);
    expect(tickets.writes.attempted).toBe(2);
    expect(tickets.events.at(-1)).toMatchObject({ detail: { data: { changes: ['title'] } } });
  });

  it.each([
    [
      'a PUT, which sets every field',
      { title: 'mine', description: '', priority: 'MEDIUM', status: 'NEW', assigneeId: null },
      { description: 'theirs' },
      ['description'],
    ],
    ['a PATCH of the field they changed', { title: 'mine' }, { title: 'theirs' }, ['title']],
    [
      'a PATCH that sets, unchanged, a field they changed',
      { title: 'mine', priority: 'MEDIUM' },
      { priority: 'URGENT' },
      ['priority'],
    ],
  ] as const)(
    'answers 409 without writing when it loses a race without If-Match to %s',
    async (_label, changes, theirs, touched) => {
      const { deps, ticket, tickets } = await setup();
      const stored = { ...ticket, ...theirs, version: 2 };
      tickets.interlopers.push(() => tickets.byId.set(ticket.id, stored));

      const attempt = changeTicket(deps, REPORTER, ticket.id, changes, { correlationId: 'r' });

      await expect(attempt).rejects.toThrow(ConcurrentChangeError);
      await expect(attempt).rejects.toMatchObject({
        code: 'CONCURRENT_CHANGE',
        message: `The ticket changed while this request ran (${touched.join(', ')}); read it again before changing it.`,
      });
      expect(tickets.byId.get(ticket.id)).toBe(stored);
      expect(tickets.writes.attempted).toBe(1);
      expect(tickets.events.map((e) => e.detailType)).toEqual(['ticket.created']);
    },
  );

  it('checks again after every lost race: an overlap in the second one is a 409 too', async () => {
    const { deps, ticket, tickets } = await setup();
    tickets.interlopers.push(
      () => tickets.byId.set(ticket.id, { ...ticket, description: 'theirs', version: 2 }),
      () =>
        tickets.byId.set(ticket.id, { ...ticket, description: 'theirs', title: 'also theirs', version: 3 }),
    );

    await expect(
      changeTicket(deps, REPORTER, ticket.id, { title: 'mine' }, { correlationId: 'r' }),
    ).rejects.toThrow(ConcurrentChangeError);
    expect(tickets.byId.get(ticket.id)).toMatchObject({ title: 'also theirs', version: 3 });
    expect(tickets.writes.attempted).toBe(2);
  });

  it('gives up with 409 when it keeps losing', async () => {
    const { deps, ticket, tickets } = await setup();
    for (let v = 2; v <= 4; v++) {
      tickets.interlopers.push(() => {
        const current = tickets.byId.get(ticket.id);
        if (current) tickets.byId.set(ticket.id, { ...current, version: current.version + 1 });
      });
    }

    await expect(
      changeTicket(deps, REPORTER, ticket.id, { title: 'mine' }, { correlationId: 'r' }),
    ).rejects.toThrow(ConcurrentChangeError);
  });

  it('refuses an assignee the users directory does not know as a provider or admin (422)', async () => {
    const { deps, ticket } = await setup();

    const refusals = [
      [REPORTER.userId, 'must be a provider or an admin, not a user'],
      ['44444444-4444-4444-8444-444444444444', 'not a user this service knows'],
    ] as const;
    for (const [assigneeId, why] of refusals) {
      const refused = changeTicket(deps, ADMIN, ticket.id, { assigneeId }, { correlationId: 'r' });
      await expect(refused).rejects.toThrow(AssigneeNotEligibleError);
      await expect(refused).rejects.toThrow(why);
    }
    await expect(
      changeTicket(deps, ADMIN, ticket.id, { assigneeId: ADMIN.userId }, { correlationId: 'r' }),
    ).resolves.toMatchObject({
      assigneeId: ADMIN.userId,
    });
    await expect(
      changeTicket(deps, ADMIN, ticket.id, { assigneeId: null }, { correlationId: 'r' }),
    ).resolves.toMatchObject({
      assigneeId: null,
    });
  });

  it('answers 404 to someone who cannot see the ticket, before anything else', async () => {
    const { deps, ticket } = await setup();

    await expect(
      changeTicket(
        deps,
        PROVIDER,
        ticket.id,
        { assigneeId: PROVIDER.userId },
        { precondition: { versions: [9] }, correlationId: 'r' },
      ),
    ).rejects.toThrow(TicketNotFoundError);
  });
});

describe('Function: deleteTicket', () => {
  it('deletes with ticket.deleted, and honours If-Match', async () => {
    const { deps, ticket, tickets } = await setup();

    await expect(
      deleteTicket(deps, REPORTER, ticket.id, { precondition: { versions: [2] }, correlationId: 'r' }),
    ).rejects.toThrow(StaleVersionError);
    await deleteTicket(deps, REPORTER, ticket.id, { precondition: { versions: [1] }, correlationId: 'r' });

    expect(tickets.byId.has(ticket.id)).toBe(false);
    expect(tickets.events.at(-1)).toMatchObject({
      detailType: 'ticket.deleted',
      detail: { data: { ticketId: ticket.id, deletedBy: REPORTER.userId } },
    });
  });
});

describe('Function: scopeOf', () => {
  it.each([
    ['a user: what they reported', REPORTER, {}, [`by-reporter:${REPORTER.userId}`], {}],
    [
      'a user filtering by assignee',
      REPORTER,
      { assigneeId: PROVIDER.userId },
      [`by-reporter:${REPORTER.userId}`],
      { assigneeId: PROVIDER.userId },
    ],
    [
      'a provider: reported or assigned',
      PROVIDER,
      { status: 'OPEN' },
      [`by-reporter:${PROVIDER.userId}`, `by-assignee:${PROVIDER.userId}`],
      { status: 'OPEN' },
    ],
    [
      'a provider: assigned to them',
      PROVIDER,
      { assigneeId: PROVIDER.userId },
      [`by-assignee:${PROVIDER.userId}`],
      {},
    ],
    [
      'a provider: reported, assigned to another',
      PROVIDER,
      { assigneeId: ADMIN.userId },
      [`by-reporter:${PROVIDER.userId}`],
      { assigneeId: ADMIN.userId },
    ],
    [
      'an admin: everything, by status',
      ADMIN,
      {},
      ['by-status:NEW', 'by-status:OPEN', 'by-status:IN_PROGRESS', 'by-status:RESOLVED', 'by-status:CLOSED'],
      {},
    ],
    ['an admin: one status', ADMIN, { status: 'RESOLVED' }, ['by-status:RESOLVED'], {}],
    [
      'an admin: one assignee',
      ADMIN,
      { assigneeId: PROVIDER.userId, status: 'OPEN' },
      [`by-assignee:${PROVIDER.userId}`],
      { status: 'OPEN' },
    ],
  ] as const)('%s', (_label, caller, query, sources, filter) => {
    const scope = scopeOf(caller, { limit: 20, ...query });

    expect(scope.sources.map((s) => `${s.index}:${'status' in s ? s.status : s.userId}`)).toEqual(sources);
    expect(Object.fromEntries(Object.entries(scope.filter).filter(([, v]) => v !== undefined))).toEqual(
      filter,
    );
  });
});

describe('Function: listTickets', () => {
  it('refuses a cursor from another caller or other filters (400)', async () => {
    const { deps } = await setup();
    const cursor = (await deps.cursors.encode({ p: [null] }, `tickets:user:${REPORTER.userId}:*:*`)) ?? '';

    await expect(listTickets(deps, REPORTER, { limit: 5, cursor })).resolves.toBeDefined();
    await expect(listTickets(deps, REPORTER, { limit: 5, cursor, status: 'OPEN' })).rejects.toThrow(/cursor/);
    await expect(listTickets(deps, PROVIDER, { limit: 5, cursor })).rejects.toThrow(/cursor/);
  });
});
