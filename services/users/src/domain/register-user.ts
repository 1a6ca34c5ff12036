/**
 * Registration, and the devstack's (or an operator's) bootstrap of an admin.
 *
 * registerUser:
 * 1. Check the password against the policy.
 * 2. Hash it (argon2id; the parameters travel inside the hash).
 * 3. Store the user, its email claim and `user.registered` in one transaction; a taken email is a
 *    409, and nothing is written.
 */

import { randomUUID } from 'node:crypto';
import type { Role } from '@tessera/shared/auth';
import { newEvent } from '@tessera/shared/events';
import { nextVersion } from '@tessera/shared/precondition';
import { EmailTakenError } from '../errors.ts';
import { writeUpdate } from './accounts.ts';
import { assertAcceptablePassword, normalizePassword } from './password-policy.ts';
import type { Dependencies } from './ports.ts';
import { emailKeyOf, type PublicUser, toPublicUser, type UserRecord } from './user.ts';

interface RegisterInput {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

const createAccount = async (
  deps: Pick<Dependencies, 'users' | 'passwords' | 'clock'>,
  input: RegisterInput,
  role: Role,
  correlationId: string,
): Promise<UserRecord> => {
  await assertAcceptablePassword(input.password, input.email);
  const now = deps.clock.now();
  const timestamp = now.toISOString();
  const user: UserRecord = {
    id: randomUUID(),
    email: input.email,
    emailKey: emailKeyOf(input.email),
    name: input.name,
    role,
    passwordHash: await deps.passwords.hash(normalizePassword(input.password)),
    createdAt: timestamp,
    updatedAt: timestamp,
    version: 1,
  };
  const event = newEvent(
    'user.registered',
    { userId: user.id, email: user.email, name: user.name, role: user.role, registeredAt: timestamp },
    { correlationId, occurredAt: now },
  );
  if ((await deps.users.create(user, event)) === 'email-taken') throw new EmailTakenError();
  return user;
};

/** Creates an account; registration always makes role `user`. */
const registerUser = async (
  deps: Pick<Dependencies, 'users' | 'passwords' | 'clock'>,
  input: RegisterInput,
  correlationId: string,
): Promise<PublicUser> => toPublicUser(await createAccount(deps, input, 'user', correlationId));

/**
 * Makes sure an admin with this email exists: creates it, or promotes the existing account. An
 * existing account keeps its password. Used by the devstack and by operators (direct invoke).
 */
const bootstrapAdmin = async (
  deps: Pick<Dependencies, 'users' | 'passwords' | 'clock'>,
  input: RegisterInput,
  correlationId: string,
): Promise<{ readonly userId: string; readonly created: boolean }> => {
  const existing = await deps.users.getByEmailKey(emailKeyOf(input.email));
  if (!existing) {
    try {
      const user = await createAccount(deps, input, 'admin', correlationId);
      return { userId: user.id, created: true };
    } catch (error) {
      // Another bootstrap won the race; fall through and promote what it made.
      if (!(error instanceof EmailTakenError)) throw error;
    }
  }
  const current = existing ?? (await deps.users.getByEmailKey(emailKeyOf(input.email)));
  if (!current) throw new Error('The bootstrap admin vanished while being created');
  if (current.role !== 'admin') {
    const now = deps.clock.now();
    const next = nextVersion(current, now, { role: 'admin' as const });
    const event = newEvent(
      'user.role_changed',
      {
        userId: current.id,
        role: 'admin',
        previousRole: current.role,
        changedBy: current.id,
        changedAt: next.updatedAt,
      },
      { correlationId, occurredAt: now },
    );
    await writeUpdate(deps, current, next, event);
  }
  return { userId: current.id, created: false };
};

export type { RegisterInput };
export { bootstrapAdmin, registerUser };
