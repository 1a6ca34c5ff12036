/**
 * A minimal Lambda endpoint in front of the devstack's functions: `Invoke` only
 * (`POST /2015-03-31/functions/{FunctionName}/invocations`), so the real `@aws-sdk/client-lambda`
 * works against it, as `npm run redrive` uses it to hand dead letters back to their function.
 *
 * `FunctionName` is a short name, `name:qualifier`, or a function ARN (its qualifier, such as
 * `:live`, is dropped: the devstack runs one version of each function). `X-Amz-Invocation-Type`:
 * `RequestResponse` (the default) answers 200 with the function's result, or, when it throws, 200
 * with `X-Amz-Function-Error: Unhandled` and `{ errorType, errorMessage }`, as Lambda does;
 * `Event` answers 202 and runs it after; `DryRun` answers 204. A function the devstack does not run
 * is a 404 `ResourceNotFoundException`, a body that is not JSON a 400
 * `InvalidRequestContentException`. Requests are not authenticated.
 *
 * An `X-Amzn-Trace-Id` header on the request is the trace the invocation continues, as Lambda
 * continues its caller's; without one (or with one that has no valid `Root`) it starts a new trace.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvokeOptions } from './function-host.ts';
import { readBody } from './http-body.ts';
import { type HttpServer, startHttpServer } from './http-server.ts';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
/** Lambda's limit for a synchronous request's payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The short name a `FunctionName` means: `bookings`, `bookings:live`,
 * `arn:aws:lambda:us-east-1:000000000000:function:bookings:live` all mean `bookings`.
 *
 * @example
 * shortFunctionName('arn:aws:lambda:us-east-1:000000000000:function:bookings:live'); // 'bookings'
 */
const shortFunctionName = (functionName: string): string => {
  const arn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(:.*)?$/.exec(functionName);
  if (arn) return arn[1] ?? '';
  const partial = /^\d{12}:function:([^:]+)(:.*)?$/.exec(functionName);
  if (partial) return partial[1] ?? '';
  return functionName.split(':')[0] ?? '';
};

class LambdaError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

class LambdaEndpoint {
  readonly name = 'Lambda endpoint';
  private server: HttpServer | undefined;
  url = '';

  constructor(
    private readonly options: {
      readonly invoke: (functionName: string, event: unknown, options?: InvokeOptions) => Promise<unknown>;
      readonly hasFunction: (functionName: string) => boolean;
      readonly host?: string;
      /** 0 (the default) picks a free port. */
      readonly port?: number;
      readonly onLog?: (line: string) => void;
    },
  ) {}

  async start(): Promise<string> {
    this.server = await startHttpServer({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
      handler: (request, response) => this.handle(request, response),
      busyPort: { what: 'the Lambda endpoint', variable: 'TESSERA_LAMBDA_PORT' },
    });
    this.url = this.server.url;
    return this.url;
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const answer = (status: number, body: string | undefined, headers: Record<string, string> = {}) => {
      if (response.headersSent || response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(body);
    };
    try {
      const path = new URL(request.url ?? '/', 'http://lambda').pathname;
      const match = INVOKE_PATH.exec(path);
      if (request.method !== 'POST' || !match)
        throw new LambdaError(
          'ResourceNotFoundException',
          404,
          `The devstack's Lambda endpoint answers Invoke only`,
        );
      let requested: string;
      try {
        requested = decodeURIComponent(match[1] ?? '');
      } catch {
        throw new LambdaError(
          'InvalidParameterValueException',
          400,
          'FunctionName is not valid percent-encoding',
        );
      }
      const name = shortFunctionName(requested);
      if (!this.options.hasFunction(name))
        throw new LambdaError(
          'ResourceNotFoundException',
          404,
          `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
        );
      const raw = (
        await readBody(
          request,
          MAX_PAYLOAD_BYTES,
          () =>
            new LambdaError('RequestTooLargeException', 413, 'Request must be smaller than 6291456 bytes'),
        )
      ).toString('utf8');
      let event: unknown;
      try {
        event = raw === '' ? {} : JSON.parse(raw);
      } catch {
        throw new LambdaError(
          'InvalidRequestContentException',
          400,
          'Could not parse request body into json',
        );
      }
      const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      const traceHeader = request.headers['x-amzn-trace-id'];
      const trace: InvokeOptions = typeof traceHeader === 'string' ? { traceHeader } : {};
      if (type === 'DryRun') return answer(204, undefined);
      if (type === 'Event') {
        this.options.invoke(name, event, trace).catch((error: unknown) => {
          this.options.onLog?.(`${name} (invoked with Event) threw: ${String(error)}`);
        });
        return answer(202, undefined);
      }
      if (type !== 'RequestResponse')
        throw new LambdaError('InvalidParameterValueException', 400, `Unknown InvocationType ${type}`);
      let result: unknown;
      try {
        result = await this.options.invoke(name, event, trace);
      } catch (error) {
        const failure = error as { errorType?: string; name?: string; message?: string };
        return answer(
          200,
          JSON.stringify({
            errorType: failure?.errorType ?? failure?.name ?? 'Error',
            errorMessage: String(failure?.message ?? error),
          }),
          { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
        );
      }
      answer(200, JSON.stringify(result ?? null), { 'x-amz-executed-version': '$LATEST' });
    } catch (error) {
      const failure =
        error instanceof LambdaError ? error : new LambdaError('ServiceException', 500, String(error));
      answer(
        failure.status,
        JSON.stringify({ Type: failure.status < 500 ? 'User' : 'Service', Message: failure.message }),
        {
          'x-amzn-errortype': failure.code,
        },
      );
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}

export { LambdaEndpoint, shortFunctionName };
