import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { newEvent } from '@tessera/shared/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createTicketStore } from '../../src/adapters/ticket-store.ts';
import type { ListFilter, ListSource, SourcePosition, TicketStore } from '../../src/domain/ports.ts';
import { STATUSES, type Ticket, type TicketStatus } from '../../src/domain/ticket.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;
let store: TicketStore;

beforeAll(async () => {
  table = await serviceTable('tickets');
  store = createTicketStore(table.documentClient, table.tableName);
});
afterAll(() => table.drop());

const uuid = () => crypto.randomUUID();
let clock = Date.parse('2026-01-01T00:00:00.000Z');

const newTicket = (overrides: Partial<Ticket> = {}): Ticket => {
  clock += 1000;
  const at = new Date(clock).toISOString();
  return {
    id: uuid(),
    title: 'A ticket',
    description: '',
    priority: 'MEDIUM',
    status: 'NEW',
    reporterId: uuid(),
    assigneeId: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
};

const created = (ticket: Ticket) =>
  newEvent('ticket.created', { ticket }, { correlationId: 'it', occurredAt: new Date(ticket.createdAt) });
const updated = (ticket: Ticket, previous: Ticket) =>
  newEvent(
    'ticket.updated',
    {
      ticket,
      changes: ['title'],
      previousStatus: previous.status,
      previousAssigneeId: previous.assigneeId,
      changedBy: previous.reporterId,
    },
    { correlationId: 'it', occurredAt: new Date() },
  );

/** Pages through a list to its end and answers every id, in order. */
const readAll = async (sources: ListSource[], filter: ListFilter = {}, limit = 3) => {
  const ids: string[] = [];
  let positions: SourcePosition[] = sources.map(() => null);
  for (let pages = 0; pages < 200; pages++) {
    const page = await store.list({ sources, filter, limit, positions });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((t) => t.id));
    if (!page.more) return ids;
    expect(page.items).toHaveLength(limit);
    positions = [...page.positions];
  }
  throw new Error('the list never ended');
};

describe('Adapter: createTicketStore, writes', () => {
  it('stores a ticket with its outbox event and reads it back', async () => {
    const ticket = newTicket();
    const event = created(ticket);

    await store.create(ticket, event);

    await expect(store.get(ticket.id)).resolves.toEqual(ticket);
    const outbox = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: `OUTBOX#${event.detail.eventId}`, sk: 'OUTBOX' },
      }),
    );
    expect(outbox.Item?.detailType).toBe('ticket.created');
  });

  it('writes a replacement only over the version it was based on', async () => {
    const ticket = newTicket();
    await store.create(ticket, created(ticket));
    const next = { ...ticket, title: 'changed', version: 2 };

    await expect(store.replace(next, 1, updated(next, ticket))).resolves.toBe('written');
    await expect(
      store.replace({ ...next, title: 'stale', version: 2 }, 1, updated(next, ticket)),
    ).resolves.toBe('conflict');
    await expect(store.get(ticket.id)).resolves.toMatchObject({ title: 'changed', version: 2 });
  });

  it('lets exactly one of two simultaneous writers based on the same version win', async () => {
    const ticket = newTicket();
    await store.create(ticket, created(ticket));
    const a = { ...ticket, title: 'a', version: 2 };
    const b = { ...ticket, title: 'b', version: 2 };

    const [forA, forB] = await Promise.all([
      store.replace(a, 1, updated(a, ticket)),
      store.replace(b, 1, updated(b, ticket)),
    ]);

    expect([forA, forB].sort()).toEqual(['conflict', 'written']);
    await expect(store.get(ticket.id)).resolves.toMatchObject({
      title: forA === 'written' ? 'a' : 'b',
      version: 2,
    });
  });

  it('deletes only at the expected version, with its event', async () => {
    const ticket = newTicket();
    await store.create(ticket, created(ticket));
    const event = newEvent(
      'ticket.deleted',
      { ticketId: ticket.id, reporterId: ticket.reporterId, assigneeId: null, deletedBy: ticket.reporterId },
      { correlationId: 'it', occurredAt: new Date() },
    );

    await expect(store.delete(ticket.id, 2, event)).resolves.toBe('conflict');
    await expect(store.delete(ticket.id, 1, event)).resolves.toBe('written');
    await expect(store.get(ticket.id)).resolves.toBeNull();
  });
});

