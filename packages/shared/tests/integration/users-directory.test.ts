/**
 * The shared users directory on DynamoDB Local, in a table shaped like a service's (the tickets
 * declaration; bookings will keep its directory the same way).
 */
import { randomUUID } from 'node:crypto';
import { newEvent } from '@tessera/shared/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { applyUserEvent, createDirectoryStore } from '../../src/users-directory/index.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;

beforeAll(async () => {
  table = await serviceTable('tickets');
});
afterAll(() => table.drop());

describe('Adapter: createDirectoryStore', () => {
  it('keeps the latest role and ignores redeliveries and late old events', async () => {
    // Prepare
    const directory = createDirectoryStore(table.documentClient, table.tableName);
    const userId = randomUUID();
    const registered = {
      userId,
      role: 'user' as const,
      eventId: randomUUID(),
      occurredAt: '2026-11-21T01:00:00.000Z',
    };
    const promoted = {
      userId,
      role: 'provider' as const,
      eventId: randomUUID(),
      occurredAt: '2026-11-21T02:00:00.000Z',
    };

    // Act
    const outcomes = [
      await directory.apply(registered),
      await directory.apply(promoted),
      await directory.apply(promoted),
      await directory.apply(registered),
    ];

    // Assess
    expect(outcomes).toEqual(['applied', 'applied', 'ignored', 'ignored']);
    await expect(directory.roleOf(userId)).resolves.toBe('provider');
    await expect(directory.roleOf(randomUUID())).resolves.toBeNull();
  });
});

describe('Function: applyUserEvent', () => {
  it('records the role a user.registered and a later user.role_changed event carry', async () => {
    // Prepare
    const directory = createDirectoryStore(table.documentClient, table.tableName);
    const userId = randomUUID();
    const admin = randomUUID();
    const registered = newEvent(
      'user.registered',
      { userId, email: 'a#b@example.com', name: 'A', role: 'user', registeredAt: '2026-11-21T01:00:00.000Z' },
      { correlationId: 'c1', occurredAt: new Date('2026-11-21T01:00:00.000Z') },
    );
    const changed = newEvent(
      'user.role_changed',
      {
        userId,
        role: 'admin',
        previousRole: 'user',
        changedBy: admin,
        changedAt: '2026-11-21T03:00:00.000Z',
      },
      { correlationId: 'c2', occurredAt: new Date('2026-11-21T03:00:00.000Z') },
    );

    // Act
    const outcomes = [await applyUserEvent(directory, changed), await applyUserEvent(directory, registered)];

    // Assess
    expect(outcomes).toEqual(['applied', 'ignored']);
    await expect(directory.roleOf(userId)).resolves.toBe('admin');
  });
});
