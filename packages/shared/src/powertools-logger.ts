/**
 * The Powertools logger, by name only, so the bundle keeps nothing else of its package; `logger.ts`
 * loads this module on the first line logged.
 */
export { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
