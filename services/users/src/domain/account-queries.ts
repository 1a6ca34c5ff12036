/**
 * Profiles that are read: your own, anyone's (admins, or yourself), and the list of users (admins).
 */
import type { Principal } from '@tessera/shared/auth';
import { NotYourAccountError, UserNotFoundError } from '../errors.ts';
import type { Dependencies } from './ports.ts';
import { type PublicUser, toPublicUser, type UserRecord } from './user.ts';

const LIST_SCOPE = 'users:all';

const requireUser = async (deps: Pick<Dependencies, 'users'>, id: string): Promise<UserRecord> => {
  const user = await deps.users.getById(id);
  if (!user) throw new UserNotFoundError();
  return user;
};

const getMe = async (deps: Pick<Dependencies, 'users'>, caller: Principal): Promise<PublicUser> =>
  toPublicUser(await requireUser(deps, caller.userId));

/** Admins read anyone; everyone else only themselves. Refused before any read, so it leaks nothing. */
const getUser = async (
  deps: Pick<Dependencies, 'users'>,
  caller: Principal,
  userId: string,
): Promise<PublicUser> => {
  if (caller.role !== 'admin' && caller.userId !== userId) throw new NotYourAccountError();
  return toPublicUser(await requireUser(deps, userId));
};

/** One page of users, newest first. The cursor is bound to this list. */
const listUsers = async (
  deps: Pick<Dependencies, 'users' | 'cursors'>,
  query: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<{ readonly items: readonly PublicUser[]; readonly nextCursor: string | null }> => {
  const startKey = await deps.cursors.decode(query.cursor, LIST_SCOPE);
  const page = await deps.users.list({ limit: query.limit, startKey });
  return { items: page.items, nextCursor: await deps.cursors.encode(page.lastKey, LIST_SCOPE) };
};

export { getMe, getUser, listUsers, requireUser };
