/**
 * Structured JSON logs through the Powertools logger, loaded on the first line logged.
 *
 * A request that succeeds logs nothing, so the logger is not part of any cold start; the first
 * line at or above the function's level loads it (ADR 0017), and lines below the level are dropped
 * without loading anything. Every method returns a promise that settles once the line is written:
 * callers `await` it, so no line is lost when Lambda freezes the environment after the response.
 * The level is the function's `POWERTOOLS_LOG_LEVEL`, which each function's config parses and
 * Powertools itself reads too. Request-scoped values such as the correlation id are passed with each
 * line, because the devstack runs several requests through one instance at once.
 *
 * @example
 * const logger = createLogger('users', config.POWERTOOLS_LOG_LEVEL);
 * await logger.error('request failed', { correlationId, error });
 */

import { once } from './once.ts';

type LogAttributes = Readonly<Record<string, unknown>>;

interface Logger {
  error(message: string, attributes?: LogAttributes): Promise<void>;
  warn(message: string, attributes?: LogAttributes): Promise<void>;
  info(message: string, attributes?: LogAttributes): Promise<void>;
  debug(message: string, attributes?: LogAttributes): Promise<void>;
}

/** The levels, least severe first. */
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

type LogLevel = (typeof LOG_LEVELS)[number];

const createLogger = (serviceName: string, minimum: LogLevel = 'INFO'): Logger => {
  const load = once(async () => {
    const { PowertoolsLogger } = await import('./powertools-logger.ts');
    return new PowertoolsLogger({ serviceName, logLevel: minimum });
  });
  const emit = (level: LogLevel) => {
    const method = level.toLowerCase() as keyof Logger;
    if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(minimum)) return async () => undefined;
    return async (message: string, attributes: LogAttributes = {}) => {
      (await load())[method](message, attributes as Record<string, unknown>);
    };
  };
  return { error: emit('ERROR'), warn: emit('WARN'), info: emit('INFO'), debug: emit('DEBUG') };
};

export type { LogAttributes, Logger, LogLevel };
export { createLogger, LOG_LEVELS };
