/**
 * The store kit: what every DynamoDB adapter of a service does the same way.
 *
 * - `transactWrite` runs a TransactWriteItems and maps a cancellation to the outcome the adapter
 *   named for the item whose condition failed (`CancellationReasons` come back in item order), so an
 *   adapter answers `'written' | 'email-taken' | 'stale'` and its use case raises the domain error:
 *   adapters return outcomes, use cases raise. A `TransactionConflict` (another transaction on the
 *   same item at the same moment; DynamoDB Local never answers it) is retried a few times with
 *   jitter, then answered 503.
 * - `conditionalWrite` sends one conditional PutItem, UpdateItem or DeleteItem and answers
 *   `'written'` or the outcome named for its condition failing, the single-item form of the same rule.
 * - `queryPage` reads one page of a Query: `limit + 1` items tell whether another page exists, so the
 *   last page says so, and a filter that thins the items out makes it read on rather than answer a
 *   short page with a cursor.
 *
 * @example
 * const outcome = await transactWrite(client, [
 *   { Put: { TableName, Item: user, ConditionExpression: 'attribute_not_exists(pk)' } },
 *   { Put: { TableName, Item: claim, ConditionExpression: 'attribute_not_exists(pk)' }, onConditionFailed: 'email-taken' },
 *   outboxPut(TableName, event),
 * ]);
 * if (outcome === 'email-taken') throw new EmailTakenError();
 */
import {
  type DeleteCommand,
  type DynamoDBDocumentClient,
  type PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  CONDITIONAL_CHECK_FAILED,
  isConditionalCheckFailed,
  transactionCancellationCodes,
} from './dynamodb.ts';
import { ServiceUnavailableError } from './errors.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One item of a transaction, and what to answer when its condition fails. */
type OutcomeItem<O extends string> = TransactItem & {
  /** The outcome when this item's condition fails; without one, that failure is thrown. */
  readonly onConditionFailed?: O;
};

/** Another transaction kept touching the same items. */
class WriteContendedError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('WRITE_CONTENDED', 'Too many changes to the same data at once; try again.', 1, { cause });
  }
}

const TRANSACTION_CONFLICT = 'TransactionConflict';
const DEFAULT_ATTEMPTS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes the items in one transaction. Answers `'written'`, or the `onConditionFailed` outcome of
 * the first item (in order) whose condition failed. A failed condition without an outcome, and any
 * other error, is thrown.
 */
const transactWrite = async <O extends string = never>(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  items: readonly OutcomeItem<O>[],
  options: { readonly attempts?: number } = {},
): Promise<'written' | O> => {
  const transactItems = items.map(({ onConditionFailed: _outcome, ...item }) => item as TransactItem);
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: transactItems }));
      return 'written';
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      if (!codes) throw error;
      const failed = codes.indexOf(CONDITIONAL_CHECK_FAILED);
      if (failed >= 0) {
        const outcome = items[failed]?.onConditionFailed;
        if (outcome !== undefined) return outcome;
        throw error;
      }
      if (!codes.includes(TRANSACTION_CONFLICT)) throw error;
      if (attempt >= attempts) throw new WriteContendedError(error);
      await sleep(10 * 2 ** attempt * Math.random());
    }
  }
};

/**
 * Sends one conditional write and answers `'written'`, or `onConditionFailed` when its condition
 * failed. Any other error is thrown.
 *
 * @example
 * const outcome = await conditionalWrite(client, new PutCommand({ ..., ConditionExpression: 'version = :v' }), 'stale');
 */
const conditionalWrite = async <O extends string>(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  command: PutCommand | UpdateCommand | DeleteCommand,
  onConditionFailed: O,
): Promise<'written' | O> => {
  try {
    // The union of commands is what send's overloads cannot take at once; each one alone it does.
    await (client.send as (c: PutCommand | UpdateCommand | DeleteCommand) => Promise<unknown>)(command);
    return 'written';
  } catch (error) {
    if (isConditionalCheckFailed(error)) return onConditionFailed;
    throw error;
  }
};

interface Page<T = Item> {
  readonly items: readonly T[];
  /** The key to start the next page after, or undefined on the last page. */
  readonly lastKey: Item | undefined;
}

/**
 * One page of `limit` items of a Query, and where the next starts. `keyAttributes` are the
 * attributes of the table's and the index's keys, which make up `lastKey`.
 */
const queryPage = async (
  client: Pick<DynamoDBDocumentClient, 'send'>,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: {
    readonly limit: number;
    readonly startKey?: Readonly<Item> | undefined;
    readonly keyAttributes: readonly string[];
  },
): Promise<Page> => {
  const items: Item[] = [];
  let startKey = page.startKey as Item | undefined;
  do {
    const result = await client.send(
      new QueryCommand({
        ...input,
        Limit: page.limit + 1 - items.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (items.length <= page.limit && startKey);
  const taken = items.slice(0, page.limit);
  const last = taken.at(-1);
  const more = items.length > page.limit;
  return {
    items: taken,
    lastKey:
      more && last ? Object.fromEntries(page.keyAttributes.map((name) => [name, last[name]])) : undefined,
  };
};

export type { OutcomeItem, Page };
export { conditionalWrite, queryPage, transactWrite, WriteContendedError };
