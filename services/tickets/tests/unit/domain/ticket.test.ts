import type { Principal } from '@tessera/shared/auth';
import { describe, expect, it } from 'vitest';
import {
  assertDeletable,
  assertMayChange,
  assertMayDelete,
  assertStateAllows,
  assertVisible,
  canTransition,
  changedFields,
  STATUSES,
  type Ticket,
  type TicketStatus,
} from '../../../src/domain/ticket.ts';
import {
  IllegalTransitionError,
  NotAllowedError,
  TicketLockedError,
  TicketNotFoundError,
} from '../../../src/errors.ts';

const REPORTER: Principal = { userId: 'reporter', role: 'user', expiresAt: 1 };
const ASSIGNEE: Principal = { userId: 'assignee', role: 'provider', expiresAt: 1 };
const ADMIN: Principal = { userId: 'admin', role: 'admin', expiresAt: 1 };
const STRANGER: Principal = { userId: 'stranger', role: 'provider', expiresAt: 1 };

const ticket = (status: TicketStatus, overrides: Partial<Ticket> = {}): Ticket => ({
  id: 't1',
  title: 'Printer on fire',
  description: '',
  priority: 'MEDIUM',
  status,
  reporterId: 'reporter',
  assigneeId: 'assignee',
  createdAt: '2026-11-21T00:00:00.000Z',
  updatedAt: '2026-11-21T00:00:00.000Z',
  version: 1,
  ...overrides,
});

/** Runs the checks in the order the use case does: who may, then state. */
const outcome = (t: Ticket, caller: Principal, changes: Partial<Ticket>) => {
  try {
    const fields = changedFields(t, changes);
    const next = changes.status ?? t.status;
    assertMayChange(t, caller, fields, next);
    assertStateAllows(t, caller, fields, next);
    return 'ok';
  } catch (error) {
    if (error instanceof NotAllowedError) return 403;
    if (error instanceof IllegalTransitionError || error instanceof TicketLockedError) return 409;
    throw error;
  }
};

const thrown = (attempt: () => unknown): unknown => {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
};

/**
 * Every pair of states, the same state included: `move` is allowed, `illegal` is a 409 naming both
 * states, and `stays` (the status sent is the one the ticket has) is no move at all: no status
 * change, nothing refused.
 */
const WORKFLOW = [
  ['NEW', 'NEW', 'stays'],
  ['NEW', 'OPEN', 'move'],
  ['NEW', 'IN_PROGRESS', 'illegal'],
  ['NEW', 'RESOLVED', 'illegal'],
  ['NEW', 'CLOSED', 'move'],
  ['OPEN', 'NEW', 'illegal'],
  ['OPEN', 'OPEN', 'stays'],
  ['OPEN', 'IN_PROGRESS', 'move'],
  ['OPEN', 'RESOLVED', 'illegal'],
  ['OPEN', 'CLOSED', 'move'],
  ['IN_PROGRESS', 'NEW', 'illegal'],
  ['IN_PROGRESS', 'OPEN', 'move'],
  ['IN_PROGRESS', 'IN_PROGRESS', 'stays'],
  ['IN_PROGRESS', 'RESOLVED', 'move'],
  ['IN_PROGRESS', 'CLOSED', 'illegal'],
  ['RESOLVED', 'NEW', 'illegal'],
  ['RESOLVED', 'OPEN', 'move'],
  ['RESOLVED', 'IN_PROGRESS', 'illegal'],
  ['RESOLVED', 'RESOLVED', 'stays'],
  ['RESOLVED', 'CLOSED', 'move'],
  ['CLOSED', 'NEW', 'illegal'],
  ['CLOSED', 'OPEN', 'illegal'],
  ['CLOSED', 'IN_PROGRESS', 'illegal'],
  ['CLOSED', 'RESOLVED', 'illegal'],
  ['CLOSED', 'CLOSED', 'stays'],
] as const satisfies ReadonlyArray<readonly [TicketStatus, TicketStatus, 'move' | 'illegal' | 'stays']>;

describe('The workflow, over every pair of states', () => {
  it('lists each of the 25 pairs exactly once: 8 moves, 12 illegal, 5 staying put', () => {
    const listed = WORKFLOW.map(([from, to]) => `${from}>${to}`);
    const every = STATUSES.flatMap((from) => STATUSES.map((to) => `${from}>${to}`));

    expect(every).toHaveLength(25);
    expect([...listed].sort()).toEqual([...every].sort());
    const count = (kind: string) => WORKFLOW.filter(([, , expected]) => expected === kind).length;
    expect([count('move'), count('illegal'), count('stays')]).toEqual([8, 12, 5]);
  });

  it.each(WORKFLOW)('canTransition(%s, %s): %s', (from, to, expected) => {
    expect(canTransition(from, to)).toBe(expected === 'move');
  });

  it.each(WORKFLOW)('an admin sending status %s -> %s: %s', (from, to, expected) => {
    const current = ticket(from);
    const fields = changedFields(current, { status: to });
    const attempt = () => assertStateAllows(current, ADMIN, fields, to);

    if (expected === 'stays') {
      expect(fields).toEqual([]);
      expect(attempt).not.toThrow();
    } else if (expected === 'move') {
      expect(fields).toEqual(['status']);
      expect(attempt).not.toThrow();
    } else {
      expect(fields).toEqual(['status']);
      expect(attempt).toThrow(IllegalTransitionError);
      expect(attempt).toThrow(`A ticket cannot move from ${from} to ${to}.`);
      expect(thrown(attempt)).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        extensions: { currentStatus: from, requestedStatus: to },
      });
    }
  });

  it('leaves CLOSED final', () => {
    expect(STATUSES.some((to) => canTransition('CLOSED', to))).toBe(false);
  });
});

