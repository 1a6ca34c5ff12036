/**
 * The devstack's WebSocket gateway, standing in for an API Gateway WebSocket API (on `ws`), with the
 * `@connections` management endpoint on the same port (`connections-endpoint.ts`):
 *
 * - **Connect.** On the upgrade request, the `$connect` authorizer (the manifests' `webSocket:
 *   "authorizer"` function) gets a REQUEST event whose identity source is the query string's
 *   `token`. No token is a 401 without a call; a thrown `Unauthorized` a 401; a Deny policy a 403;
 *   any other failure a 500. Then the `$connect` route's function gets a CONNECT event (headers,
 *   query, the authorizer's context flat with `principalId` as `requestContext.authorizer`); only a
 *   2xx `statusCode` (or none) completes the upgrade, any other status refuses it with that status
 *   (500 if it threw). A refused upgrade is a plain HTTP answer on the socket, then the socket is
 *   destroyed: nothing is stored and no upgrade completes.
 * - **Messages.** Route selection is `$request.body.action`: a text message that is a JSON object
 *   whose string `action` names a route goes to it; anything else (not JSON, no string `action`, an
 *   unknown one, a binary message) to `$default`, and with no `$default` the client is answered
 *   `{"message": "Forbidden", ...}`, as AWS does. The function gets a MESSAGE event with the
 *   connection's authorizer context (every route of a connection gets it). Routes are two-way: a
 *   result with a string `body` goes back to the client as a text frame; a function that throws is
 *   answered `{"message": "Internal server error", ...}` and logged. Messages over 128 KiB close the
 *   connection with 1009 (API Gateway's frame limit).
 * - **Order.** AWS promises no order between a connection's messages; the devstack handles each
 *   connection's messages one at a time in arrival order (a queue per connection), so a client's
 *   `resume` then `ping` are answered in that order. Connections do not wait for each other.
 * - **Disconnect.** However a connection ends (the client closes, an idle or duration timeout, a
 *   `DELETE @connections`, the devstack stopping), the `$disconnect` function gets one DISCONNECT
 *   event (`disconnectStatusCode`, `disconnectReason`), after the connection's queued messages.
 *   Idle connections (no data frame either way) close after 10 minutes, any after 2 hours (API
 *   Gateway's limits; both are options). These run on the wall clock, not the devstack clock: moving
 *   the devstack clock (`POST /_devstack/clock`) must not drop the connections of the tests moving it.
 *   Timestamps (`connectedAt`, `requestTimeEpoch`, `LastActiveAt`) are on the devstack clock.
 */

import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import {
  type Authorization,
  authorize,
  type WebSocketEventParts,
  webSocketAuthorizerEvent,
  webSocketEvent,
} from './api-gateway-events.ts';
import { type Clock, systemClock } from './clock.ts';
import {
  type ConnectionRegistry,
  type ConnectionSummary,
  handleConnectionsRequest,
  MAX_FRAME_BYTES,
} from './connections-endpoint.ts';
import { type HttpServer, startHttpServer } from './http-server.ts';

const TEN_MINUTES = 10 * 60 * 1000;
const TWO_HOURS = 2 * 60 * 60 * 1000;

interface WebSocketGatewayOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Invokes a function by name. */
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** Route (`$connect`, `$disconnect`, `$default`, `ping`, ...) -> the function that serves it. */
  readonly routes: ReadonlyMap<string, string>;
  /** The `$connect` authorizer; without one, connections are not authorized. */
  readonly authorizer?: string | undefined;
  /** The time events and connections are stamped with (the wall clock unless told). */
  readonly clock?: Clock;
  /** How long a connection may go without a data frame either way (10 minutes unless told). */
  readonly idleTimeoutMs?: number;
  /** How long any connection may last (2 hours unless told). */
  readonly maxConnectionMs?: number;
  /** How long `stop()` waits for clients to answer the close before it drops them (1 s unless told). */
  readonly closeGraceMs?: number;
  /** Notes: refused upgrades' causes, functions that failed. */
  readonly onLog?: (line: string) => void;
}

interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly domainName: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly authorizer: Readonly<Record<string, unknown>> | undefined;
  /** The connection's messages, one at a time in arrival order. */
  queue: Promise<void>;
  idleTimer: NodeJS.Timeout | undefined;
  lifeTimer: NodeJS.Timeout | undefined;
  /** Set when the gateway closes it: what `$disconnect` is told. */
  closing: { readonly code: number; readonly reason: string } | undefined;
  /** Resolves once the socket closed and `$disconnect` ran. */
  readonly ended: Promise<void>;
  end: () => void;
}

