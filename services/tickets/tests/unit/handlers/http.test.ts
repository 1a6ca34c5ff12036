import type { Principal } from '@tessera/shared/auth';
import { createHttpHandler, type HttpEvent } from '@tessera/shared/http';
import type { Logger } from '@tessera/shared/logger';
import { describe, expect, it, vi } from 'vitest';
import { capturedMetrics } from '../../../../../tests/support/metrics.ts';
import { createTicket } from '../../../src/domain/tickets.ts';
import { operations } from '../../../src/generated/contract.ts';
import { createOperationHandlers } from '../../../src/handlers/http.ts';
import { fakes } from '../fakes.ts';

const NOW = 1_800_000_000;
const REPORTER: Principal = {
  userId: '11111111-1111-4111-8111-111111111111',
  role: 'user',
  expiresAt: NOW + 600,
};
const ADMIN: Principal = {
  userId: '33333333-3333-4333-8333-333333333333',
  role: 'admin',
  expiresAt: NOW + 600,
};

/** The tickets operations behind the real HTTP adapter, on in-memory ports. */
const setup = async () => {
  const f = fakes();
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
  const http = createHttpHandler({
    operations,
    handlers: createOperationHandlers(f.deps),
    logger: logger as unknown as Logger,
    metrics: capturedMetrics('tickets'),
    now: () => NOW,
  });
  const ticket = await createTicket(f.deps, REPORTER, { title: 'Printer on fire' }, 'req-create');
  const send = async (caller: Principal, method: 'PUT' | 'PATCH', body: unknown) => {
    const response = await http({
      version: '2.0',
      routeKey: `${method} /v1/tickets/{ticketId}`,
      rawPath: `/v1/tickets/${ticket.id}`,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' },
      pathParameters: { ticketId: ticket.id },
      body: JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: {
        authorizer: { lambda: { userId: caller.userId, role: caller.role, exp: caller.expiresAt } },
      },
    } as unknown as HttpEvent);
    return { ...response, json: JSON.parse(response.body ?? 'null') as Record<string, unknown> };
  };
  return { ...f, ticket, send };
};

describe('Tickets over HTTP: 409 problems', () => {
  it('names the current and the requested status as members of an illegal-transition problem', async () => {
    const { send, ticket } = await setup();

    const response = await send(ADMIN, 'PATCH', { status: 'RESOLVED' });

    expect(response.statusCode).toBe(409);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.json).toEqual({
      type: 'urn:tessera:problem:illegal-transition',
      title: 'Conflict',
      status: 409,
      detail: 'A ticket cannot move from NEW to RESOLVED.',
      instance: `/v1/tickets/${ticket.id}`,
      requestId: 'req-1',
      currentStatus: 'NEW',
      requestedStatus: 'RESOLVED',
    });
  });

  it('answers a PUT that lost a race without If-Match with concurrent-change, and writes nothing', async () => {
    const { send, ticket, tickets } = await setup();
    const theirs = { ...ticket, priority: 'HIGH' as const, version: 2 };
    tickets.interlopers.push(() => tickets.byId.set(ticket.id, theirs));

    const response = await send(REPORTER, 'PUT', {
      title: 'Mine',
      description: '',
      priority: 'MEDIUM',
      status: 'NEW',
      assigneeId: null,
    });

    expect(response.statusCode).toBe(409);
    expect(response.json).toMatchObject({
      type: 'urn:tessera:problem:concurrent-change',
      detail: 'The ticket changed while this request ran (priority); read it again before changing it.',
    });
    expect(response.json).not.toHaveProperty('currentStatus');
    expect(tickets.byId.get(ticket.id)).toBe(theirs);
  });
});
