/**
 * Signature Version 4 over node:crypto, for the few AWS calls a Tessera function makes without an
 * SDK client (ADR 0017): SSM's GetParameter (AWS JSON 1.1) and EventBridge Scheduler's schedule
 * calls (REST JSON). The SDK's signer would pull the SDK's core into a bundle, or into a cold start,
 * that has no other use for it. Credentials are the ones Lambda puts in the environment.
 *
 * @example
 * const headers = signRequest({ method: 'GET', url, headers: {}, body: '', region, service: 'scheduler', credentials, date: new Date() });
 */
import { createHash, createHmac } from 'node:crypto';

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** `20261121T074413Z`: the signing time as SigV4 writes it. */
const amzDateOf = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters. */
const encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The query string sorted by name, then value, each part encoded. */
const canonicalQuery = (url: URL): string =>
  [...url.searchParams]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

/**
 * The headers of a SigV4-signed request: every header given is signed, plus `host`, `x-amz-date`
 * and, with temporary credentials, `x-amz-security-token`. The path is used as the URL has it
 * (already percent-encoded; the names Tessera signs are plain).
 */
const signRequest = (input: {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: Credentials;
  readonly date: Date;
}): Record<string, string> => {
  const amzDate = amzDateOf(input.date);
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value.trim()]),
    ),
    host: input.url.host,
    'x-amz-date': amzDate,
    ...(input.credentials.sessionToken ? { 'x-amz-security-token': input.credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    input.url.pathname || '/',
    canonicalQuery(input.url),
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = [day, input.region, input.service, 'aws4_request'].reduce<string | Buffer>(
    (k, part) => hmac(k, part),
    `AWS4${input.credentials.secretAccessKey}`,
  );
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
};

/** The credentials Lambda hands a function in its environment; `what` names the call for the error. */
const environmentCredentials = (what: string): Credentials => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(`${what} needs credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set`);
  }
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
};

export type { Credentials };
export { environmentCredentials, signRequest };
