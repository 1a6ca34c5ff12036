/**
 * A WebSocket client for the end-to-end suite, on the real `ws` client, against the devstack's
 * WebSocket gateway (the WebSocket API in AWS): `openSocket` resolves once the upgrade completes,
 * `refusedUpgrade` answers the HTTP status of a refused one. A socket keeps every JSON message it
 * gets, in order, so a test waits for the message it expects (`next`) and then checks everything
 * that arrived (`messages`), including that something did not.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { WebSocket } from 'ws';

/** A message the server sent: a notification, an answer, or an error. */
interface ServerMessage {
  readonly type: string;
  readonly id?: string;
  readonly requestId?: string | null;
  readonly status?: number;
  readonly data?: Record<string, unknown> & {
    readonly booking?: { readonly id: string; readonly status: string; readonly userId: string };
  };
  readonly body?: unknown;
  readonly correlationId?: string;
  readonly occurredAt?: string;
  readonly [field: string]: unknown;
}

interface TestSocket {
  /** Every message received so far, in order. */
  readonly messages: readonly ServerMessage[];
  send(message: unknown): void;
  /** Resolves with the first message (received already or to come) that `predicate` accepts. */
  next(predicate: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  /** Sends a message and resolves with the answer that echoes its `requestId`. */
  request(message: Record<string, unknown>, timeoutMs?: number): Promise<ServerMessage>;
  /** The notifications (messages with an `id`) received so far. */
  notifications(): readonly ServerMessage[];
  /** Resolves once closed, with the close's code. */
  readonly closed: Promise<number>;
  close(): Promise<number>;
}

const webSocketUrl = (): string => {
  const devstack = inject('devstack');
  if (!devstack) throw new Error('the WebSocket tests run against the devstack');
  return devstack.webSocketUrl;
};

const urlWith = (token: string | undefined, base = webSocketUrl()) =>
  token === undefined ? `${base}/` : `${base}/?token=${encodeURIComponent(token)}`;

/**
 * Connects with an access token in the query string, as a browser would, to the shared devstack
 * unless given another's WebSocket URL.
 *
 * @example
 * const socket = await openSocket(account.tokens.accessToken);
 * await socket.request({ action: 'getBooking', bookingId });
 */
const openSocket = (token: string, base?: string): Promise<TestSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(urlWith(token, base));
    const messages: ServerMessage[] = [];
    const waiting = new Set<() => void>();
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as ServerMessage);
      for (const wake of [...waiting]) wake();
    });
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    const next = (predicate: (message: ServerMessage) => boolean, timeoutMs = 10_000) =>
      new Promise<ServerMessage>((done, fail) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return;
          waiting.delete(check);
          clearTimeout(timer);
          done(found);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          fail(
            new Error(
              `no such message within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.type))}`,
            ),
          );
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`the upgrade was refused with ${response.statusCode}`));
      socket.terminate();
    });
    socket.once('error', reject);
    socket.once('open', () => {
      const send = (message: unknown) =>
        socket.send(typeof message === 'string' ? message : JSON.stringify(message));
      resolve({
        messages,
        send,
        next,
        request: (message, timeoutMs) => {
          const requestId = (message.requestId as string | undefined) ?? randomUUID();
          send({ ...message, requestId });
          return next((m) => m.requestId === requestId, timeoutMs);
        },
        notifications: () => messages.filter((m) => typeof m.id === 'string'),
        closed,
        close: () => {
          socket.close();
          return closed;
        },
      });
    });
  });

/**
 * The HTTP status a refused upgrade was answered with; fails when the upgrade completed.
 *
 * @example
 * expect(await refusedUpgrade(undefined)).toBe(401);
 */
const refusedUpgrade = (token: string | undefined, path = ''): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = token === undefined ? `${webSocketUrl()}/${path}` : urlWith(token);
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade completed'));
    });
    socket.once('error', (error) => reject(error));
  });

/** The booking events a socket got about one booking, in order of arrival. */
const bookingTypes = (socket: TestSocket, bookingId: string): string[] =>
  socket
    .notifications()
    .filter(
      (m) =>
        m.data?.booking?.id === bookingId ||
        (m.data?.payment as { bookingId?: string } | undefined)?.bookingId === bookingId,
    )
    .map((m) => m.type);

export type { ServerMessage, TestSocket };
export { bookingTypes, openSocket, refusedUpgrade, webSocketUrl };
