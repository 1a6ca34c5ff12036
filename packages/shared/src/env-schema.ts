/**
 * Schemas of environment variables: the few rules a function's configuration needs (text with a
 * pattern or a prefix, whole numbers in a range, URLs, one of a list; optional or with a default),
 * in about a hundred lines, because every function parses its environment at its cold start and
 * zod's core would add 28 KB to every first request (ADR 0017).
 *
 * A schema reads only its own variables, answers them typed, and names every bad one at once;
 * `config.ts` turns those problems into one `ConfigError`.
 *
 * @example
 * const schema = envSchema({ TABLE_NAME: text({ minLength: 1 }), MAX: withDefault(integer({ min: 1, max: 5 }), 2) });
 * schema.parse({ TABLE_NAME: 't' }); // { ok: true, value: { TABLE_NAME: 't', MAX: 2 } }
 */

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** The rule of one variable. `optional` is true when it may be unset (optional, or with a default). */
interface Variable<T> {
  readonly optional: boolean;
  read(raw: string | undefined): Read<T>;
}

const valid = <T>(value: T): Read<T> => ({ ok: true, value });
const invalid = (problem: string): Read<never> => ({ ok: false, problem });
const REQUIRED = 'is required';

/** Text; with `minLength`, `pattern`, `startsWith` or a `refine` check and its message. */
const text = (
  rules: {
    readonly minLength?: number;
    readonly pattern?: RegExp;
    readonly startsWith?: string;
    readonly refine?: readonly [(value: string) => boolean, string];
  } = {},
): Variable<string> => ({
  optional: false,
  read: (raw) => {
    if (raw === undefined) return invalid(REQUIRED);
    if (rules.minLength !== undefined && raw.length < rules.minLength)
      return invalid(`must be at least ${rules.minLength} characters`);
    if (rules.pattern && !rules.pattern.test(raw)) return invalid(`must match ${rules.pattern}`);
    if (rules.startsWith !== undefined && !raw.startsWith(rules.startsWith))
      return invalid(`must start with ${rules.startsWith}`);
    if (rules.refine && !rules.refine[0](raw)) return invalid(rules.refine[1]);
    return valid(raw);
  },
});

/** A whole number written in decimal, from `min` to `max`. */
const integer = (rules: { readonly min?: number; readonly max?: number } = {}): Variable<number> => ({
  optional: false,
  read: (raw) => {
    if (raw === undefined) return invalid(REQUIRED);
    if (!/^-?\d+$/.test(raw.trim())) return invalid('must be a whole number');
    const value = Number(raw);
    if (rules.min !== undefined && value < rules.min) return invalid(`must be at least ${rules.min}`);
    if (rules.max !== undefined && value > rules.max) return invalid(`must be at most ${rules.max}`);
    return valid(value);
  },
});

/** An absolute URL. */
const url = (): Variable<string> => text({ refine: [(value) => URL.canParse(value), 'must be a URL'] });

/** One of `values`. */
const oneOf = <const T extends string>(values: readonly T[]): Variable<T> => ({
  optional: false,
  read: (raw) => {
    if (raw === undefined) return invalid(REQUIRED);
    return (values as readonly string[]).includes(raw)
      ? valid(raw as T)
      : invalid(`must be one of ${values.join(', ')}`);
  },
});

/** The variable, or undefined (and no key in the result) when it is unset. */
const optional = <T>(variable: Variable<T>): Variable<T | undefined> => ({
  optional: true,
  read: (raw) => (raw === undefined ? valid(undefined) : variable.read(raw)),
});

/** The variable, or `fallback` when it is unset. */
const withDefault = <T>(variable: Variable<T>, fallback: T): Variable<T> => ({
  optional: true,
  read: (raw) => (raw === undefined ? valid(fallback) : variable.read(raw)),
});

type Shape = Readonly<Record<string, Variable<unknown>>>;

type EnvOutput<S extends Shape> = {
  readonly [K in keyof S as undefined extends VariableType<S[K]> ? never : K]: VariableType<S[K]>;
} & {
  readonly [K in keyof S as undefined extends VariableType<S[K]> ? K : never]?: VariableType<S[K]>;
};

type VariableType<V> = V extends Variable<infer T> ? T : never;

interface EnvProblem {
  readonly name: string;
  readonly problem: string;
}

interface EnvSchema<S extends Shape> {
  readonly shape: S;
  parse(
    env: Readonly<Record<string, string | undefined>>,
  ):
    | { readonly ok: true; readonly value: EnvOutput<S> }
    | { readonly ok: false; readonly problems: EnvProblem[] };
}

/** The schema of a function's environment: these variables, and no other. */
const envSchema = <S extends Shape>(shape: S): EnvSchema<S> => ({
  shape,
  parse: (env) => {
    const value: Record<string, unknown> = {};
    const problems: EnvProblem[] = [];
    for (const [name, variable] of Object.entries(shape)) {
      const read = variable.read(env[name]);
      if (!read.ok) problems.push({ name, problem: read.problem });
      else if (read.value !== undefined) value[name] = read.value;
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: value as EnvOutput<S> };
  },
});

export type { EnvOutput, EnvProblem, EnvSchema, Shape, Variable };
export { envSchema, integer, oneOf, optional, text, url, withDefault };