describe('Access: who sees a ticket', () => {
  it.each([
    [REPORTER, true],
    [ASSIGNEE, true],
    [ADMIN, true],
    [STRANGER, false],
  ])('%o sees it: %s', (caller, visible) => {
    const attempt = () => assertVisible(ticket('OPEN'), caller);

    if (visible) expect(attempt()).toMatchObject({ id: 't1' });
    else expect(attempt).toThrow(TicketNotFoundError);
  });

  it('treats a missing ticket like a hidden one', () => {
    expect(() => assertVisible(null, ADMIN)).toThrow(TicketNotFoundError);
  });
});

describe('Access: who changes what', () => {
  it.each([
    ['reporter edits title while NEW', REPORTER, 'NEW', { title: 'x' }, 'ok'],
    ['reporter edits priority while OPEN', REPORTER, 'OPEN', { priority: 'HIGH' }, 'ok'],
    ['reporter edits description while IN_PROGRESS', REPORTER, 'IN_PROGRESS', { description: 'x' }, 409],
    ['reporter edits title while RESOLVED', REPORTER, 'RESOLVED', { title: 'x' }, 409],
    ['reporter closes while OPEN', REPORTER, 'OPEN', { status: 'CLOSED' }, 'ok'],
    ['reporter closes while RESOLVED', REPORTER, 'RESOLVED', { status: 'CLOSED' }, 'ok'],
    ['reporter closes while IN_PROGRESS (illegal move)', REPORTER, 'IN_PROGRESS', { status: 'CLOSED' }, 409],
    ['reporter moves to IN_PROGRESS', REPORTER, 'OPEN', { status: 'IN_PROGRESS' }, 403],
    ['reporter assigns', REPORTER, 'OPEN', { assigneeId: 'someone' }, 403],
    ['assignee moves OPEN -> IN_PROGRESS', ASSIGNEE, 'OPEN', { status: 'IN_PROGRESS' }, 'ok'],
    ['assignee resolves', ASSIGNEE, 'IN_PROGRESS', { status: 'RESOLVED' }, 'ok'],
    ['assignee reopens', ASSIGNEE, 'RESOLVED', { status: 'OPEN' }, 'ok'],
    ['assignee makes an illegal move', ASSIGNEE, 'NEW', { status: 'RESOLVED' }, 409],
    ['assignee edits the title', ASSIGNEE, 'OPEN', { title: 'x' }, 403],
    ['assignee reassigns', ASSIGNEE, 'OPEN', { assigneeId: 'someone' }, 403],
    ['admin edits anything in any state', ADMIN, 'IN_PROGRESS', { title: 'x', priority: 'LOW' }, 'ok'],
    ['admin assigns', ADMIN, 'OPEN', { assigneeId: 'someone' }, 'ok'],
    ['admin moves against the workflow', ADMIN, 'CLOSED', { status: 'OPEN' }, 409],
    ['anyone sends back what is there', ASSIGNEE, 'OPEN', { title: 'Printer on fire', status: 'OPEN' }, 'ok'],
  ] as const)('%s: %s', (_label, caller, status, changes, expected) => {
    expect(outcome(ticket(status), caller, changes as Partial<Ticket>)).toBe(expected);
  });

  it('lets a reporter who is also the assignee move the status', () => {
    expect(outcome(ticket('OPEN', { assigneeId: 'reporter' }), REPORTER, { status: 'IN_PROGRESS' })).toBe(
      'ok',
    );
  });

  it('names both states when a move is illegal', () => {
    expect(() => assertStateAllows(ticket('NEW'), ADMIN, ['status'], 'RESOLVED')).toThrow(
      'A ticket cannot move from NEW to RESOLVED.',
    );
  });
});

describe('Access: who deletes', () => {
  it.each([
    [ADMIN, 'IN_PROGRESS', 'ok'],
    [REPORTER, 'NEW', 'ok'],
    [REPORTER, 'OPEN', 409],
    [ASSIGNEE, 'NEW', 403],
  ] as const)('%o deleting a %s ticket: %s', (caller, status, expected) => {
    const attempt = () => {
      assertMayDelete(ticket(status), caller);
      assertDeletable(ticket(status), caller);
    };
    if (expected === 'ok') expect(attempt).not.toThrow();
    else expect(attempt).toThrow(expected === 403 ? NotAllowedError : TicketLockedError);
  });
});
