/**
 * What an AWS service does with a signed request, for the tests of Tessera's own signed calls
 * (SSM's GetParameter, Scheduler's schedule calls): rebuilds the canonical request from what arrived
 * over the wire (method, path, query, the headers it names as signed, the body) with the SDK's own
 * signer and pure-JavaScript SHA-256, and checks that the signature matches.
 */
import type { IncomingMessage } from 'node:http';
import { Sha256Js } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/** A request as a test server received it. */
interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const signatureHolds = async (
  request: Received,
  signer: {
    readonly service: string;
    readonly region: string;
    readonly credentials: {
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
    };
  },
): Promise<boolean> => {
  const authorization = String(request.headers.authorization ?? '');
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const url = new URL(request.path, 'http://127.0.0.1');
  const verifier = new SignatureV4({ applyChecksum: false, ...signer, sha256: Sha256Js });
  const resigned = await verifier.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name] ?? '')])),
      body: request.body,
    },
    {
      signingDate,
      unsignableHeaders: new Set(Object.keys(request.headers).filter((h) => !signedHeaders.includes(h))),
    },
  );
  // A signed payload hash must be the body's.
  const payloadHash = request.headers['x-amz-content-sha256'];
  if (payloadHash !== undefined) {
    const hash = new Sha256Js();
    hash.update(new TextEncoder().encode(request.body));
    if (Buffer.from(await hash.digest()).toString('hex') !== payloadHash) return false;
  }
  return resigned.headers.authorization === authorization;
};

export type { Received };
export { signatureHolds };
