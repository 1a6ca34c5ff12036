/**
 * The ticket: its fields, its status workflow, and who may do what to it. Pure rules, no I/O.
 *
 * Workflow: NEW -> OPEN -> IN_PROGRESS -> RESOLVED -> CLOSED, with RESOLVED -> OPEN (reopen),
 * IN_PROGRESS -> OPEN, and NEW | OPEN -> CLOSED. CLOSED is final.
 *
 * Access (checked in the order of RFC 9110: who may, then the If-Match precondition, then state):
 * - the reporter reads; edits title, description and priority while NEW or OPEN; closes; deletes
 *   while NEW;
 * - the assignee reads and moves the status;
 * - an admin does everything, assignment included;
 * - anyone else is told the ticket does not exist.
 */
import type { Principal } from '@tessera/shared/auth';
import { TICKET_FIELDS, TICKET_PRIORITIES, TICKET_STATUSES } from '@tessera/shared/event-statuses';
import {
  IllegalTransitionError,
  NotAllowedError,
  TicketLockedError,
  TicketNotFoundError,
} from '../errors.ts';

// The same lists the ticket events are checked against (the shared event catalog), so the two
// cannot drift apart.
const STATUSES = TICKET_STATUSES;
const PRIORITIES = TICKET_PRIORITIES;
const MUTABLE_FIELDS = TICKET_FIELDS;

type TicketStatus = (typeof STATUSES)[number];
type TicketPriority = (typeof PRIORITIES)[number];
type MutableField = (typeof MUTABLE_FIELDS)[number];

interface Ticket {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly priority: TicketPriority;
  readonly status: TicketStatus;
  readonly reporterId: string;
  readonly assigneeId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

type TicketChanges = Partial<Pick<Ticket, MutableField>>;

const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  NEW: ['OPEN', 'CLOSED'],
  OPEN: ['IN_PROGRESS', 'CLOSED'],
  IN_PROGRESS: ['RESOLVED', 'OPEN'],
  RESOLVED: ['CLOSED', 'OPEN'],
  CLOSED: [],
};

/** True when the workflow allows moving from one status to another (staying put is no move). */
const canTransition = (from: TicketStatus, to: TicketStatus): boolean => TRANSITIONS[from].includes(to);

const EDITABLE_BY_REPORTER: readonly TicketStatus[] = ['NEW', 'OPEN'];

const isAdmin = (caller: Principal) => caller.role === 'admin';
const isReporter = (ticket: Ticket, caller: Principal) => ticket.reporterId === caller.userId;
const isAssignee = (ticket: Ticket, caller: Principal) => ticket.assigneeId === caller.userId;

/** Who may see a ticket at all. Everyone else gets a 404, so existence does not leak. */
const canSee = (ticket: Ticket, caller: Principal): boolean =>
  isAdmin(caller) || isReporter(ticket, caller) || isAssignee(ticket, caller);

const assertVisible = (ticket: Ticket | null, caller: Principal): Ticket => {
  if (!ticket || !canSee(ticket, caller)) throw new TicketNotFoundError();
  return ticket;
};

/** The fields a request sets, whether or not their values change: all of them for a PUT. */
const fieldsSet = (changes: TicketChanges): MutableField[] =>
  MUTABLE_FIELDS.filter((field) => changes[field] !== undefined);

/** The fields whose values `changes` would actually change. */
const changedFields = (ticket: Ticket, changes: TicketChanges): MutableField[] =>
  fieldsSet(changes).filter((field) => changes[field] !== ticket[field]);

/**
 * Who may touch each changed field (403). State does not matter here; `assertStateAllows` checks
 * that next, after any `If-Match` precondition.
 */
const assertMayChange = (
  ticket: Ticket,
  caller: Principal,
  fields: readonly MutableField[],
  nextStatus: TicketStatus,
) => {
  if (isAdmin(caller)) return;
  const reporter = isReporter(ticket, caller);
  const assignee = isAssignee(ticket, caller);
  for (const field of fields) {
    if (field === 'assigneeId') throw new NotAllowedError('Only an admin assigns tickets.');
    if (field === 'status') {
      if (!assignee && !(reporter && nextStatus === 'CLOSED')) {
        throw new NotAllowedError(
          'Only the assignee or an admin moves the status; the reporter may close the ticket.',
        );
      }
    } else if (!reporter) {
      throw new NotAllowedError(`Only the reporter or an admin edits the ${field}.`);
    }
  }
};

/** Whether the ticket's state allows the changes (409): the workflow, and the reporter's edit window. */
const assertStateAllows = (
  ticket: Ticket,
  caller: Principal,
  fields: readonly MutableField[],
  nextStatus: TicketStatus,
) => {
  const edits = fields.some((field) => field === 'title' || field === 'description' || field === 'priority');
  if (edits && !isAdmin(caller) && !EDITABLE_BY_REPORTER.includes(ticket.status)) {
    throw new TicketLockedError(
      `The reporter edits a ticket only while it is NEW or OPEN; it is ${ticket.status}.`,
    );
  }
  if (fields.includes('status') && !canTransition(ticket.status, nextStatus)) {
    throw new IllegalTransitionError(ticket.status, nextStatus);
  }
};

/** Admins delete any ticket; the reporter may try (403 for anyone else). */
const assertMayDelete = (ticket: Ticket, caller: Principal) => {
  if (!isAdmin(caller) && !isReporter(ticket, caller)) {
    throw new NotAllowedError('Only the reporter or an admin deletes a ticket.');
  }
};

/** The reporter deletes only while the ticket is NEW (409). */
const assertDeletable = (ticket: Ticket, caller: Principal) => {
  if (!isAdmin(caller) && ticket.status !== 'NEW') {
    throw new TicketLockedError(
      `The reporter deletes a ticket only while it is NEW; it is ${ticket.status}.`,
    );
  }
};

export type { MutableField, Ticket, TicketChanges, TicketPriority, TicketStatus };
export {
  assertDeletable,
  assertMayChange,
  assertMayDelete,
  assertStateAllows,
  assertVisible,
  canSee,
  canTransition,
  changedFields,
  fieldsSet,
  MUTABLE_FIELDS,
  PRIORITIES,
  STATUSES,
  TRANSITIONS,
};
