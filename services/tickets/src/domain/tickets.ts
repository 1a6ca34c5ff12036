/**
 * The ticket use cases that write: create, change (PUT and PATCH), delete. The reads are in
 * `ticket-queries.ts`, so a read's cold start loads neither these nor the event catalog they
 * publish through (ADR 0017).
 *
 * Every change is conditional on the version it read, so two writers never silently overwrite each
 * other: with `If-Match`, losing a race is a 412; without it, the change is re-read and re-checked
 * (a few times) against the ticket as it now is, but only while the other writers touched none of
 * the fields the request sets; when they did, it is a 409 and the caller reads the ticket again.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@tessera/shared/auth';
import { newEvent } from '@tessera/shared/events';
import { namesVersions, nextVersion, type Precondition, satisfies } from '@tessera/shared/precondition';
import { AssigneeNotEligibleError, ConcurrentChangeError, StaleVersionError } from '../errors.ts';
import type { Dependencies } from './ports.ts';
import {
  assertDeletable,
  assertMayChange,
  assertMayDelete,
  assertStateAllows,
  assertVisible,
  changedFields,
  fieldsSet,
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

export { changeTicket, createTicket, deleteTicket };
