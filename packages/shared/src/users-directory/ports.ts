/**
 * The users directory: the role of each user, projected from the users service's events into a
 * service's own table, so the service can check a user's role (an assignee, a room's provider)
 * without calling another service. This is its port, as use cases see it.
 */
import type { Role } from '../auth.ts';

/** One user's role, and the event that set it. */
interface DirectoryEntry {
  readonly userId: string;
  readonly role: Role;
  readonly eventId: string;
  readonly occurredAt: string;
}

/** The roles of users, as the users events told them. */
interface UserDirectory {
  /** The user's role, or null for a user the directory has not heard of (yet). */
  roleOf(userId: string): Promise<Role | null>;
  /** Records the entry unless a later (or the same) event was applied already. */
  apply(entry: DirectoryEntry): Promise<'applied' | 'ignored'>;
}

export type { DirectoryEntry, UserDirectory };
