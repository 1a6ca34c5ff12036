/**
 * Profiles and roles that change: your own profile, and (admins) anyone's role but their own. The
 * reads are in `account-queries.ts`, so a read's cold start loads neither these nor the event
 * catalog they publish through (ADR 0017).
 */

import type { Principal, Role } from '@tessera/shared/auth';
import { newEvent } from '@tessera/shared/events';
import { nextVersion } from '@tessera/shared/precondition';
import { ConcurrentUpdateError, EmailTakenError, OwnRoleChangeError, UserNotFoundError } from '../errors.ts';
import { requireUser } from './account-queries.ts';
import type { Dependencies } from './ports.ts';
import { emailKeyOf, type PublicUser, toPublicUser, type UserRecord } from './user.ts';

/**
 * Writes a change conditional on the version read, and raises what went wrong: the email belongs to
 * someone else (409), the account went (404), or it changed meanwhile (409, read it again).
 */
const writeUpdate = async (
  deps: Pick<Dependencies, 'users'>,
  current: UserRecord,
  next: UserRecord,
  event?: Parameters<Dependencies['users']['update']>[2],
): Promise<void> => {
  const outcome = await deps.users.update(current, next, event);
  if (outcome === 'email-taken') throw new EmailTakenError();
  if (outcome === 'stale') {
    throw (await deps.users.getById(current.id)) ? new ConcurrentUpdateError() : new UserNotFoundError();
  }
};

/**
 * Changes the caller's name and/or email. A new email is claimed atomically with the change; one
 * that belongs to someone else is a 409 and nothing changes.
 */
const updateMe = async (
  deps: Pick<Dependencies, 'users' | 'clock'>,
  caller: Principal,
  changes: { readonly name?: string; readonly email?: string },
): Promise<PublicUser> => {
  const current = await requireUser(deps, caller.userId);
  const email = changes.email ?? current.email;
  const next: UserRecord = nextVersion(current, deps.clock.now(), {
    name: changes.name ?? current.name,
    email,
    emailKey: emailKeyOf(email),
  });
  await writeUpdate(deps, current, next);
  return toPublicUser(next);
};

/**
 * Changes a user's role (the operation is admin-only in the contract).
 *
 * 1. No one changes their own role, so the last admin cannot lock everyone out by accident.
 * 2. Write the role with `user.role_changed`, conditional on the version read.
 */
const changeRole = async (
  deps: Pick<Dependencies, 'users' | 'clock'>,
  caller: Principal,
  userId: string,
  role: Role,
  correlationId: string,
): Promise<PublicUser> => {
  if (caller.userId === userId) throw new OwnRoleChangeError();
  const current = await requireUser(deps, userId);
  if (current.role === role) return toPublicUser(current);
  const now = deps.clock.now();
  const next: UserRecord = nextVersion(current, now, { role });
  const event = newEvent(
    'user.role_changed',
    { userId, role, previousRole: current.role, changedBy: caller.userId, changedAt: next.updatedAt },
    { correlationId, occurredAt: now },
  );
  await writeUpdate(deps, current, next, event);
  return toPublicUser(next);
};

export { changeRole, updateMe, writeUpdate };
