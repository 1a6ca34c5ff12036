/**
 * Lambda entry of the tickets function: HTTP API events for the tickets operations, and
 * EventBridge deliveries of the users events it subscribes to.
 */
import { type EventBridgeDelivery, isEventBridgeDelivery } from '@tessera/shared/events';
import { createHttpHandler, type HttpEvent, isHttpEvent } from '@tessera/shared/http';
import { createLogger } from '@tessera/shared/logger';
import { config } from '#config';
import { operations } from '#generated/contract';
import { createEventHandler } from '#handlers/events';
import { createOperationHandlers } from '#handlers/http';
import { base, dependencies } from '#wiring';

const logger = createLogger('tickets', config.POWERTOOLS_LOG_LEVEL);

const http = createHttpHandler({ operations, handlers: createOperationHandlers(base, dependencies), logger });
const onEvent = createEventHandler(base, logger);

export const handler = async (event: HttpEvent | EventBridgeDelivery) => {
  if (isHttpEvent(event)) return http(event);
  if (isEventBridgeDelivery(event)) return onEvent(event);
  await logger.error('unsupported event', { keys: Object.keys(event as object) });
  throw new Error('The tickets function does not handle this kind of event');
};
