/**
 * The ticket use cases that read: one ticket, and the lists. Each list is a Query on an index
 * partition bounded by who is asking, never a Scan.
 */
import type { Principal } from '@tessera/shared/auth';
import { InvalidCursorError } from '@tessera/shared/cursor';
import type { Dependencies, ListFilter, ListSource, SourcePosition } from './ports.ts';
import { assertVisible, STATUSES, type Ticket, type TicketStatus } from './ticket.ts';

const getTicket = async (
  deps: Pick<Dependencies, 'tickets'>,
  caller: Principal,
  id: string,
): Promise<Ticket> => assertVisible(await deps.tickets.get(id), caller);

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
export { getTicket, listTickets, scopeOf };
