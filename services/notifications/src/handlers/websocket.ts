/**
 * The WebSocket API's routes this function serves (`service.json`): `$connect` stores the
 * connection the authorizer let through, with the principal it established; `$disconnect` forgets
 * it; `ping`, `resume`, `subscribe` and `unsubscribe` answer on the socket (two-way routes: the
 * returned `body` goes to the client); `$default` takes every message no route matched. A bad
 * message is answered `{ type: "error", requestId, status, body }` with a problem+json body, and
 * the connection stays open. See `docs/websocket.md`.
 */
import type { AuthorizerContext } from '@tessera/shared/auth';
import { type FieldError, NotFoundError, TesseraError, ValidationError } from '@tessera/shared/errors';
import { problemResponse } from '@tessera/shared/http';
import type { Logger } from '@tessera/shared/logger';
import { messageError, readMessage } from '@tessera/shared/websocket-message';
import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { NOTIFICATION_ID } from '#domain/notification';
import { connect, disconnect, follow, MAX_ROOMS, resume, unfollow } from '#domain/notifications';
import type { Dependencies } from '#domain/ports';

type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  readonly requestContext: { readonly authorizer?: AuthorizerContext & { readonly principalId?: string } };
};

interface RouteResult {
  readonly statusCode: number;
  readonly body?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST_ID = 128;

const reply = (message: Readonly<Record<string, unknown>>): RouteResult => ({
  statusCode: 200,
  body: JSON.stringify(message),
});

const invalid = (errors: readonly FieldError[], message = 'The message does not match its action.') =>
  new ValidationError('INVALID_MESSAGE', message, errors);

const field = messageError;

/** Checks a message's fields: only `allowed` ones, each as its rule says. */
const check = (
  message: Record<string, unknown>,
  rules: Readonly<Record<string, (value: unknown) => string | null>>,
) => {
  const errors: FieldError[] = [];
  for (const name of Object.keys(message)) {
    if (name === 'action' || name === 'requestId') continue;
    if (!(name in rules)) errors.push(field(name, 'is not a field of this action'));
  }
  for (const [name, rule] of Object.entries(rules)) {
    const problem = rule(message[name]);
    if (problem) errors.push(field(name, problem));
  }
  if (errors.length > 0) throw invalid(errors);
};

const roomId = (value: unknown) =>
  typeof value === 'string' && UUID.test(value) ? null : 'is required, a UUID';
const notificationId = (value: unknown) =>
  value === undefined || (typeof value === 'string' && NOTIFICATION_ID.test(value))
    ? null
    : 'must be a notification id (26 characters)';

const requestIdOf = (message: Record<string, unknown> | undefined): string | null => {
  const value = message?.requestId;
  return typeof value === 'string' && value.length > 0 && value.length <= REQUEST_ID ? value : null;
};

const createWebSocketHandler = (deps: Dependencies, logger: Logger) => {
  const routes: Readonly<
    Record<string, (event: WebSocketEvent, message: Record<string, unknown>) => Promise<RouteResult>>
  > = {
    async ping(_event, message) {
      check(message, {});
      return reply({ type: 'pong' });
    },

    async resume(event, message) {
      check(message, { after: notificationId });
      const userId = event.requestContext.authorizer?.userId as string;
      const after = message.after as string | undefined;
      const done = await resume(deps, { connectionId: event.requestContext.connectionId, userId }, after);
      return reply({ type: 'resumed', requestId: requestIdOf(message), ...done });
    },

    async subscribe(event, message) {
      check(message, { roomId });
      const room = message.roomId as string;
      const { connectionId, connectedAt } = event.requestContext;
      const outcome = await follow(deps, { connectionId, connectedAt }, room);
      if (outcome === 'gone') throw new NotFoundError('CONNECTION_NOT_FOUND', 'This connection is closing.');
      if (outcome === 'full') {
        throw invalid([field('roomId', `is one room too many: a connection follows at most ${MAX_ROOMS}`)]);
      }
      return reply({ type: 'subscribed', requestId: requestIdOf(message), roomId: room });
    },

    async unsubscribe(event, message) {
      check(message, { roomId });
      const room = message.roomId as string;
      await unfollow(deps, event.requestContext.connectionId, room);
      return reply({ type: 'unsubscribed', requestId: requestIdOf(message), roomId: room });
    },

    async $default(_event, message) {
      const action = message.action;
      throw new ValidationError(
        'UNKNOWN_ACTION',
        typeof action === 'string' ? `No action is named ${action}.` : 'A message needs an "action".',
        [field('action', typeof action === 'string' ? 'names no action' : 'is required')],
      );
    },
  };

  return async (event: WebSocketEvent): Promise<RouteResult> => {
    const { routeKey, connectionId } = event.requestContext;
    if (routeKey === '$connect') {
      const { userId, role } = event.requestContext.authorizer ?? {};
      // Only the authorizer lets a connect through; without its principal nothing is stored.
      if (typeof userId !== 'string' || typeof role !== 'string') return { statusCode: 401 };
      await connect(deps, { connectionId, userId, role, connectedAt: event.requestContext.connectedAt });
      return { statusCode: 200 };
    }
    if (routeKey === '$disconnect') {
      await disconnect(deps, connectionId);
      return { statusCode: 200 };
    }
    let message: Record<string, unknown> | undefined;
    try {
      message = readMessage(event);
      const route = routes[routeKey] ?? routes.$default;
      return await (route as NonNullable<typeof route>)(event, message);
    } catch (error) {
      const { status, headers, problem } = problemResponse(error, {
        instance: `websocket:${routeKey}`,
        requestId: event.requestContext.requestId,
      });
      if (!(error instanceof TesseraError)) {
        await logger.error('WebSocket message failed', { routeKey, connectionId, error: error as Error });
      }
      const retryAfter = headers['retry-after'];
      return reply({
        type: 'error',
        requestId: requestIdOf(message),
        status,
        body: problem,
        // A socket has no headers: a 503's Retry-After travels in the message.
        ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
      });
    }
  };
};

export type { WebSocketEvent };
export { createWebSocketHandler };
