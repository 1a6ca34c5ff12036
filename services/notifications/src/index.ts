/**
 * Lambda entry of the notifications function: HTTP API events for the inbox operation, the
 * WebSocket API's routes (`$connect`, `$disconnect`, `ping`, `resume`, `subscribe`, `unsubscribe`,
 * `$default`), and the events its rules deliver. The WebSocket routes and the consumer load on their
 * first event, so the inbox's cold start carries neither (ADR 0017).
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { createHttpHandler } from '@tessera/shared/http';
import { lazyConsumer } from '@tessera/shared/lazy-consumer';
import { once } from '@tessera/shared/once';
import { operations } from '#generated/contract';
import { createOperationHandlers } from '#handlers/http';
import { dependencies, logger, metrics } from '#wiring';

const http = createHttpHandler({
  operations,
  handlers: createOperationHandlers(dependencies),
  logger,
  metrics,
});

const webSocket = once(async () =>
  (await import('#handlers/websocket')).createWebSocketHandler(dependencies, logger),
);

const events = lazyConsumer(async () =>
  (await import('#handlers/events')).createNotificationsConsumer({ dependencies, logger }),
);

export const handler = createLambdaEntry(
  'notifications',
  {
    http,
    webSocket: async (event) => (await webSocket())(event),
    ...events,
  },
  { metrics },
);
