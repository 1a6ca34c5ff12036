/**
 * One thin handler per tickets operation. HTTP concerns live here: the strong `ETag` made from the
 * version, and `If-Match` read into a precondition (`@tessera/shared/precondition`). The writes
 * (and the event catalog they publish through) load on the first write, so a read's cold start
 * carries only the queries (ADR 0017).
 */
import type { OperationHandlers } from '@tessera/shared/http';
import { once } from '@tessera/shared/once';
import { etagOf, preconditionOf } from '@tessera/shared/precondition';
import type { Dependencies } from '#domain/ports';
import type { Ticket } from '#domain/ticket';
import { getTicket, listTickets } from '#domain/ticket-queries';
import type { Operations } from '#generated/contract';

const commands = once(() => import('#domain/tickets'));

const etagOfTicket = (ticket: Ticket) => etagOf(ticket.version);

const withEtag = (ticket: Ticket, extra: Record<string, string> = {}) => ({
  etag: etagOfTicket(ticket),
  ...extra,
});

type ChangeRequest = Parameters<OperationHandlers<Operations>['replaceTicket' | 'updateTicket']>[0];

/** PUT and PATCH are one use case: a PUT merely sets every mutable field. */
const changeHandler =
  (deps: Pick<Dependencies, 'tickets' | 'directory' | 'clock'>) =>
  async ({ principal, path, header, body, correlationId }: ChangeRequest) => {
    const ticket = await (await commands()).changeTicket(deps, principal, path.ticketId, body, {
      precondition: preconditionOf(header['if-match']),
      correlationId,
    });
    return { status: 200 as const, body: ticket, headers: withEtag(ticket) };
  };

const createOperationHandlers = (deps: Dependencies): OperationHandlers<Operations> => ({
  async createTicket({ principal, body, correlationId }) {
    const ticket = await (await commands()).createTicket(deps, principal, body, correlationId);
    return { status: 201, body: ticket, headers: withEtag(ticket, { location: `/v1/tickets/${ticket.id}` }) };
  },

  async listTickets({ principal, query }) {
    return { status: 200, body: await listTickets(deps, principal, query) };
  },

  async getTicket({ principal, path }) {
    const ticket = await getTicket(deps, principal, path.ticketId);
    return { status: 200, body: ticket, headers: withEtag(ticket) };
  },

  replaceTicket: changeHandler(deps),
  updateTicket: changeHandler(deps),

  async deleteTicket({ principal, path, header, correlationId }) {
    await (await commands()).deleteTicket(deps, principal, path.ticketId, {
      precondition: preconditionOf(header['if-match']),
      correlationId,
    });
    return { status: 204 };
  },
});

export { createOperationHandlers };