describe('Adapter: createTicketStore, lists', () => {
  const me = uuid();
  const other = uuid();
  const seeded: Ticket[] = [];

  beforeAll(async () => {
    const plan: Array<Partial<Ticket>> = [
      ...Array.from({ length: 7 }, (_, i) => ({ reporterId: me, status: STATUSES[i % 5] as TicketStatus })),
      ...Array.from({ length: 6 }, (_, i) => ({
        reporterId: other,
        assigneeId: me,
        status: STATUSES[(i + 1) % 5] as TicketStatus,
      })),
      { reporterId: me, assigneeId: me, status: 'OPEN' },
      ...Array.from({ length: 5 }, () => ({ reporterId: other, assigneeId: other })),
    ];
    for (const overrides of plan) {
      const ticket = newTicket(overrides);
      seeded.push(ticket);
      await store.create(ticket, created(ticket));
    }
  });

  const newestFirst = (tickets: Ticket[]) =>
    [...tickets].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((t) => t.id);

  it('pages through what a user reported, newest first, with no duplicate and no gap', async () => {
    const ids = await readAll([{ index: 'by-reporter', userId: me }]);

    expect(ids).toEqual(newestFirst(seeded.filter((t) => t.reporterId === me)));
  });

  it('merges reported and assigned for a provider, listing a ticket that is both only once', async () => {
    const ids = await readAll([
      { index: 'by-reporter', userId: me },
      { index: 'by-assignee', userId: me },
    ]);

    expect(ids).toEqual(newestFirst(seeded.filter((t) => t.reporterId === me || t.assigneeId === me)));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('merges every status partition into all tickets, newest first', async () => {
    const ids = await readAll(
      STATUSES.map((status) => ({ index: 'by-status' as const, status })),
      {},
      4,
    );

    const mine = new Set(seeded.map((t) => t.id));
    expect(ids.filter((id) => mine.has(id))).toEqual(newestFirst(seeded));
  });

  it('filters by status and by assignee within a partition, paging to the end', async () => {
    const open = await readAll([{ index: 'by-reporter', userId: me }], { status: 'OPEN' }, 1);
    const toMe = await readAll([{ index: 'by-reporter', userId: other }], { assigneeId: me }, 2);

    expect(open).toEqual(newestFirst(seeded.filter((t) => t.reporterId === me && t.status === 'OPEN')));
    expect(toMe).toEqual(newestFirst(seeded.filter((t) => t.reporterId === other && t.assigneeId === me)));
  });

  it('says there is no more on the last page, even when it is exactly full', async () => {
    const exact = seeded.filter((t) => t.reporterId === me).length;

    const page = await store.list({
      sources: [{ index: 'by-reporter', userId: me }],
      filter: {},
      limit: exact,
      positions: [null],
    });

    expect(page.items).toHaveLength(exact);
    expect(page.more).toBe(false);
  });

  it('moves a ticket between status partitions when its status changes', async () => {
    const ticket = newTicket({ reporterId: uuid() });
    await store.create(ticket, created(ticket));
    const resolved = { ...ticket, status: 'RESOLVED' as const, version: 2 };
    await store.replace(resolved, 1, updated(resolved, ticket));

    const inNew = await readAll([{ index: 'by-reporter', userId: ticket.reporterId }], { status: 'NEW' });
    const inResolved = await readAll([{ index: 'by-reporter', userId: ticket.reporterId }], {
      status: 'RESOLVED',
    });

    expect(inNew).toEqual([]);
    expect(inResolved).toEqual([ticket.id]);
  });
});
