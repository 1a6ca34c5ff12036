/**
 * Path parameters as the caller sent them: percent-decoded, and a 400 naming the parameter when its
 * encoding is broken (`%E0%A4%A`, `%ZZ`), never the `URIError` a plain `decodeURIComponent` throws.
 * The devstack gateway decodes with it while matching routes, and the HTTP adapter checks the raw
 * path with it, so both answer the same 400 problem.
 *
 * @example
 * decodePathParameter('ticketId', '%41'); // 'A'
 * decodePathParameter('ticketId', '%ZZ'); // throws InvalidPathEncodingError (400, errors[0].field 'ticketId')
 */
import { ValidationError } from '../errors.ts';

class InvalidPathEncodingError extends ValidationError {
  constructor(names: readonly string[]) {
    super(
      'INVALID_PATH_ENCODING',
      'The path is not valid percent-encoding.',
      names.map((field) => ({ location: 'path' as const, field, detail: 'is not valid percent-encoding' })),
    );
  }
}

/** The decoded value of one path parameter; throws `InvalidPathEncodingError` for a broken one. */
const decodePathParameter = (name: string, raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new InvalidPathEncodingError([name]);
  }
};

/**
 * Checks the segments of a raw path that stand for the parameters of a route template
 * (`/v1/tickets/{ticketId}`); throws `InvalidPathEncodingError` naming each broken one.
 */
const assertPathEncoding = (template: string, rawPath: string | undefined): void => {
  if (rawPath === undefined || !rawPath.includes('%')) return;
  const names = template.split('/');
  const values = rawPath.split('/');
  const broken = names.flatMap((segment, i) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!name) return [];
    try {
      decodeURIComponent(values[i] ?? '');
      return [];
    } catch {
      return [name];
    }
  });
  if (broken.length > 0) throw new InvalidPathEncodingError(broken);
};

export { assertPathEncoding, decodePathParameter, InvalidPathEncodingError };
