import type { Principal } from '@tessera/shared/auth';
import { describe, expect, it } from 'vitest';
import { getUser, listUsers } from '../../../src/domain/account-queries.ts';
import { changeRole, updateMe } from '../../../src/domain/accounts.ts';
import {
  ConcurrentUpdateError,
  EmailTakenError,
  NotYourAccountError,
  OwnRoleChangeError,
  UserNotFoundError,
} from '../../../src/errors.ts';
import { fakes, userRecord } from '../fakes.ts';

const ADA = userRecord();
const BOB = userRecord({
  id: '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e',
  email: 'bob@example.com',
  emailKey: 'bob@example.com',
  name: 'Bob',
});
const ADMIN = userRecord({
  id: '0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d',
  email: 'root@example.com',
  emailKey: 'root@example.com',
  role: 'admin',
});

const as = (user: typeof ADA): Principal => ({ userId: user.id, role: user.role, expiresAt: 2_000_000_000 });

const seeded = () => {
  const f = fakes();
  for (const user of [ADA, BOB, ADMIN]) f.users.byId.set(user.id, user);
  return f;
};

describe('Function: getUser', () => {
  it('lets a user read themselves and an admin read anyone', async () => {
    const { deps } = seeded();

    await expect(getUser(deps, as(ADA), ADA.id)).resolves.toMatchObject({ id: ADA.id });
    await expect(getUser(deps, as(ADMIN), BOB.id)).resolves.toMatchObject({ id: BOB.id });
  });

  it('refuses another account before reading anything, so existence does not leak', async () => {
    const { deps, users } = seeded();

    await expect(getUser(deps, as(ADA), BOB.id)).rejects.toThrow(NotYourAccountError);
    await expect(getUser(deps, as(ADA), '00000000-0000-4000-8000-000000000000')).rejects.toThrow(
      NotYourAccountError,
    );
    expect(users.reads).toEqual([]);
  });

  it('answers not found for an admin asking for nobody', async () => {
    const { deps } = seeded();

    await expect(getUser(deps, as(ADMIN), '00000000-0000-4000-8000-000000000000')).rejects.toThrow(
      UserNotFoundError,
    );
  });

  it('never shows the password hash', async () => {
    const { deps } = seeded();

    const user = await getUser(deps, as(ADA), ADA.id);

    expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role', 'updatedAt']);
  });
});

describe('Function: updateMe', () => {
  it('changes the name and keeps the rest', async () => {
    const { deps } = seeded();

    const user = await updateMe(deps, as(ADA), { name: 'Ada L.' });

    expect(user).toMatchObject({ name: 'Ada L.', email: ADA.email, updatedAt: '2026-11-21T05:00:00.000Z' });
  });

  it('refuses an email that belongs to someone else, whatever its case', async () => {
    const { deps, users } = seeded();

    await expect(updateMe(deps, as(ADA), { email: 'BOB@example.com' })).rejects.toThrow(EmailTakenError);
    expect(users.byId.get(ADA.id)?.email).toBe(ADA.email);
  });

  it('lets a user change the case of their own email', async () => {
    const { deps } = seeded();

    await expect(updateMe(deps, as(ADA), { email: 'ada@example.com' })).resolves.toMatchObject({
      email: 'ada@example.com',
    });
  });
});

describe('Function: changeRole', () => {
  it('changes the role and records user.role_changed with the previous role', async () => {
    const { deps, users } = seeded();

    const user = await changeRole(deps, as(ADMIN), BOB.id, 'provider', 'req-7');

    expect(user.role).toBe('provider');
    expect(users.events.at(-1)).toMatchObject({
      detailType: 'user.role_changed',
      detail: {
        correlationId: 'req-7',
        data: { userId: BOB.id, role: 'provider', previousRole: 'user', changedBy: ADMIN.id },
      },
    });
  });

  it('answers 409 when another change lands between its read and its write, and 404 when the user went', async () => {
    // Prepare: the store reports the version it read as gone, as DynamoDB's condition does; in the
    // second case the user is gone too by the time it is read again.
    const { deps, users } = seeded();
    const raced = { ...deps, users: { ...deps.users, update: async () => 'stale' as const } };
    let reads = 0;
    const deleted = {
      ...raced,
      users: {
        ...raced.users,
        getById: async (id: string) => (reads++ === 0 ? deps.users.getById(id) : null),
      },
    };

    // Act
    const afterRace = await changeRole(raced, as(ADMIN), BOB.id, 'provider', 'r').catch((e: unknown) => e);
    const afterDelete = await changeRole(deleted, as(ADMIN), BOB.id, 'provider', 'r').catch(
      (e: unknown) => e,
    );

    // Assess
    expect(afterRace).toBeInstanceOf(ConcurrentUpdateError);
    expect(afterDelete).toBeInstanceOf(UserNotFoundError);
    expect(users.events).toHaveLength(0);
  });

  it('refuses to change the caller own role', async () => {
    const { deps } = seeded();

    await expect(changeRole(deps, as(ADMIN), ADMIN.id, 'user', 'req-8')).rejects.toThrow(OwnRoleChangeError);
  });

  it('answers not found for nobody and changes nothing for the same role', async () => {
    const { deps, users } = seeded();

    await expect(
      changeRole(deps, as(ADMIN), '00000000-0000-4000-8000-000000000000', 'admin', 'r'),
    ).rejects.toThrow(UserNotFoundError);
    await changeRole(deps, as(ADMIN), BOB.id, 'user', 'r');
    expect(users.events).toHaveLength(0);
  });
});

describe('Function: listUsers', () => {
  it('pages through every user once, newest first, with a null cursor at the end', async () => {
    const { deps } = seeded();

    const first = await listUsers(deps, { limit: 2 });
    const second = await listUsers(deps, { limit: 2, cursor: first.nextCursor ?? undefined });

    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((u) => u.id)).size).toBe(3);
  });
});
