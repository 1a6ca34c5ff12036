/**
 * The `@connections` management endpoint of the devstack's WebSocket gateway, on the gateway's own
 * port, plain HTTP, speaking what API Gateway's Management API speaks (restJson1), so an unmodified
 * `ApiGatewayManagementApiClient` with `endpoint: <the gateway's http URL>` works against it:
 *
 * - `POST /@connections/{connectionId}`: the body goes to the client as one frame (text when it is
 *   UTF-8, binary otherwise); 200 with no body. Over 128 KiB is a 413 `PayloadTooLargeException`.
 * - `GET /@connections/{connectionId}`: 200 `{connectedAt, identity: {sourceIp, userAgent}, lastActiveAt}`
 *   (the model's JSON names; the SDK answers them as `ConnectedAt`, `Identity`, ...), times in ISO 8601.
 * - `DELETE /@connections/{connectionId}`: closes the connection (its `$disconnect` runs); 204.
 *
 * The path may start with a stage segment (`/devstack/@connections/...`, `/$default/...`), as a
 * client configured with a stage URL sends it. An unknown (or closing) connection is a 410
 * `GoneException`; another method on a connection's path a 403 `ForbiddenException`, as API Gateway
 * answers a route it does not have. Errors carry `x-amzn-errortype`, which is what the SDK's
 * restJson1 reader looks at first, and a JSON body `{"message": "..."}`, so the client throws the
 * exception by name (`error.name === 'GoneException'`). Requests are not signed-checked.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-body.ts';

/** API Gateway's limit on a WebSocket frame, and so on what PostToConnection sends. */
const MAX_FRAME_BYTES = 128 * 1024;

/** An open connection, as GetConnection and `GET /_devstack/websocket/connections` tell it. */
interface ConnectionSummary {
  readonly connectionId: string;
  /** The authorizer context's `userId` (else its `principalId`), when `$connect` was authorized. */
  readonly userId: string | undefined;
  /** ms since the epoch, on the devstack clock. */
  readonly connectedAt: number;
  /** The last data frame either way (ms since the epoch, on the devstack clock). */
  readonly lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
}

/** What the endpoint needs from the gateway. */
interface ConnectionRegistry {
  /** The open connection, or undefined when there is none (or it is closing). */
  describe(connectionId: string): ConnectionSummary | undefined;
  /** Sends one frame; false when the connection is gone. */
  post(connectionId: string, data: Buffer): boolean;
  /** Closes the connection; false when it is gone. */
  delete(connectionId: string): boolean;
}

class PayloadTooLarge extends Error {}

const CONNECTION_PATH = /^(?:\/[^/]+)?\/@connections\/([^/]+)$/;
/** `/`, or a stage alone: where a client opens a WebSocket. */
const SOCKET_PATH = /^\/(?:[^/@]+\/?)?$/;

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void => {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'x-amzn-requestid': randomUUID(),
    ...(text ? { 'content-type': 'application/json' } : {}),
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
};

const failure = (response: ServerResponse, status: number, errorType: string, message: string) =>
  send(response, status, { message }, { 'x-amzn-errortype': errorType });

/**
 * Answers one plain HTTP request on the WebSocket gateway's port.
 *
 * @example
 * startHttpServer({ handler: (request, response) => handleConnectionsRequest(request, response, gateway) });
 */
const handleConnectionsRequest = async (
  request: IncomingMessage,
  response: ServerResponse,
  registry: ConnectionRegistry,
): Promise<void> => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const match = CONNECTION_PATH.exec(url.pathname);
  if (!match?.[1]) {
    if (method === 'GET' && SOCKET_PATH.test(url.pathname)) {
      return failure(
        response,
        426,
        'UpgradeRequired',
        'Open a WebSocket here: ws://<host>:<port>/?token=...',
      );
    }
    return failure(response, 404, 'NotFoundException', `No resource ${url.pathname}.`);
  }
  let connectionId: string;
  try {
    connectionId = decodeURIComponent(match[1]);
  } catch {
    return failure(response, 400, 'BadRequestException', 'The connection id is not valid percent-encoding.');
  }
  const gone = () => failure(response, 410, 'GoneException', `The connection ${connectionId} is gone.`);
  if (method === 'POST') {
    let data: Buffer;
    try {
      data = await readBody(request, MAX_FRAME_BYTES, () => new PayloadTooLarge());
    } catch (error) {
      if (!(error instanceof PayloadTooLarge)) throw error;
      // The rest of the body is never read: the connection cannot carry another request.
      return failure(
        response.setHeader('connection', 'close'),
        413,
        'PayloadTooLargeException',
        `The data is larger than ${MAX_FRAME_BYTES} bytes.`,
      );
    }
    return registry.post(connectionId, data) ? send(response, 200, undefined) : gone();
  }
  if (method === 'GET') {
    const connection = registry.describe(connectionId);
    if (!connection) return gone();
    // The wire names are the model's jsonNames; the SDK hands them back as ConnectedAt, Identity, ...
    return send(response, 200, {
      connectedAt: new Date(connection.connectedAt).toISOString(),
      identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
      lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    });
  }
  if (method === 'DELETE') return registry.delete(connectionId) ? send(response, 204, undefined) : gone();
  return failure(response, 403, 'ForbiddenException', 'Forbidden');
};

export type { ConnectionRegistry, ConnectionSummary };
export { handleConnectionsRequest, MAX_FRAME_BYTES };
