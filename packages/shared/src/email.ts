/**
 * What Tessera accepts as an email address, defined once: the contract's `format: email` (the code
 * generator and the end-to-end checks register this pattern as that format), the event schemas of
 * the catalog, and any domain rule all use it, so an address the API accepts can never be refused
 * further in (a `#`, a `/` or a digit in the top-level label is fine in all three).
 *
 * The pattern is the one ajv-formats calls `email` (its "full" mode): a dot-atom local part of
 * RFC 5322's printable characters, and a host of letter-digit-hyphen labels.
 *
 * @example
 * isEmail('a#b@example.com'); // true
 * isEmail('no at sign');      // false
 */

/** The pattern, case-insensitive; 254 characters at most is a separate rule (`MAX_EMAIL_LENGTH`). */
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** The longest address SMTP can carry (RFC 5321's path limit less the angle brackets). */
const MAX_EMAIL_LENGTH = 254;

const isEmail = (value: string): boolean => value.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(value);

export { EMAIL_PATTERN, isEmail, MAX_EMAIL_LENGTH };
