/**
 * The ticket use cases: create, read, change (PUT and PATCH), delete, list.
 *
 * Every change is conditional on the version it read, so two writers never silently overwrite each
 * other: with `If-Match`, losing a race is a 412; without it, the change is re-read and re-checked
 * (a few times) against the ticket as it now is, but only while the other writers touched none of
 * the fields the request sets; when they did, it is a 409 and the caller reads the ticket again.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@tessera/shared/auth';
import { InvalidCursorError } from '@tessera/shared/cursor';
import { newEvent } from '@tessera/shared/events';
import { namesVersions, nextVersion, type Precondition, satisfies } from '@tessera/shared/precondition';
import { AssigneeNotEligibleError, ConcurrentChangeError, StaleVersionError } from '../errors.ts';
import type { Dependencies, ListFilter, ListSource, SourcePosition } from './ports.ts';
import {
  assertDeletable,
  assertMayChange,
  assertMayDelete,
  assertStateAllows,
  assertVisible,
  changedFields,
  fieldsSet,
  STATUSES,
  type Ticket,
  type TicketChanges,
  type TicketPriority,
  type TicketStatus,
} from './ticket.ts';

const ATTEMPTS = 3;

/**
 * Someone else wrote between our read and our write, under an `If-Match` that named a version: that
 * version is gone, so the answer is a 412 with the version there now (or a 404 if it went away).
 */
const lostRace = async (deps: Pick<Dependencies, 'tickets'>, caller: Principal, id: string) =>
  new StaleVersionError(assertVisible(await deps.tickets.get(id), caller).version);

/**
 * After a lost race without `If-Match`: retrying is safe only if no field the request sets was
 * changed by the other writer since the first read; otherwise the retry would overwrite their
 * change with a value chosen without seeing it, so the answer is a 409 and the caller reads again.
 */
const assertUntouched = (first: Ticket, now: Ticket, changes: TicketChanges) => {
  const touched = fieldsSet(changes).filter((field) => first[field] !== now[field]);
  if (touched.length > 0) {
    throw new ConcurrentChangeError(
      `The ticket changed while this request ran (${touched.join(', ')}); read it again before changing it.`,
    );
  }
};

const assertPrecondition = (ticket: Ticket, precondition: Precondition | undefined) => {
  if (!satisfies(precondition, ticket.version)) throw new StaleVersionError(ticket.version);
};

/**
 * Reports a ticket.
 *
 * 1. A `NEW` ticket, reported by the caller, unassigned, at version 1.
 * 2. Stored with `ticket.created` in one transaction.
 */
const createTicket = async (
  deps: Pick<Dependencies, 'tickets' | 'clock'>,
  caller: Principal,
  input: {
    readonly title: string;
    readonly description?: string | undefined;
    readonly priority?: TicketPriority | undefined;
  },
  correlationId: string,
): Promise<Ticket> => {
  const now = deps.clock.now();
  const timestamp = now.toISOString();
  const ticket: Ticket = {
    id: randomUUID(),
    title: input.title,
    description: input.description ?? '',
    priority: input.priority ?? 'MEDIUM',
    status: 'NEW',
    reporterId: caller.userId,
    assigneeId: null,
    createdAt: timestamp,
    updatedAt: timestamp,
    version: 1,
  };
  await deps.tickets.create(
    ticket,
    newEvent('ticket.created', { ticket }, { correlationId, occurredAt: now }),
  );
  return ticket;
};

const getTicket = async (
  deps: Pick<Dependencies, 'tickets'>,
  caller: Principal,
  id: string,
): Promise<Ticket> => assertVisible(await deps.tickets.get(id), caller);

/**
 * Changes a ticket (PUT sends every mutable field, PATCH some).
 *
 * 1. The caller must see the ticket (404) and may change each field that actually changes (403).
 * 2. `If-Match` must name the current version (412).
 * 3. The state must allow it: the workflow and the reporter's edit window (409).
 * 4. A new assignee must be a provider or an admin, as the users directory knows them (422).
 * 5. Write the next version with `ticket.updated`, conditional on the version read.
 * 6. Lost that race: under an `If-Match` naming versions, 412. Otherwise re-read; if another writer
 *    changed any field this request sets (every field, for a PUT), 409; if not, start again from 1
 *    (three attempts in all, then 409).
 */
