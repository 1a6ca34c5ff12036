/**
 * The user entity and the one function that turns it into what callers may see.
 */
import type { Role } from '@tessera/shared/auth';

/** A user as stored. `passwordHash` is a PHC string that carries its own parameters. */
interface UserRecord {
  readonly id: string;
  readonly email: string;
  /** The lower-cased email; unique across users. */
  readonly emailKey: string;
  readonly name: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** A user as any response shows it: never the hash, never the key. */
interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Emails are unique regardless of case. */
const emailKeyOf = (email: string): string => email.trim().toLowerCase();

/** Copies only the public fields, so no new stored field can leak by accident. */
const toPublicUser = (user: PublicUser): PublicUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

export type { PublicUser, UserRecord };
export { emailKeyOf, toPublicUser };
