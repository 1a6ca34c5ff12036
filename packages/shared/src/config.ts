/**
 * Configuration parsed once, from the environment, with a zod schema.
 *
 * Each service has one `config.ts` that declares a schema per function and parses it with
 * `lazyConfig(schema, process.env)` (or `parseConfig`); no other file reads `process.env`. A missing
 * or malformed variable fails the function's first invocation with its name, so a bad deployment
 * fails at once rather than on the first request that needs the value. The fragments here are what
 * every function or every function with a table reads, so a service's `config.ts` lists only what
 * is its own; the variable names match what the manifests and the devstack set.
 *
 * @example
 * const schema = () => z.object({ ...serviceSettings(), CURSOR_SECRET: secretReference() });
 * const config = lazyConfig(schema, process.env);
 * config().TABLE_NAME;
 */
import * as z from 'zod/mini';
import { LOG_LEVELS } from './logger.ts';
import { memo } from './once.ts';
import { isSecretReference } from './secrets.ts';

class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const parseConfig = <S extends z.ZodMiniType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> => {
  // Parsed once per process: zod's compiled fast path (a \`new Function\` per object schema) would
  // cost more to build, at cold start, than it could save.
  const result = schema.safeParse(env, { jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return env[name] === undefined || env[name] === ''
      ? `Environment variable ${name} is required`
      : `Environment variable ${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(problems.join('; '));
};

/**
 * A config parsed on first use and kept. The schema is built then too: importing the module builds
 * and reads nothing, so a function builds only its own schema (the authorizer not the service's
 * beside it in the bundle), and tests and tools can import a service's schemas without its
 * environment.
 */
const lazyConfig = <S extends z.ZodMiniType>(
  schema: () => S,
  env: Readonly<Record<string, string | undefined>>,
): (() => z.output<S>) => memo(() => parseConfig(schema(), env));

// The fragments are functions: a schema is built when a function first reads its config, from the
// fragments it uses, and a bundle keeps only the fragments its functions use.

const milliseconds = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive(), z.maximum(60_000)), fallback);

/**
 * What every function reads: its log level, which Powertools reads too, and the environment it runs
 * in (`dev`, `staging`, `prod` as Terraform sets it; `local` on the devstack), its metrics'
 * `environment` dimension.
 */
const logSettings = () => ({
  POWERTOOLS_LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'INFO'),
  ENVIRONMENT: z._default(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/)), 'local'),
});

/**
 * What a function with a table reads. The client gives up on a silent DynamoDB after the connect or
 * request timeout, tries `DYNAMODB_MAX_ATTEMPTS` times in all, and the request then answers 503 with
 * `Retry-After` (see `dynamodb.ts`): a few seconds at most, well inside the function's timeout.
 */
const tableSettings = () => ({
  TABLE_NAME: z.string().check(z.minLength(1)),
  /** The devstack's DynamoDB Local; unset in AWS, where the SDK finds the regional endpoint. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  DYNAMODB_CONNECT_TIMEOUT_MS: milliseconds(1000),
  DYNAMODB_REQUEST_TIMEOUT_MS: milliseconds(2000),
  DYNAMODB_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(5)), 2),
});

/** A service function with a table: `logSettings` and `tableSettings`. */
const serviceSettings = () => ({ ...logSettings(), ...tableSettings() });

/** A secret named by reference: `ssm:/<parameter>` in AWS, `file:/<path>` on the devstack. */
const secretReference = () =>
  z.string().check(z.refine(isSecretReference, 'must be ssm:/<parameter> or file:/<path>'));

/** A service function that pages its lists: `serviceSettings` and the secret that signs its cursors (what `tableServiceWiring` takes). */
const pagedServiceSettings = () => ({
  ...serviceSettings(),
  /** Signs list cursors. */
  CURSOR_SECRET: secretReference(),
});

export {
  ConfigError,
  lazyConfig,
  logSettings,
  pagedServiceSettings,
  parseConfig,
  secretReference,
  serviceSettings,
  tableSettings,
};
