/**
 * Opaque, tamper-evident page cursors.
 *
 * A cursor is the DynamoDB `LastEvaluatedKey` of a page, bound to the list it came from (its
 * `scope`: who asked and with which filters), serialised and signed with HMAC-SHA256. A cursor
 * that was altered, forged, or taken from another list is refused with a 400 naming `cursor`, so
 * a caller can never steer a Query into keys outside the list they were given.
 *
 * @example
 * const cursors = createCursorCodec(secret);
 * const next = cursors.encode(page.LastEvaluatedKey, `users:${callerId}`);
 * const startKey = cursors.decode(query.cursor, `users:${callerId}`);
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors.ts';

type Key = Readonly<Record<string, unknown>>;

interface CursorCodec {
  /** The cursor for the page after `lastKey`, or null when there is none. */
  encode(lastKey: Key | undefined, scope: string): string | null;
  /** The start key a cursor stands for, or undefined for no cursor. Throws a 400 for a bad one. */
  decode(cursor: string | undefined, scope: string): Key | undefined;
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

const createCursorCodec = (secret: string): CursorCodec => {
  if (secret.length < 32) throw new Error('The cursor secret must be at least 32 characters');
  const sign = (payload: string, scope: string): Buffer =>
    createHmac('sha256', secret).update(scope).update('\u0000').update(payload).digest();

  return {
    encode(lastKey, scope) {
      if (!lastKey) return null;
      const payload = Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
      return `${payload}.${sign(payload, scope).toString('base64url')}`;
    },
    decode(cursor, scope) {
      if (cursor === undefined) return undefined;
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) throw invalidCursor();
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(payload, scope);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
      try {
        const key: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalidCursor();
        return key as Key;
      } catch {
        throw invalidCursor();
      }
    },
  };
};

export type { CursorCodec };
export { createCursorCodec, InvalidCursorError };
