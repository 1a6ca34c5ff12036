/**
 * The one way the devstack serves HTTP (the gateway, the local bus, the SQS endpoint): a Node server
 * on a host and port (0 picks a free one) that answers its URL once it listens, refuses a busy port
 * with `PortInUseError`, and closes cleanly: no new connections, idle keep-alive connections closed at
 * once, requests under way given a moment to finish, then every connection closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortInUseError } from './ports.ts';

/** Answers a request; a promise it returns that rejects is a 500. */
type RequestHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

interface HttpServerOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly handler: RequestHandler;
  /** Named in the busy-port message, with the variable that moves the port. */
  readonly busyPort?: { readonly what: string; readonly variable: string };
  /** How long an idle keep-alive connection stays open (5 s unless told). */
  readonly keepAliveTimeoutMs?: number;
  /** How long `close()` lets requests under way finish before it cuts them off (2 s unless told). */
  readonly closeGraceMs?: number;
  /** Receives an error the handler threw or rejected with, after a bare 500 went out. */
  readonly onError?: (error: unknown) => void;
}

interface HttpServer {
  /** `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server and resolves once it listens.
 *
 * @example
 * const { url, close } = await startHttpServer({ handler: (_req, res) => res.end('ok') });
 * await fetch(url);
 * await close();
 */
const startHttpServer = async (options: HttpServerOptions): Promise<HttpServer> => {
  const host = options.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  const server = createServer((request, response) => {
    // A connection whose last request ends while the server closes is idle then: close it too.
    response.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    let outcome: unknown;
    try {
      outcome = options.handler(request, response);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    void Promise.resolve(outcome).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      if (!response.writableEnded) response.end();
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' && options.busyPort
          ? new PortInUseError(port, options.busyPort.what, options.busyPort.variable)
          : error,
      );
    };
    server.once('error', failed);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      const cutOff = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 2000);
      server.close(() => {
        clearTimeout(cutOff);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { url: `http://${host}:${bound}`, port: bound, server, close };
};

export type { HttpServer, HttpServerOptions, RequestHandler };
export { startHttpServer };
