/**
 * The generic event source mapping, over a source made up here (the boundary this test isolates)
 * and a standing clock: batches of the batch size, `batchItemFailures` handed to the source, the
 * whole batch failed on an error or on an answer that names no record of it, doubling back-off
 * after failures, a batching window, and a stop that waits for the batch under way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MovableClock } from '../../src/clock.ts';
import {
  type BatchOutcome,
  type EventSource,
  EventSourceMapping,
  failuresOf,
} from '../../src/event-source-mapping.ts';

interface Item {
  readonly id: string;
}

/** An in-memory source: `push` adds records; every settle is recorded with its outcome. */
const memorySource = () => {
  const waiting: Item[] = [];
  const settled: Array<{ ids: string[]; outcome: BatchOutcome }> = [];
  const polls: number[] = [];
  const source: EventSource<Item> & { push(...ids: string[]): void } = {
    name: 'memory',
    push: (...ids) => waiting.push(...ids.map((id) => ({ id }))),
    poll: async (max) => {
      polls.push(max);
      return waiting.splice(0, max);
    },
    identifierOf: (item) => item.id,
    eventOf: (items) => ({ Records: items.map((item) => item.id) }),
    settle: async (items, outcome) => {
      settled.push({ ids: items.map((item) => item.id), outcome });
    },
  };
  return { source, settled, polls };
};

/** Lets the mapping's loop run until nothing more happens without the clock moving. */
const idle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

const mappings: EventSourceMapping<Item>[] = [];
afterEach(async () => {
  await Promise.all(mappings.splice(0).map((m) => m.stop()));
});

const start = (mapping: EventSourceMapping<Item>) => {
  mappings.push(mapping);
  void mapping.start();
  return mapping;
};

describe('Function: failuresOf', () => {
  it.each([
    [undefined, { kind: 'done', failed: new Set() }],
    [{ batchItemFailures: [] }, { kind: 'done', failed: new Set() }],
    [{ batchItemFailures: [{ itemIdentifier: 'b' }] }, { kind: 'done', failed: new Set(['b']) }],
  ])('reads %j as %j', (answer, expected) => {
    expect(failuresOf(answer)).toEqual(expected);
  });

  it('fails the whole batch for an entry without an identifier, or a list that is none', () => {
    expect(failuresOf({ batchItemFailures: [{ itemIdentifier: '' }] }).kind).toBe('error');
    expect(failuresOf({ batchItemFailures: [{}] }).kind).toBe('error');
    expect(failuresOf({ batchItemFailures: 'b' }).kind).toBe('error');
  });
});

