/**
 * Turns the errors of a generated validator into the `errors[]` of a 400 problem: one entry per
 * field, with a location (`body`, `query`, `path`, `header`), the field's name, and a sentence.
 */
import type { FieldError, FieldLocation } from '../errors.ts';
import type { SchemaError } from './types.ts';

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  email: 'a valid email address',
  uuid: 'a UUID',
  'date-time': 'an ISO 8601 date-time with a time zone',
  date: 'an ISO 8601 date',
  uri: 'an absolute URI',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const typeName = (type: unknown): string =>
  String(type)
    .split(',')
    .map((t) => TYPE_NAMES[t] ?? t)
    .join(' or ');

const plural = (count: unknown, noun: string): string => `${String(count)} ${noun}${count === 1 ? '' : 's'}`;

const describe = (error: SchemaError): string => {
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed';
    case 'type':
      return `must be ${typeName(p.type)}`;
    case 'format':
      return `must be ${FORMAT_NAMES[String(p.format)] ?? `in ${String(p.format)} format`}`;
    case 'minLength':
      return `must be at least ${plural(p.limit, 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(p.limit, 'character')} long`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(p.limit)}`;
    case 'enum':
      return `must be one of: ${(p.allowedValues as readonly unknown[]).map(String).join(', ')}`;
    case 'minProperties':
      return `must have at least ${plural(p.limit, 'field')}`;
    case 'minItems':
      return `must have at least ${plural(p.limit, 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(p.limit, 'item')}`;
    case 'pattern':
      // The contract's `\S`: a text that must not be blank.
      return p.pattern === '\\S' ? 'must not be blank' : 'has an invalid format';
    default:
      return error.message ?? 'is invalid';
  }
};

const segmentsOf = (pointer: string): string[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));

/** `["items", "0", "name"]` -> `items[0].name` */
const dotted = (segments: readonly string[]): string =>
  segments.reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`), '');

const childOf = (error: SchemaError): string | undefined => {
  if (error.keyword === 'required') return String(error.params.missingProperty);
  if (error.keyword === 'additionalProperties') return String(error.params.additionalProperty);
  return undefined;
};

const toFieldError = (
  location: FieldLocation,
  segments: readonly string[],
  error: SchemaError,
): FieldError => {
  const child = childOf(error);
  const all = child === undefined ? segments : [...segments, child];
  return { location, field: dotted(all) || '(body)', detail: describe(error) };
};

const unique = (errors: readonly FieldError[]): FieldError[] => {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.location}|${e.field}|${e.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Errors of a body validator; the body itself is the root. */
const bodyFieldErrors = (errors: readonly SchemaError[]): FieldError[] =>
  unique(errors.map((e) => toFieldError('body', segmentsOf(e.instancePath), e)));

/** Errors of a parameters validator, whose root is `{ path, query, header }`. */
const parameterFieldErrors = (errors: readonly SchemaError[]): FieldError[] =>
  unique(
    errors.map((e) => {
      const [location = 'query', ...rest] = segmentsOf(e.instancePath);
      return toFieldError(location as FieldLocation, rest, e);
    }),
  );

export { bodyFieldErrors, parameterFieldErrors };
