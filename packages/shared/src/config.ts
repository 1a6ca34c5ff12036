/**
 * Configuration parsed once, at start, from the environment with a zod schema.
 *
 * Each service has one `config.ts` that calls `parseConfig(schema, process.env)`; no other file
 * reads `process.env`. A missing or malformed variable fails the start with its name, so a bad
 * deployment fails at once rather than on the first request that needs the value.
 *
 * @example
 * const config = parseConfig(z.object({ TABLE_NAME: z.string().min(1) }), process.env);
 */
import type * as z from 'zod/mini';

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

export { ConfigError, parseConfig };
