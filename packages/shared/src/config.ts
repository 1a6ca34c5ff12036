/**
 * Configuration parsed once, from the environment, with an environment schema (`env-schema.ts`).
 *
 * Each service has one `config.ts` that declares a schema per function and parses it with
 * `lazyConfig(schema, process.env)` (or `parseConfig`); no other file reads `process.env`. A missing
 * or malformed variable fails the function's first invocation with its name, so a bad deployment
 * fails at once rather than on the first request that needs the value. The fragments here are what
 * every function or every function with a table reads, so a service's `config.ts` lists only what
 * is its own; the variable names match what the manifests and the devstack set.
 *
 * @example
 * const schema = () => envSchema({ ...serviceSettings(), CURSOR_SECRET: secretReference() });
 * const config = lazyConfig(schema, process.env);
 * config().TABLE_NAME;
 */
import {
  type EnvOutput,
  type EnvSchema,
  integer,
  oneOf,
  optional,
  type Shape,
  text,
  url,
  withDefault,
} from './env-schema.ts';
import { LOG_LEVELS } from './logger.ts';
import { memo } from './once.ts';
import { isSecretReference } from './secrets.ts';

class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const parseConfig = <S extends Shape>(
  schema: EnvSchema<S>,
  env: Readonly<Record<string, string | undefined>>,
): EnvOutput<S> => {
  const result = schema.parse(env);
  if (result.ok) return result.value;
  const problems = result.problems.map(({ name, problem }) =>
    env[name] === undefined || env[name] === ''
      ? `Environment variable ${name} is required`
      : `Environment variable ${name} is invalid: ${problem}`,
  );
  throw new ConfigError(problems.join('; '));
};

/**
 * A config parsed on first use and kept. The schema is built then too: importing the module builds
 * and reads nothing, so a function builds only its own schema (the authorizer not the service's
 * beside it in the bundle), and tests and tools can import a service's schemas without its
 * environment.
 */
const lazyConfig = <S extends Shape>(
  schema: () => EnvSchema<S>,
  env: Readonly<Record<string, string | undefined>>,
): (() => EnvOutput<S>) => memo(() => parseConfig(schema(), env));

// The fragments are functions: a schema is built when a function first reads its config, from the
// fragments it uses, and a bundle keeps only the fragments its functions use.

const milliseconds = (fallback: number) => withDefault(integer({ min: 1, max: 60_000 }), fallback);

/**
 * What every function reads: its log level, which Powertools reads too, and the environment it runs
 * in (`dev`, `staging`, `prod` as Terraform sets it; `local` on the devstack), its metrics'
 * `environment` dimension.
 */
const logSettings = () => ({
  POWERTOOLS_LOG_LEVEL: withDefault(oneOf(LOG_LEVELS), 'INFO'),
  ENVIRONMENT: withDefault(text({ pattern: /^[a-z][a-z0-9-]{0,31}$/ }), 'local'),
});

/**
 * What a function with a table reads. The client gives up on a silent DynamoDB after the connect or
 * request timeout, tries `DYNAMODB_MAX_ATTEMPTS` times in all, and the request then answers 503 with
 * `Retry-After` (see `dynamodb.ts`): a few seconds at most, well inside the function's timeout.
 */
const tableSettings = () => ({
  TABLE_NAME: text({ minLength: 1 }),
  /** The devstack's DynamoDB Local; unset in AWS, where the SDK finds the regional endpoint. */
  DYNAMODB_ENDPOINT: optional(url()),
  DYNAMODB_CONNECT_TIMEOUT_MS: milliseconds(1000),
  DYNAMODB_REQUEST_TIMEOUT_MS: milliseconds(2000),
  DYNAMODB_MAX_ATTEMPTS: withDefault(integer({ min: 1, max: 5 }), 2),
});

/** A service function with a table: `logSettings` and `tableSettings`. */
const serviceSettings = () => ({ ...logSettings(), ...tableSettings() });

/** A secret named by reference: `ssm:/<parameter>` in AWS, `file:/<path>` on the devstack. */
const secretReference = () =>
  text({ refine: [isSecretReference, 'must be ssm:/<parameter> or file:/<path>'] });

/** A service function that pages its lists: `serviceSettings` and the secret that signs its cursors (what `tableServiceWiring` takes). */
const pagedServiceSettings = () => ({
  ...serviceSettings(),
  /** Signs list cursors. */
  CURSOR_SECRET: secretReference(),
});

export type { EnvOutput, EnvSchema } from './env-schema.ts';
export { envSchema, integer, oneOf, optional, text, url, withDefault } from './env-schema.ts';
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
