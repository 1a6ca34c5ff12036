import { describe, expect, it } from 'vitest';
import { bootstrapAdmin, registerUser } from '../../../src/domain/register-user.ts';
import { EmailTakenError, WeakPasswordError } from '../../../src/errors.ts';
import { fakes } from '../fakes.ts';

const INPUT = { email: 'Ada@Example.com', password: 'correct horse battery', name: 'Ada' };

describe('Function: registerUser', () => {
  it('creates a user with role user, a hashed password, and records user.registered', async () => {
    const { deps, users } = fakes();

    const user = await registerUser(deps, INPUT, 'req-1');

    expect(user).toMatchObject({ email: 'Ada@Example.com', name: 'Ada', role: 'user' });
    expect(users.byId.get(user.id)).toMatchObject({
      emailKey: 'ada@example.com',
      passwordHash: 'hash:correct horse battery',
    });
    expect(users.events).toEqual([
      expect.objectContaining({
        detailType: 'user.registered',
        detail: expect.objectContaining({
          correlationId: 'req-1',
          data: expect.objectContaining({ userId: user.id, role: 'user' }),
        }),
      }),
    ]);
  });

  it('refuses an email that differs only in case', async () => {
    const { deps } = fakes();
    await registerUser(deps, INPUT, 'req-1');

    await expect(registerUser(deps, { ...INPUT, email: 'ADA@example.COM' }, 'req-2')).rejects.toThrow(
      EmailTakenError,
    );
  });

  it('refuses a common password before hashing anything', async () => {
    const { deps, passwords } = fakes();

    await expect(registerUser(deps, { ...INPUT, password: 'iloveyou' }, 'req-1')).rejects.toThrow(
      WeakPasswordError,
    );
    expect(passwords.calls.hash).toBe(0);
  });
});

describe('Function: bootstrapAdmin', () => {
  it('creates the admin once and then leaves it be', async () => {
    const { deps, users } = fakes();

    const first = await bootstrapAdmin(deps, INPUT, 'boot-1');
    const second = await bootstrapAdmin(deps, { ...INPUT, password: 'another long password' }, 'boot-2');

    expect(first.created).toBe(true);
    expect(second).toEqual({ userId: first.userId, created: false });
    expect(users.byId.get(first.userId)).toMatchObject({
      role: 'admin',
      passwordHash: 'hash:correct horse battery',
    });
  });

  it('promotes an existing account and records the role change', async () => {
    const { deps, users } = fakes();
    const user = await registerUser(deps, INPUT, 'req-1');

    await bootstrapAdmin(deps, INPUT, 'boot-1');

    expect(users.byId.get(user.id)?.role).toBe('admin');
    expect(users.events.at(-1)).toMatchObject({
      detailType: 'user.role_changed',
      detail: { data: { previousRole: 'user', role: 'admin' } },
    });
  });
});
