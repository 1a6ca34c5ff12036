import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getParameter, SsmError } from '../../src/aws/ssm-get-parameter.ts';
import { loadSecret } from '../../src/secrets.ts';
import { signatureHolds as checkSignature, type Received } from './sigv4-check.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE000000000',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const region = 'eu-west-1';

/** Answers the next requests with these; records every request it gets. */
let replies: Array<{ status: number; body: unknown }> = [];
const received: Received[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = replies.shift() ?? { status: 500, body: { __type: 'InternalServerError' } };
      response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  replies = [];
  received.length = 0;
  vi.unstubAllEnvs();
});

const found = (value: string) => ({
  status: 200,
  body: { Parameter: { Name: '/p', Type: 'SecureString', Value: value, Version: 3 } },
});

const signatureHolds = (request: Received) =>
  checkSignature(request, { service: 'ssm', region, credentials });

describe('getParameter', () => {
  it('sends the request the SDK sends, signed so that SSM accepts it', async () => {
    replies = [found('from-sdk'), found('from-tessera')];
    const sdk = new SSMClient({ region, endpoint, credentials, maxAttempts: 1 });
    const fromSdk = await sdk.send(new GetParameterCommand({ Name: '/tessera/dev/p', WithDecryption: true }));
    const value = await getParameter('/tessera/dev/p', { region, endpoint, credentials });

    expect(fromSdk.Parameter?.Value).toBe('from-sdk');
    expect(value).toBe('from-tessera');
    const [theirs, ours] = received;
    if (!theirs || !ours) throw new Error('two requests expected');
    expect(ours.method).toBe(theirs.method);
    expect(ours.path).toBe(theirs.path);
    expect(JSON.parse(ours.body)).toEqual(JSON.parse(theirs.body));
    for (const header of ['x-amz-target', 'content-type', 'x-amz-security-token', 'host']) {
      expect(ours.headers[header], header).toBe(theirs.headers[header]);
    }
    expect(ours.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE000000000\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
    );
    // The check agrees with the SDK's own request, then holds for ours.
    expect(await signatureHolds(theirs)).toBe(true);
    expect(await signatureHolds(ours)).toBe(true);
  });

  it('is caught by the signature check when the body is changed on the way', async () => {
    replies = [found('v')];
    await getParameter('/tessera/dev/p', { region, endpoint, credentials });
    const [request] = received;
    if (!request) throw new Error('one request expected');
    expect(await signatureHolds({ ...request, body: request.body.replace('/tessera/dev/p', '/x') })).toBe(
      false,
    );
  });

  it("answers SSM's refusal as an SsmError naming the parameter and SSM's error type, without retrying", async () => {
    replies = [{ status: 400, body: { __type: 'ParameterNotFound', message: 'not here' } }];
    const failure = getParameter('/tessera/dev/missing', { region, endpoint, credentials });
    await expect(failure).rejects.toBeInstanceOf(SsmError);
    await expect(failure).rejects.toThrow(
      'SSM GetParameter /tessera/dev/missing failed with 400 ParameterNotFound: not here',
    );
    expect(received).toHaveLength(1);
  });

  it('retries throttling and server faults, at most three attempts in all', async () => {
    replies = [
      { status: 400, body: { __type: 'com.amazonaws.ssm#ThrottlingException', message: 'slow down' } },
      { status: 503, body: { __type: 'ServiceUnavailable' } },
      found('third time'),
    ];
    expect(await getParameter('/p', { region, endpoint, credentials })).toBe('third time');
    expect(received).toHaveLength(3);

    replies = [500, 500, 500, 500].map((status) => ({ status, body: { __type: 'InternalServerError' } }));
    await expect(getParameter('/p', { region, endpoint, credentials })).rejects.toThrow(
      '500 InternalServerError',
    );
    expect(received).toHaveLength(6);
  });

  it('refuses to guess a region', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    await expect(getParameter('/p', { endpoint, credentials })).rejects.toThrow('AWS_REGION is not set');
    expect(received).toHaveLength(0);
  });

  it('says which credentials are missing, and sends nothing', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    await expect(getParameter('/p', { region, endpoint })).rejects.toThrow(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    );
    expect(received).toHaveLength(0);
  });
});

/** The environment Lambda gives a function, with the SSM endpoint pointed at the stand-in. */
const stubLambdaEnvironment = () => {
  vi.stubEnv('AWS_REGION', region);
  vi.stubEnv('AWS_ENDPOINT_URL_SSM', endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', credentials.sessionToken);
};

describe('loadSecret with an ssm: reference', () => {
  it('reads the parameter through the environment (region, endpoint, credentials) once, and keeps it', async () => {
    stubLambdaEnvironment();
    replies = [found('the-signing-keys')];
    expect(await loadSecret('ssm:/tessera/test/kept')).toBe('the-signing-keys');
    expect(await loadSecret('ssm:/tessera/test/kept')).toBe('the-signing-keys');
    expect(received).toHaveLength(1);
    expect(await signatureHolds(received[0] as Received)).toBe(true);
  });

  it('does not keep a failure: the next call asks again', async () => {
    stubLambdaEnvironment();
    replies = [{ status: 400, body: { __type: 'AccessDeniedException', message: 'no' } }, found('second')];
    await expect(loadSecret('ssm:/tessera/test/retry')).rejects.toThrow('AccessDeniedException');
    expect(await loadSecret('ssm:/tessera/test/retry')).toBe('second');
    expect(received).toHaveLength(2);
  });
});
