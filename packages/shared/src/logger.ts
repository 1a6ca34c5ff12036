/**
 * Structured JSON logs through the Powertools logger, loaded on the first line logged.
 *
 * A request that succeeds logs nothing, so the logger is not part of any cold start; the first
 * error, warning or debug line loads it (ADR 0018). Every method returns a promise that settles once
 * the line is written: callers `await` it, so no line is lost when Lambda freezes the environment
 * after the response. Log level comes from `POWERTOOLS_LOG_LEVEL` (Powertools reads it itself).
 * Request-scoped values such as the correlation id are passed with each line, because the devstack
 * runs several requests through one instance at once.
 *
 * @example
 * const logger = createLogger('users');
 * await logger.error('request failed', { correlationId, error });
 */

type LogAttributes = Readonly<Record<string, unknown>>;

interface Logger {
  error(message: string, attributes?: LogAttributes): Promise<void>;
  warn(message: string, attributes?: LogAttributes): Promise<void>;
  info(message: string, attributes?: LogAttributes): Promise<void>;
  debug(message: string, attributes?: LogAttributes): Promise<void>;
}

type Level = keyof Logger;

const createLogger = (serviceName: string): Logger => {
  let powertools: Promise<import('./powertools-logger.ts').PowertoolsLogger> | undefined;
  const load = () => {
    powertools ??= import('./powertools-logger.ts').then(
      ({ PowertoolsLogger }) => new PowertoolsLogger({ serviceName }),
    );
    return powertools;
  };
  const emit =
    (level: Level) =>
    async (message: string, attributes: LogAttributes = {}) => {
      (await load())[level](message, attributes as Record<string, unknown>);
    };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
};

export type { LogAttributes, Logger };
export { createLogger };