const ROUTE_RESERVED = new Set(['$connect', '$disconnect']);

/**
 * The route a message goes to: its JSON `action` when a route has that name, else `$default`
 * (`$connect` and `$disconnect` are never a message's route).
 *
 * @example
 * selectRoute(routes, '{"action":"ping"}'); // 'ping'
 * selectRoute(routes, 'hello'); // '$default'
 */
const selectRoute = (routes: ReadonlyMap<string, string>, text: string | undefined): string => {
  if (text === undefined) return '$default';
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return '$default';
  }
  const action =
    message !== null && typeof message === 'object' && !Array.isArray(message)
      ? (message as { action?: unknown }).action
      : undefined;
  return typeof action === 'string' && routes.has(action) && !ROUTE_RESERVED.has(action)
    ? action
    : '$default';
};

/** An id like API Gateway's (`Yk1x2cCoIAMCJ2Q=`). */
const newConnectionId = () =>
  randomBytes(11)
    .toString('base64')
    .replace(/[+/]/g, (c) => (c === '+' ? 'P' : 'S'));

/** Headers lower-cased, repeated values joined by commas. */
const flatHeaders = (request: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
};

const queryParameters = (url: URL): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) out[name] = url.searchParams.getAll(name).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
};

/** The status a `$connect` result answers: its `statusCode`, 200 without one. */
const connectStatus = (result: unknown): number => {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) return 200;
  const status = (result as { statusCode: unknown }).statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : 500;
};

const REFUSALS: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal server error',
};

/** Answers an upgrade request with a plain HTTP response and drops the socket. */
const refuse = (socket: Duplex, status: number): void => {
  if (socket.destroyed) return;
  const body = JSON.stringify({ message: REFUSALS[status] ?? STATUS_CODES[status] ?? 'Refused' });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
};

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

class WebSocketGateway implements ConnectionRegistry {
  readonly name = 'WebSocket gateway';
  private server: HttpServer | undefined;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly connections = new Map<string, Connection>();
  /** Upgrades under way (authorizer, `$connect`), awaited by `stop()`. */
  private readonly upgrading = new Set<Promise<void>>();
  /** `$disconnect` invocations under way. */
  private readonly ending = new Set<Promise<void>>();
  private readonly clock: Clock;
  private stopping = false;
  /** `ws://<host>:<port>`. */
  url = '';
  /** `http://<host>:<port>`: the `@connections` endpoint, for `ApiGatewayManagementApiClient`. */
  connectionsUrl = '';

