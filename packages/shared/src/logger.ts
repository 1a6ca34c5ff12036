/**
 * Structured JSON logs through the Powertools logger, created once per process.
 *
 * Log level comes from `POWERTOOLS_LOG_LEVEL` (Powertools reads it itself); the service name is
 * given by the service. Request-scoped values such as the correlation id are passed with each
 * line rather than appended to the shared instance, because the devstack runs several requests
 * through one instance at once.
 *
 * @example
 * const logger = createLogger('users');
 * logger.info('user registered', { correlationId, userId });
 */
import { Logger } from '@aws-lambda-powertools/logger';

const createLogger = (serviceName: string): Logger => new Logger({ serviceName });

export type { Logger };
export { createLogger };