const changeTicket = async (
  deps: Pick<Dependencies, 'tickets' | 'directory' | 'clock'>,
  caller: Principal,
  id: string,
  changes: TicketChanges,
  options: { readonly precondition?: Precondition | undefined; readonly correlationId: string },
): Promise<Ticket> => {
  let first: Ticket | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = assertVisible(await deps.tickets.get(id), caller);
    if (first === undefined) first = current;
    else assertUntouched(first, current, changes);
    const fields = changedFields(current, changes);
    const nextStatus: TicketStatus = changes.status ?? current.status;
    assertMayChange(current, caller, fields, nextStatus);
    assertPrecondition(current, options.precondition);
    assertStateAllows(current, caller, fields, nextStatus);
    if (fields.length === 0) return current;
    if (fields.includes('assigneeId') && changes.assigneeId) {
      const role = await deps.directory.roleOf(changes.assigneeId);
      if (role !== 'provider' && role !== 'admin') throw new AssigneeNotEligibleError(role);
    }

    const now = deps.clock.now();
    const next: Ticket = nextVersion(
      current,
      now,
      Object.fromEntries(fields.map((field) => [field, changes[field]])),
    );
    const event = newEvent(
      'ticket.updated',
      {
        ticket: next,
        changes: fields,
        previousStatus: current.status,
        previousAssigneeId: current.assigneeId,
        changedBy: caller.userId,
      },
      { correlationId: options.correlationId, occurredAt: now },
    );
    if ((await deps.tickets.replace(next, current.version, event)) === 'written') return next;
    if (namesVersions(options.precondition)) throw await lostRace(deps, caller, id);
  }
  throw new ConcurrentChangeError();
};

/**
 * Deletes a ticket: who may (403), then `If-Match` (412), then whether its state allows it (409).
 * The ticket and `ticket.deleted` go in one transaction, conditional on the version read.
 */
const deleteTicket = async (
  deps: Pick<Dependencies, 'tickets' | 'clock'>,
  caller: Principal,
  id: string,
  options: { readonly precondition?: Precondition | undefined; readonly correlationId: string },
): Promise<void> => {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = assertVisible(await deps.tickets.get(id), caller);
    assertMayDelete(current, caller);
    assertPrecondition(current, options.precondition);
    assertDeletable(current, caller);
    const event = newEvent(
      'ticket.deleted',
      {
        ticketId: id,
        reporterId: current.reporterId,
        assigneeId: current.assigneeId,
        deletedBy: caller.userId,
      },
      { correlationId: options.correlationId, occurredAt: deps.clock.now() },
    );
    if ((await deps.tickets.delete(id, current.version, event)) === 'written') return;
    if (namesVersions(options.precondition)) throw await lostRace(deps, caller, id);
  }
  throw new ConcurrentChangeError();
};

interface ListQuery {
  readonly status?: TicketStatus | undefined;
  readonly assigneeId?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * Which index partitions a caller's list reads, and what is filtered within them. Every list is a
 * Query on an index partition bounded by who is asking, never a Scan.
 */
const scopeOf = (caller: Principal, query: ListQuery): { sources: ListSource[]; filter: ListFilter } => {
  const me = caller.userId;
  if (caller.role === 'admin') {
    if (query.assigneeId)
      return {
        sources: [{ index: 'by-assignee', userId: query.assigneeId }],
        filter: { status: query.status },
      };
    if (query.status) return { sources: [{ index: 'by-status', status: query.status }], filter: {} };
    return { sources: STATUSES.map((status) => ({ index: 'by-status' as const, status })), filter: {} };
  }
  if (caller.role === 'provider') {
    if (query.assigneeId === me)
      return { sources: [{ index: 'by-assignee', userId: me }], filter: { status: query.status } };
    if (query.assigneeId) {
      return {
        sources: [{ index: 'by-reporter', userId: me }],
        filter: { status: query.status, assigneeId: query.assigneeId },
      };
    }
    return {
      sources: [
        { index: 'by-reporter', userId: me },
        { index: 'by-assignee', userId: me },
      ],
      filter: { status: query.status },
    };
  }
  return {
    sources: [{ index: 'by-reporter', userId: me }],
    filter: { status: query.status, assigneeId: query.assigneeId },
  };
};

const isPosition = (value: unknown): value is SourcePosition =>
  value === null || value === 'done' || (typeof value === 'object' && !Array.isArray(value));

/**
 * One page of the tickets the caller may see, newest first, narrowed by status and assignee. The
 * cursor carries each source's position and is bound to this caller and these filters.
 */
const listTickets = async (
  deps: Pick<Dependencies, 'tickets' | 'cursors'>,
  caller: Principal,
  query: ListQuery,
): Promise<{ readonly items: readonly Ticket[]; readonly nextCursor: string | null }> => {
  const { sources, filter } = scopeOf(caller, query);
  const scope = `tickets:${caller.role}:${caller.userId}:${query.status ?? '*'}:${query.assigneeId ?? '*'}`;
  let positions: SourcePosition[] = sources.map(() => null);
  const decoded = await deps.cursors.decode(query.cursor, scope);
  if (decoded) {
    const given = decoded.p;
    if (!Array.isArray(given) || given.length !== sources.length || !given.every(isPosition))
      throw new InvalidCursorError();
    positions = given;
  }
  const page = await deps.tickets.list({ sources, filter, limit: query.limit, positions });
  return {
    items: page.items,
    nextCursor: page.more ? await deps.cursors.encode({ p: page.positions }, scope) : null,
  };
};

export type { ListQuery };
export { changeTicket, createTicket, deleteTicket, getTicket, listTickets, scopeOf };
