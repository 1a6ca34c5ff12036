import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  adminAccount,
  eventually422,
  newAccount,
  newProvider,
  raw,
  waitForEvent,
} from '../../support/e2e.ts';

const send = (token: string, method: string, path: string, body: unknown, requestId: string) =>
  raw(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-request-id': requestId,
    },
    body: JSON.stringify(body),
  });

describe('Ticket events on the bus', () => {
  it('publishes ticket.created, ticket.updated and ticket.deleted with their correlation ids', async () => {
    const reporter = await newAccount('evented');
    const provider = await newProvider('evented-provider');
    const admin = (await adminAccount()).accessToken;
    const ids = { create: `c-${randomUUID()}`, assign: `a-${randomUUID()}`, remove: `d-${randomUUID()}` };

    const created = (await (
      await send(reporter.tokens.accessToken, 'POST', '/v1/tickets', { title: 'Evented' }, ids.create)
    ).json()) as {
      id: string;
    };
    const assigned = await eventually422(() =>
      send(
        admin,
        'PATCH',
        `/v1/tickets/${created.id}`,
        { status: 'OPEN', assigneeId: provider.user.id },
        ids.assign,
      ),
    );
    const removed = await raw(`/v1/tickets/${created.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}`, 'x-request-id': ids.remove },
    });

    expect([assigned.status, removed.status]).toEqual([200, 204]);
    const onCreate = await waitForEvent({ detailType: 'ticket.created', correlationId: ids.create });
    const onUpdate = await waitForEvent({ detailType: 'ticket.updated', correlationId: ids.assign });
    const onDelete = await waitForEvent({ detailType: 'ticket.deleted', correlationId: ids.remove });
    expect(onCreate).toMatchObject({
      source: 'tessera.tickets',
      detail: { data: { ticket: { id: created.id, status: 'NEW' } } },
    });
    expect(onUpdate.detail.data).toMatchObject({
      ticket: { status: 'OPEN', assigneeId: provider.user.id, version: 2 },
      changes: ['status', 'assigneeId'],
      previousStatus: 'NEW',
    });
    expect(onDelete.detail.data).toMatchObject({ ticketId: created.id, assigneeId: provider.user.id });
  });
});
