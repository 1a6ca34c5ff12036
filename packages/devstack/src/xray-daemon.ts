/**
 * A local X-Ray daemon: a UDP socket on the devstack's host that takes segment documents in the
 * daemon's format, one per datagram: the header line `{"format":"json","version":1}` (spaces
 * allowed), a newline, then one JSON segment or subsegment document. What the functions' kit sends
 * (to `AWS_XRAY_DAEMON_ADDRESS`, which every function gets) goes to `onDocument`, and from there into
 * the devstack's trace store; a datagram with no valid header, or a body that is not a JSON object,
 * is dropped, as the real daemon drops it. Nothing is sent on to AWS.
 *
 * Its port: `port`, exactly (a busy one is a `PortInUseError` naming `TESSERA_XRAY_PORT`); or
 * `preferredPort` when free, else one the OS hands out (`npm start` prefers 2000, the daemon's own, so
 * an X-Ray daemon or another devstack already there does not stop the start); else one the OS hands
 * out. `address` is `host:port`, the form `AWS_XRAY_DAEMON_ADDRESS` takes.
 */
import { createSocket, type Socket } from 'node:dgram';
import { PortInUseError } from './ports.ts';

interface XRayDaemonOptions {
  readonly host?: string;
  /** This port exactly; refused when busy. */
  readonly port?: number;
  /** This port when it is free, else any (when `port` is not given). */
  readonly preferredPort?: number;
  /** Receives each document the daemon takes (not yet checked as a segment: the store does that). */
  readonly onDocument: (document: Readonly<Record<string, unknown>>) => void;
}

/** A UDP datagram holds at most this much; X-Ray's own limit is 64 KB too. */
const MAX_DATAGRAM_BYTES = 64 * 1024;

/**
 * The document a datagram carries, or undefined when it is not in the daemon's format: a JSON header
 * line naming the format `json`, then a JSON object.
 *
 * @example
 * parseDaemonDatagram(Buffer.from('{"format":"json","version":1}\n{"name":"x"}')); // { name: 'x' }
 * parseDaemonDatagram(Buffer.from('{"name":"x"}')); // undefined
 */
const parseDaemonDatagram = (datagram: Buffer): Readonly<Record<string, unknown>> | undefined => {
  if (datagram.length > MAX_DATAGRAM_BYTES) return undefined;
  const text = datagram.toString('utf8');
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, newline)) as unknown;
    if (header === null || typeof header !== 'object' || (header as { format?: unknown }).format !== 'json')
      return undefined;
    const body = JSON.parse(text.slice(newline + 1)) as unknown;
    return body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

const bind = (socket: Socket, port: number, address: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    socket.once('error', failed);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', failed);
      resolve(socket.address().port);
    });
  });

class XRayDaemon {
  readonly name = 'X-Ray daemon';
  private socket: Socket | undefined;
  /** `host:port`, once started. */
  address = '';
  port = 0;

  constructor(private readonly options: XRayDaemonOptions) {}

  private open(): Socket {
    const socket = createSocket((this.options.host ?? '127.0.0.1').includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (datagram) => {
      const document = parseDaemonDatagram(datagram);
      if (!document) return;
      try {
        this.options.onDocument(document);
      } catch {
        // A document the store cannot take is dropped; the daemon keeps listening.
      }
    });
    return socket;
  }

  /** Binds the socket; resolves with `host:port`. */
  async start(): Promise<string> {
    const host = this.options.host ?? '127.0.0.1';
    const { port, preferredPort } = this.options;
    let socket = this.open();
    try {
      this.port = await bind(socket, port ?? preferredPort ?? 0, host);
    } catch (error) {
      socket.close();
      const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (busy && port) throw new PortInUseError(port, 'the X-Ray daemon', 'TESSERA_XRAY_PORT');
      if (!busy || port !== undefined || !preferredPort) throw error;
      // The preferred port is taken (an X-Ray daemon, another devstack): any other will do.
      socket = this.open();
      this.port = await bind(socket, 0, host);
    }
    // A datagram that fails after the bind (none should) must not end the devstack.
    socket.on('error', () => undefined);
    this.socket = socket;
    this.address = `${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

export type { XRayDaemonOptions };
export { parseDaemonDatagram, XRayDaemon };
