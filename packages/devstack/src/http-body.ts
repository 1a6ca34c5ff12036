/**
 * Reads a request body whole, for the devstack's HTTP servers (the gateway, the local bus, the SQS
 * endpoint).
 */
import type { IncomingMessage } from 'node:http';

/**
 * The body as bytes; rejects with `tooLarge()` as soon as it passes `maxBytes`.
 *
 * @example
 * const body = (await readBody(request)).toString('utf8');
 */
const readBody = (
  request: IncomingMessage,
  maxBytes = Number.POSITIVE_INFINITY,
  tooLarge: () => Error = () => new Error(`The body is larger than ${maxBytes} bytes`),
): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

export { readBody };
