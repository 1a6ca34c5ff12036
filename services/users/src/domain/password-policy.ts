/**
 * The password policy (NIST SP 800-63B and OWASP): 8 to 128 characters, no composition rules,
 * and none of the 1,000 most common passwords, nor the account's own email.
 *
 * Passwords are NFKC-normalised before they are checked and hashed, so the same password typed on
 * two keyboards is the same password. The list of common passwords is loaded the first time a
 * password is set, not at cold start: most requests never set one.
 */
import { once } from '@tessera/shared/once';
import { WeakPasswordError } from '../errors.ts';

const MIN_LENGTH = 8;
const MAX_LENGTH = 128;

const commonPasswords = once(async (): Promise<ReadonlySet<string>> => {
  const { COMMON_PASSWORDS } = await import('./generated/common-passwords.ts');
  return new Set(COMMON_PASSWORDS);
});

const normalizePassword = (password: string): string => password.normalize('NFKC');

/** Rejects with `WeakPasswordError` naming the rule a new password breaks. */
const assertAcceptablePassword = async (password: string, email: string): Promise<void> => {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < MIN_LENGTH) throw new WeakPasswordError(`must be at least ${MIN_LENGTH} characters long`);
  if (length > MAX_LENGTH) throw new WeakPasswordError(`must be at most ${MAX_LENGTH} characters long`);
  const lower = normalized.toLowerCase();
  if ((await commonPasswords()).has(lower))
    throw new WeakPasswordError('is one of the most common passwords');
  const emailLower = email.toLowerCase();
  if (lower === emailLower || lower === emailLower.split('@')[0]) {
    throw new WeakPasswordError('must not be the email address');
  }
};

export { assertAcceptablePassword, MAX_LENGTH, MIN_LENGTH, normalizePassword };
