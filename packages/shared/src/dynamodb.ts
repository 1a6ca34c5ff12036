/**
 * The DynamoDB document client, created once per process, and helpers to read its failures.
 *
 * `endpoint` points the real SDK client at DynamoDB Local in the devstack and in tests.
 *
 * @example
 * const documentClient = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT });
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

interface DocumentClientOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

const createDocumentClient = (options: DocumentClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ? { region: options.region } : {}),
    }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );

const nameOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;

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

export type { DocumentClientOptions };
export {
  CONDITIONAL_CHECK_FAILED,
  createDocumentClient,
  isConditionalCheckFailed,
  transactionCancellationCodes,
};
