/**
 * Lambda entry of the outbox publisher, built as `dist/publisher.zip` and attached to the stream of
 * every service table.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createOutboxPublisher } from '../events/publisher.ts';
import { createLogger } from '../logger.ts';
import { coldStartCounter, createMetrics } from '../metrics/metrics.ts';
import { config } from './config.ts';

const settings = config();

const eventBridge = new EventBridgeClient(
  settings.EVENTBRIDGE_ENDPOINT ? { endpoint: settings.EVENTBRIDGE_ENDPOINT } : {},
);

const metrics = createMetrics({ service: 'publisher', environment: settings.ENVIRONMENT });

const publish = createOutboxPublisher({
  eventBridge,
  busName: settings.EVENT_BUS_NAME,
  logger: createLogger('outbox-publisher', settings.POWERTOOLS_LOG_LEVEL),
  metrics,
});

const countColdStart = coldStartCounter(metrics);

export const handler: typeof publish = (event) => {
  countColdStart();
  return publish(event);
};
