/**
 * Reads one SSM Parameter Store parameter (decrypted): the only SSM call a Tessera function makes.
 *
 * It is one JSON request (`AmazonSSM.GetParameter`, AWS JSON 1.1) signed with Signature Version 4
 * over node:crypto (`sigv4.ts`), about 2 KiB. The full `@aws-sdk/client-ssm` would add about 78 KiB to every
 * bundle that reads a secret (most of it the error classes of SSM's whole API), and even the SDK's
 * signer would pull the SDK's core into the authorizer, which has no other AWS client; each would
 * load on the cold start that reads the secret (ADR 0017). The endpoint is the regional one, or
 * `AWS_ENDPOINT_URL_SSM` when set, the SDK's own variable for it; the credentials are the ones
 * Lambda puts in the environment.
 *
 * @example
 * const value = await getParameter('/tessera/prod/users/jwt-private-keys');
 */
import { type Credentials, environmentCredentials, signRequest } from './sigv4.ts';

interface GetParameterOptions {
  /** Defaults to `AWS_REGION`, which Lambda sets. */
  readonly region?: string;
  /** Defaults to `AWS_ENDPOINT_URL_SSM`, then `https://ssm.<region>.amazonaws.com/`. */
  readonly endpoint?: string;
  /** Defaults to the environment's credentials, as Lambda hands them over. */
  readonly credentials?: Credentials;
  /** Defaults to the signing time; fixed in tests. */
  readonly signingDate?: Date;
}

/** SSM refused or failed the call; `code` is SSM's error type, e.g. `ParameterNotFound`. */
class SsmError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(name: string, status: number, code: string, detail: string) {
    super(`SSM GetParameter ${name} failed with ${status} ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'SsmError';
    this.code = code;
    this.status = status;
  }
}

const ATTEMPTS = 3;
const TIMEOUT_MS = 5_000;

/** Server faults and throttling are retried (twice, 100 then 200 ms apart); anything else is not. */
const isRetryable = (error: unknown): boolean =>
  !(error instanceof SsmError) || error.status >= 500 || /Throttl/.test(error.code);

const typeOf = (body: string): { code: string; detail: string } => {
  try {
    const parsed = JSON.parse(body) as { __type?: unknown; message?: unknown; Message?: unknown };
    const type = typeof parsed.__type === 'string' ? parsed.__type : '';
    const message = parsed.message ?? parsed.Message;
    return {
      code: type.slice(type.lastIndexOf('#') + 1) || 'UnknownError',
      detail: typeof message === 'string' ? message : '',
    };
  } catch {
    return { code: 'UnknownError', detail: '' };
  }
};

const callOnce = async (name: string, options: GetParameterOptions): Promise<string> => {
  const region = options.region ?? process.env.AWS_REGION;
  if (!region) throw new Error('SSM GetParameter needs a region: AWS_REGION is not set');
  const url = new URL(
    options.endpoint ?? process.env.AWS_ENDPOINT_URL_SSM ?? `https://ssm.${region}.amazonaws.com/`,
  );
  const body = JSON.stringify({ Name: name, WithDecryption: true });
  const { host: _host, ...headers } = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
    body,
    region,
    service: 'ssm',
    credentials: options.credentials ?? environmentCredentials('SSM GetParameter'),
    date: options.signingDate ?? new Date(),
  });
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) {
    const { code, detail } = typeOf(text);
    throw new SsmError(name, response.status, code, detail);
  }
  const value = (JSON.parse(text) as { Parameter?: { Value?: unknown } }).Parameter?.Value;
  if (typeof value !== 'string') throw new Error(`SSM parameter ${name} has no value`);
  return value;
};

/** The parameter's decrypted value. */
const getParameter = async (name: string, options: GetParameterOptions = {}): Promise<string> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(name, options);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
    }
  }
};

export type { GetParameterOptions };
export { getParameter, SsmError };
