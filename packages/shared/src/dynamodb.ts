/**
 * The DynamoDB document client, created once per process, and helpers to read its failures.
 *
 * `endpoint` points the real SDK client at DynamoDB Local in the devstack and in tests. Every call
 * has a connect timeout and a request timeout and is tried `maxAttempts` times in all (the SDK's
 * standard retries with backoff), so a DynamoDB that is down or frozen costs a request a few seconds,
 * never the function's whole timeout. What still fails because DynamoDB could not be reached (a
 * refused or reset connection, a timeout, throttling after the retries, a 5xx) comes out of the
 * client as a `DependencyUnavailableError`: the HTTP adapter answers it 503 with `Retry-After`, and an
 * event consumer lets the delivery be retried. Anything DynamoDB answered on purpose (a failed
 * condition, a validation error) passes through untouched.
 *
 * @example
 * const documentClient = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT, requestTimeoutMs: 2000 });
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from './errors.ts';

interface DocumentClientOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  /** How long a connection may take to open (1 s unless given). */
  readonly connectTimeoutMs?: number | undefined;
  /** How long one attempt may wait for its answer (2 s unless given). */
  readonly requestTimeoutMs?: number | undefined;
  /** Attempts in all, the first included (2 unless given). */
  readonly maxAttempts?: number | undefined;
  /** Fixed credentials, for tests against DynamoDB Local; functions use their environment's. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** DynamoDB could not be reached, or asked us to slow down; the same request may work shortly. */
class DependencyUnavailableError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('DEPENDENCY_UNAVAILABLE', 'A dependency did not answer in time; try again shortly.', 2, { cause });
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const OVERLOADED = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
]);

const nameOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;

/**
 * True when a DynamoDB call failed because DynamoDB did not answer (in time) or refused the load,
 * as opposed to answering the request itself.
 */
const isUnreachable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { code, $metadata } = error as { code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = nameOf(error) ?? '';
  if (name === 'TimeoutError' || (typeof code === 'string' && NETWORK_CODES.has(code))) return true;
  if (OVERLOADED.has(name)) return true;
  return typeof $metadata?.httpStatusCode === 'number' && $metadata.httpStatusCode >= 500;
};

const createDocumentClient = (options: DocumentClientOptions = {}): DynamoDBDocumentClient => {
  const client = new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 2000,
      // Without this the handler only warns when an answer is late, and waits on.
      throwOnRequestTimeout: true,
    },
  });
  // Outermost, so it sees what is left once the SDK's retries are spent.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw isUnreachable(error) ? new DependencyUnavailableError(error) : error;
      }
    },
    { step: 'initialize', name: 'tesseraDependencyUnavailable', priority: 'high' },
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
};

/** What a function with a table reads (`tableSettings` of `config.ts`), as the client takes it. */
interface TableClientSettings {
  readonly DYNAMODB_ENDPOINT?: string | undefined;
  readonly DYNAMODB_CONNECT_TIMEOUT_MS: number;
  readonly DYNAMODB_REQUEST_TIMEOUT_MS: number;
  readonly DYNAMODB_MAX_ATTEMPTS: number;
}

/**
 * The document client of a function, from its parsed table settings.
 *
 * @example
 * const client = documentClientFor(config());
 */
const documentClientFor = (settings: TableClientSettings): DynamoDBDocumentClient =>
  createDocumentClient({
    endpoint: settings.DYNAMODB_ENDPOINT,
    connectTimeoutMs: settings.DYNAMODB_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: settings.DYNAMODB_REQUEST_TIMEOUT_MS,
    maxAttempts: settings.DYNAMODB_MAX_ATTEMPTS,
  });

/** True when a single-item conditional write was refused. */
const isConditionalCheckFailed = (error: unknown): boolean =>
  nameOf(error) === 'ConditionalCheckFailedException';

/** The cancellation reason code of a transaction item whose condition failed. */
const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailed';

/**
 * The cancellation reason codes of a refused TransactWriteItems, one per item in order
 * (`ConditionalCheckFailed`, `None`, ...), or null when the error is something else.
 */
const transactionCancellationCodes = (error: unknown): ReadonlyArray<string | undefined> | null => {
  if (nameOf(error) !== 'TransactionCanceledException') return null;
  const reasons = (error as { CancellationReasons?: ReadonlyArray<{ Code?: string }> }).CancellationReasons;
  return (reasons ?? []).map((reason) => reason.Code);
};

export type { DocumentClientOptions, TableClientSettings };
export {
  CONDITIONAL_CHECK_FAILED,
  createDocumentClient,
  DependencyUnavailableError,
  documentClientFor,
  isConditionalCheckFailed,
  isUnreachable,
  transactionCancellationCodes,
};
