/**
 * Opaque, tamper-evident page cursors.
 *
 * A cursor is the DynamoDB `LastEvaluatedKey` of a page, bound to the list it came from (its
 * `scope`: who asked and with which filters), serialised and signed with HMAC-SHA256. A cursor
 * that was altered, forged, or taken from another list is refused with a 400 naming `cursor`, so
 * a caller can never steer a Query into keys outside the list they were given.
 *
 * The secret may be given as a loader (`() => loadSecret(reference)`): it is read on the first
 * cursor made or read, not at cold start, and a page without a cursor in or out never reads it.
 *
 * @example
 * const cursors = createCursorCodec(() => loadSecret(config().CURSOR_SECRET));
 * const next = await cursors.encode(page.lastKey, `users:${callerId}`);
 * const startKey = await cursors.decode(query.cursor, `users:${callerId}`);
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors.ts';
import { once } from './once.ts';

type Key = Readonly<Record<string, unknown>>;

interface CursorCodec {
  /** The cursor for the page after `lastKey`, or null when there is none. */
  encode(lastKey: Key | undefined, scope: string): Promise<string | null>;
  /** The start key a cursor stands for, or undefined for no cursor. Rejects with a 400 for a bad one. */
  decode(cursor: string | undefined, scope: string): Promise<Key | undefined>;
}

/** A 400 naming `cursor`: the cursor was altered, forged, or taken from another list. */
class InvalidCursorError extends ValidationError {
  constructor() {
    super('INVALID_CURSOR', 'The cursor is not one this list gave out.', [
      { location: 'query', field: 'cursor', detail: 'is not a cursor from this list' },
    ]);
  }
}

const invalidCursor = () => new InvalidCursorError();

const MIN_SECRET_LENGTH = 32;

const createCursorCodec = (secret: string | (() => Promise<string>)): CursorCodec => {
  if (typeof secret === 'string' && secret.length < MIN_SECRET_LENGTH)
    throw new Error('The cursor secret must be at least 32 characters');
  const key = once(async () => {
    const value = typeof secret === 'string' ? secret : await secret();
    if (value.length < MIN_SECRET_LENGTH) throw new Error('The cursor secret must be at least 32 characters');
    return value;
  });
  const sign = async (payload: string, scope: string): Promise<Buffer> =>
    createHmac('sha256', await key())
      .update(scope)
      .update('\u0000')
      .update(payload)
      .digest();

  return {
    async encode(lastKey, scope) {
      if (!lastKey) return null;
      const payload = Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
      return `${payload}.${(await sign(payload, scope)).toString('base64url')}`;
    },
    async decode(cursor, scope) {
      if (cursor === undefined) return undefined;
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) throw invalidCursor();
      const given = Buffer.from(signature, 'base64url');
      const expected = await sign(payload, scope);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
      try {
        const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
        return parsed as Key;
      } catch {
        throw invalidCursor();
      }
    },
  };
};

export type { CursorCodec };
export { createCursorCodec, InvalidCursorError };
