/**
 * The warm benchmark's floor: the DynamoDB calls of each operation and nothing else (no framework,
 * no validation, no rules), on the peers' store: for a get one GetItem, for a create the same
 * TransactWriteItems of the ticket and its outbox item. Its time is what the data path costs on
 * the AWS stand-in (the SDK's own work and the loopback round trip), which every implementation
 * pays; each one's overhead is its time above this.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../fixtures/events.ts';
import type { TicketStore } from './tickets.ts';

/**
 * The floor on a store.
 *
 * @example
 * const handle = createSdkFloor(createTicketStore({ endpoint, tableName, keys }));
 */
const createSdkFloor =
  (store: TicketStore) =>
  async (event: HttpEvent, _context: Context): Promise<HttpResult> => {
    if (event.routeKey === 'GET /v1/tickets/{ticketId}') {
      const ticket = await store.get(event.pathParameters?.ticketId ?? '');
      return { statusCode: 200, body: JSON.stringify(ticket) };
    }
    const now = new Date().toISOString();
    const body = JSON.parse(event.body ?? '{}') as {
      title?: string;
      description?: string;
      priority?: string;
    };
    const ticket = {
      id: randomUUID(),
      title: String(body.title),
      description: body.description ?? '',
      priority: (body.priority ?? 'MEDIUM') as 'MEDIUM',
      status: 'NEW' as const,
      reporterId: String(event.requestContext.authorizer?.lambda.userId),
      assigneeId: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await store.create(ticket, {
      eventId: randomUUID(),
      occurredAt: now,
      correlationId: randomUUID(),
      data: { ticket },
    });
    return { statusCode: 201, body: JSON.stringify(ticket) };
  };

export { createSdkFloor };
