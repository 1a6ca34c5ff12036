import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  adminAccount,
  jsonPost,
  newAccount,
  PASSWORD,
  uniqueEmail,
  waitForEvent,
} from '../../support/e2e.ts';

describe('Events on the bus', () => {
  it('publishes user.registered through the outbox, carrying the request correlation id', async () => {
    const email = uniqueEmail('event');
    const correlationId = `e2e-${randomUUID()}`;

    const response = await jsonPost(
      '/v1/auth/register',
      { email, password: PASSWORD, name: 'Evented' },
      { 'x-request-id': correlationId },
    );
    const user = (await response.json()) as { id: string };

    expect(response.headers.get('x-request-id')).toBe(correlationId);
    const event = await waitForEvent({ detailType: 'user.registered', correlationId });
    expect(event).toMatchObject({
      source: 'tessera.users',
      detail: { correlationId, data: { userId: user.id, email, role: 'user' } },
    });
  });

  it('publishes user.role_changed when an admin changes a role', async () => {
    const { api: admin } = await adminAccount();
    const ada = await newAccount('role-event');

    await admin.PATCH('/v1/users/{userId}', {
      params: { path: { userId: ada.user.id } },
      body: { role: 'provider' },
    });

    const event = await waitForEvent(
      { detailType: 'user.role_changed' },
      (e) => e.detail.data.userId === ada.user.id,
    );
    expect(event.detail.data).toMatchObject({ role: 'provider', previousRole: 'user' });
  });

  it('publishes nothing for a refused registration', async () => {
    const email = uniqueEmail('refused');
    const accepted = `accepted-${randomUUID()}`;
    const refused = `refused-${randomUUID()}`;
    await jsonPost(
      '/v1/auth/register',
      { email, password: PASSWORD, name: 'First' },
      { 'x-request-id': accepted },
    );

    const second = await jsonPost(
      '/v1/auth/register',
      { email, password: PASSWORD, name: 'Second' },
      { 'x-request-id': refused },
    );

    expect(second.status).toBe(409);
    // The accepted registration's event has gone out, so the refused one's would have had time to.
    await waitForEvent({ detailType: 'user.registered', correlationId: accepted });
    await expect(
      waitForEvent({ detailType: 'user.registered', correlationId: refused }, undefined, 500),
    ).rejects.toThrow(/no user.registered event/);
  });
});
