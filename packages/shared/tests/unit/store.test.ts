/**
 * transactWrite's handling of `TransactionConflict`, which DynamoDB Local never answers: a client
 * stand-in at the SDK boundary answers it the way DynamoDB does (a TransactionCanceledException with
 * one reason per item).
 */
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/errors.ts';
import { transactWrite, WriteContendedError } from '../../src/store.ts';

const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** Answers each send with the next of `answers`: an error is thrown, anything else returned. */
const clientAnswering = (...answers: unknown[]) => {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (command: unknown) => {
      sent.push(command);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer ?? {};
    },
  };
};

const item = { Put: { TableName: 't', Item: { pk: 'a', sk: 'b' } } };

describe('Function: transactWrite', () => {
  it('retries a transaction that lost to a concurrent one, and answers written once it lands', async () => {
    // Prepare
    const client = clientAnswering(cancelled('None', 'TransactionConflict'), {});

    // Act
    const outcome = await transactWrite(client as never, [item, item]);

    // Assess
    expect(outcome).toBe('written');
    expect(client.sent).toHaveLength(2);
  });

  it('answers 503 (WriteContendedError) when the conflicts outlast its attempts', async () => {
    // Prepare
    const conflict = () => cancelled('TransactionConflict');
    const client = clientAnswering(conflict(), conflict(), conflict());

    // Act
    const write = transactWrite(client as never, [item], { attempts: 3 });

    // Assess
    await expect(write).rejects.toBeInstanceOf(WriteContendedError);
    await expect(
      transactWrite(clientAnswering(conflict()) as never, [item], { attempts: 1 }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(client.sent).toHaveLength(3);
  });

  it('answers a failed condition at once, without retrying, even beside a conflict', async () => {
    // Prepare
    const client = clientAnswering(cancelled('TransactionConflict', 'ConditionalCheckFailed'));

    // Act
    const outcome = await transactWrite(client as never, [item, { ...item, onConditionFailed: 'taken' }]);

    // Assess
    expect(outcome).toBe('taken');
    expect(client.sent).toHaveLength(1);
  });

  it('sends the items without their outcomes', async () => {
    const client = clientAnswering({});

    await transactWrite(client as never, [{ ...item, onConditionFailed: 'taken' }]);

    expect((client.sent[0] as { input: { TransactItems: unknown[] } }).input.TransactItems).toEqual([item]);
  });
});