  constructor(private readonly options: WebSocketGatewayOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Opens the gateway; resolves with its `ws://` URL once it listens. */
  async start(): Promise<string> {
    this.stopping = false;
    const server = await startHttpServer({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
      handler: (request, response) => handleConnectionsRequest(request, response, this),
      busyPort: { what: 'the WebSocket gateway', variable: 'TESSERA_WS_PORT' },
      onError: (error) => this.log(`@connections request failed: ${errorText(error)}`),
    });
    server.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const upgrade = this.upgrade(request, socket, head).catch((error: unknown) => {
        this.log(`upgrade failed: ${errorText(error)}`);
        refuse(socket, 500);
      });
      this.upgrading.add(upgrade);
      void upgrade.finally(() => this.upgrading.delete(upgrade));
    });
    this.server = server;
    this.connectionsUrl = server.url;
    this.url = server.url.replace(/^http:/, 'ws:');
    return this.url;
  }

  /** The open connections, oldest first. */
  list(): ConnectionSummary[] {
    return [...this.connections.values()].map((connection) => this.summary(connection));
  }

  describe(connectionId: string): ConnectionSummary | undefined {
    const connection = this.open(connectionId);
    return connection ? this.summary(connection) : undefined;
  }

  post(connectionId: string, data: Buffer): boolean {
    const connection = this.open(connectionId);
    if (!connection) return false;
    this.send(connection, data);
    return true;
  }

  delete(connectionId: string): boolean {
    const connection = this.open(connectionId);
    if (!connection) return false;
    this.close(connection, 1000, '', 'Connection deleted');
    return true;
  }

  /** Closes every connection (each one's `$disconnect` runs), then the server. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.upgrading]);
    const connections = [...this.connections.values()];
    for (const connection of connections) this.close(connection, 1001, 'Going away', 'Going away');
    const grace = this.options.closeGraceMs ?? 1000;
    const cutOff = setTimeout(() => {
      for (const connection of connections) connection.socket.terminate();
    }, grace);
    await Promise.all(connections.map((connection) => connection.ended));
    clearTimeout(cutOff);
    await Promise.allSettled([...this.ending]);
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  private summary(connection: Connection): ConnectionSummary {
    const context = connection.authorizer;
    const userId = context?.userId ?? context?.principalId;
    return {
      connectionId: connection.id,
      userId: typeof userId === 'string' ? userId : undefined,
      connectedAt: connection.connectedAt,
      lastActiveAt: connection.lastActiveAt,
      sourceIp: connection.sourceIp,
      userAgent: connection.userAgent,
    };
  }

  /** The connection, unless it is gone or closing (then AWS answers 410 too). */
  private open(connectionId: string): Connection | undefined {
    const connection = this.connections.get(connectionId);
    return connection && !connection.closing && connection.socket.readyState === WebSocket.OPEN
      ? connection
      : undefined;
  }

  private log(line: string) {
    this.options.onLog?.(line);
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that goes away during its handshake is no error of the gateway's.
    socket.on('error', () => {});
    if (this.stopping) return refuse(socket, 503);
    if (
      request.headers.upgrade?.toLowerCase() !== 'websocket' ||
      typeof request.headers['sec-websocket-key'] !== 'string'
    ) {
      return refuse(socket, 400);
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const connectedAt = this.clock.now();
    const headers = flatHeaders(request);
    const queryStringParameters = queryParameters(url);
    const connect: WebSocketEventParts = {
      routeKey: '$connect',
      eventType: 'CONNECT',
      connectionId: newConnectionId(),
      connectedAt,
      at: connectedAt,
      domainName: request.headers.host ?? new URL(this.connectionsUrl).host,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      userAgent: request.headers['user-agent'] ?? '',
      headers,
      ...(queryStringParameters ? { queryStringParameters } : {}),
    };

    let authorizer: Readonly<Record<string, unknown>> | undefined;
    const authorizerFunction = this.options.authorizer;
    if (authorizerFunction) {
      let answer: Authorization;
      try {
        answer = await authorize({
          invoke: (event) => this.options.invoke(authorizerFunction, event),
          identitySource: [url.searchParams.get('token') ?? undefined],
          event: () => webSocketAuthorizerEvent(connect),
        });
      } catch (error) {
        this.log(`the $connect authorizer ${authorizerFunction} failed: ${errorText(error)}`);
        return refuse(socket, 500);
      }
      if (!answer.authorized) return refuse(socket, answer.reason === 'refused' ? 403 : 401);
      authorizer = {
        ...answer.context,
        ...(answer.principalId !== undefined ? { principalId: answer.principalId } : {}),
      };
    }
    const parts: WebSocketEventParts = { ...connect, ...(authorizer ? { authorizer } : {}) };

    const connectFunction = this.options.routes.get('$connect');
    if (connectFunction) {
      let status: number;
      try {
        status = connectStatus(await this.options.invoke(connectFunction, webSocketEvent(parts)));
      } catch (error) {
        this.log(`$connect (${connectFunction}) failed: ${errorText(error)}`);
        return refuse(socket, 500);
      }
      if (status < 200 || status > 299) return refuse(socket, status);
    }
    if (socket.destroyed || this.stopping) {
      // `$connect` accepted a client that went away meanwhile (or the gateway is stopping): the
      // function may have stored it, so it hears of its end.
      socket.destroy();
      if (connectFunction) this.track(this.disconnect(parts, authorizer, 1006, 'Going away'));
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.opened(ws, parts, authorizer));
  }

  private opened(
    socket: WebSocket,
    parts: WebSocketEventParts,
    authorizer: Readonly<Record<string, unknown>> | undefined,
  ) {
    let end = () => {};
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const connection: Connection = {
      id: parts.connectionId,
      socket,
      connectedAt: parts.connectedAt,
      lastActiveAt: parts.connectedAt,
      domainName: parts.domainName,
      sourceIp: parts.sourceIp,
      userAgent: parts.userAgent ?? '',
      authorizer,
      queue: Promise.resolve(),
      idleTimer: undefined,
      lifeTimer: undefined,
      closing: undefined,
      ended,
      end,
    };
    this.connections.set(connection.id, connection);
    connection.lifeTimer = setTimeout(
      () => this.close(connection, 1001, 'Going away', 'Connection Duration Timeout'),
      this.options.maxConnectionMs ?? TWO_HOURS,
    ).unref();
    this.active(connection);
    socket.on('message', (data, isBinary) => {
      this.active(connection);
      connection.queue = connection.queue
        .then(() => this.message(connection, data, isBinary))
        .catch((error: unknown) => this.log(`a message on ${connection.id} failed: ${errorText(error)}`));
    });
    socket.on('error', (error) => this.log(`connection ${connection.id}: ${error.message}`));
    socket.once('close', (code, reason) => this.closed(connection, code, reason.toString('utf8')));
  }

  /** A data frame went either way: the connection is not idle. */
  private active(connection: Connection) {
    connection.lastActiveAt = this.clock.now();
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(
      () => this.close(connection, 1001, 'Going away', 'Connection Idle Timeout'),
      this.options.idleTimeoutMs ?? TEN_MINUTES,
    ).unref();
  }

  private send(connection: Connection, data: string | Buffer) {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    const binary = typeof data !== 'string' && !isUtf8(data);
    connection.socket.send(data, { binary });
    this.active(connection);
  }

  /** Closes a connection from the gateway's side; `disconnectReason` is what `$disconnect` hears. */
  private close(connection: Connection, code: number, reason: string, disconnectReason: string) {
    if (connection.closing) return;
    connection.closing = { code, reason: disconnectReason };
    connection.socket.close(code, reason);
  }

  private closed(connection: Connection, code: number, reason: string) {
    clearTimeout(connection.idleTimer);
    clearTimeout(connection.lifeTimer);
    this.connections.delete(connection.id);
    const { id: connectionId, connectedAt, domainName, sourceIp, userAgent, authorizer } = connection;
    const parts: WebSocketEventParts = {
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      connectionId,
      connectedAt,
      at: connectedAt,
      domainName,
      sourceIp,
      userAgent,
    };
    const status = connection.closing ?? { code, reason };
    // After the messages already received, so the function hears of the end last.
    const disconnected = connection.queue.then(() =>
      this.disconnect(parts, authorizer, status.code, status.reason),
    );
    this.track(disconnected);
    void disconnected.finally(connection.end);
  }

  private track(work: Promise<void>) {
    this.ending.add(work);
    void work.finally(() => this.ending.delete(work));
  }

  private async disconnect(
    parts: WebSocketEventParts,
    authorizer: Readonly<Record<string, unknown>> | undefined,
    code: number,
    reason: string,
  ): Promise<void> {
    const target = this.options.routes.get('$disconnect');
    if (!target) return;
    const event = webSocketEvent({
      ...parts,
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      at: this.clock.now(),
      ...(authorizer ? { authorizer } : {}),
      disconnectStatusCode: code,
      disconnectReason: reason,
    });
    try {
      await this.options.invoke(target, event);
    } catch (error) {
      this.log(`$disconnect (${target}) of ${parts.connectionId} failed: ${errorText(error)}`);
    }
  }

  private async message(connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    const text = isBinary ? undefined : bytes.toString('utf8');
    const routeKey = selectRoute(this.options.routes, text);
    const target = this.options.routes.get(routeKey);
    const event = webSocketEvent({
      routeKey,
      eventType: 'MESSAGE',
      connectionId: connection.id,
      connectedAt: connection.connectedAt,
      at: this.clock.now(),
      domainName: connection.domainName,
      sourceIp: connection.sourceIp,
      userAgent: connection.userAgent,
      body: text ?? bytes.toString('base64'),
      isBase64Encoded: isBinary,
      ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
    });
    const answer = (message: string) =>
      JSON.stringify({ message, connectionId: connection.id, requestId: event.requestContext.requestId });
    if (!target) {
      this.send(connection, answer('Forbidden'));
      return;
    }
    let result: unknown;
    try {
      result = await this.options.invoke(target, event);
    } catch (error) {
      this.log(`${routeKey} (${target}) of ${connection.id} failed: ${errorText(error)}`);
      this.send(connection, answer('Internal server error'));
      return;
    }
    const body =
      result !== null && typeof result === 'object' ? (result as { body?: unknown }).body : undefined;
    if (typeof body === 'string') this.send(connection, body);
  }
}

export type { ConnectionSummary } from './connections-endpoint.ts';
export type { WebSocketGatewayOptions };
export { selectRoute, WebSocketGateway };