describe('Class: EventSourceMapping', () => {
  it('invokes the function with batches of at most the batch size, and settles each as done', async () => {
    // Prepare
    const clock = new MovableClock();
    const { source, settled } = memorySource();
    const events: unknown[] = [];
    source.push('a', 'b', 'c', 'd', 'e');

    // Act
    start(
      new EventSourceMapping({
        source,
        clock,
        batchSize: 2,
        invoke: async (event) => {
          events.push(event);
          return null;
        },
      }),
    );
    await idle();

    // Assess
    expect(events).toEqual([{ Records: ['a', 'b'] }, { Records: ['c', 'd'] }, { Records: ['e'] }]);
    expect(settled.map((s) => s.ids)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(settled.every((s) => s.outcome.kind === 'done' && s.outcome.failed.size === 0)).toBe(true);
  });

  it('hands the source the records the function reported in batchItemFailures, then backs off', async () => {
    const clock = new MovableClock();
    const { source, settled } = memorySource();
    source.push('a', 'b', 'c');
    start(
      new EventSourceMapping({
        source,
        clock,
        backoffMs: 1000,
        invoke: async () => ({ batchItemFailures: [{ itemIdentifier: 'b' }] }),
      }),
    );
    await idle();
    source.push('d');

    await idle();
    const beforeBackoff = settled.length;
    await clock.advance(1000);
    await idle();

    expect(settled[0]).toEqual({ ids: ['a', 'b', 'c'], outcome: { kind: 'done', failed: new Set(['b']) } });
    expect(beforeBackoff).toBe(1);
    expect(settled.map((s) => s.ids)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('fails the whole batch when the function throws, or names a record not in the batch', async () => {
    const clock = new MovableClock();
    const { source, settled } = memorySource();
    const errors: string[] = [];
    const answers: Array<() => unknown> = [
      () => {
        throw new Error('function crashed');
      },
      () => ({ batchItemFailures: [{ itemIdentifier: 'nobody' }] }),
    ];
    source.push('a');
    start(
      new EventSourceMapping({
        source,
        clock,
        backoffMs: 100,
        invoke: async () => answers.shift()?.(),
        onError: (message, error) => errors.push(`${message}: ${String(error)}`),
      }),
    );
    await idle();
    source.push('b');
    await clock.advance(100);
    await idle();

    expect(settled.map((s) => [s.ids, s.outcome.kind])).toEqual([
      [['a'], 'error'],
      [['b'], 'error'],
    ]);
    expect(errors[0]).toBe('the function failed a batch of memory: Error: function crashed');
    expect(errors[1]).toMatch(/batchItemFailures names nobody, no record of the batch/);
  });

  it('doubles its back-off with each failure in a row, up to the longest', async () => {
    const clock = new MovableClock();
    const { source } = memorySource();
    const invokedAt: number[] = [];
    const start0 = clock.now();
    // A source that always has a record, and a function that always fails.
    source.poll = async () => [{ id: 'x' }];
    start(
      new EventSourceMapping({
        source,
        clock,
        backoffMs: 100,
        maxBackoffMs: 400,
        invoke: async () => {
          invokedAt.push(clock.now() - start0);
          throw new Error('down');
        },
        onError: () => {},
      }),
    );
    await idle();

    for (let i = 0; i < 13; i++) {
      await clock.advance(100);
      await idle();
    }

    expect(invokedAt).toEqual([0, 100, 300, 700, 1100]);
  });

  it('keeps polling through the batching window to fill a batch', async () => {
    const clock = new MovableClock();
    const { source } = memorySource();
    const events: unknown[] = [];
    source.push('a');
    start(
      new EventSourceMapping({
        source,
        clock,
        batchSize: 3,
        batchingWindowMs: 1000,
        pollIntervalMs: 200,
        invoke: async (event) => {
          events.push(event);
        },
      }),
    );
    await idle();
    source.push('b');
    await clock.advance(200);
    await idle();
    source.push('c', 'd');

    await clock.advance(200);
    await idle();

    expect(events).toEqual([{ Records: ['a', 'b', 'c'] }]);
  });

  it('stops once the batch under way is through and settled', async () => {
    const clock = new MovableClock();
    const { source, settled } = memorySource();
    let finish: () => void = () => {};
    let invoked: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      invoked = resolve;
    });
    source.push('a');
    const mapping = start(
      new EventSourceMapping({
        source,
        clock,
        invoke: () =>
          new Promise((resolve) => {
            invoked();
            finish = () => resolve(null);
          }),
      }),
    );
    await running;

    let stopped = false;
    const stopping = mapping.stop().then(() => {
      stopped = true;
    });
    await idle();
    const stoppedBeforeFinish = stopped;
    finish();
    await stopping;

    expect(stoppedBeforeFinish).toBe(false);
    expect(settled.map((s) => s.ids)).toEqual([['a']]);
  });

  it('runs as many batches at once as its concurrency allows', async () => {
    const clock = new MovableClock();
    const { source } = memorySource();
    let inFlight = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    source.push('a', 'b', 'c', 'd');
    start(
      new EventSourceMapping({
        source,
        clock,
        batchSize: 1,
        concurrency: 3,
        invoke: () => {
          inFlight++;
          most = Math.max(most, inFlight);
          return new Promise((resolve) =>
            releases.push(() => {
              inFlight--;
              resolve(null);
            }),
          );
        },
      }),
    );
    await idle();

    expect(most).toBe(3);
    for (const release of releases.splice(0)) release();
    await idle();
    for (const release of releases.splice(0)) release();
  });
});
