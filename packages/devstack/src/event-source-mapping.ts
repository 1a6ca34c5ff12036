/**
 * A Lambda event source mapping, made generic: it polls a source for records, invokes a function
 * with a batch of them, and tells the source how the batch went, so the source can do what AWS does
 * with it (a stream checkpoints up to the first failed record and reads again from there; a queue
 * deletes the records that succeeded and leaves the rest to come back after their visibility
 * timeout).
 *
 * The loop honours `batchItemFailures` (partial batch responses), waits up to a batching window to
 * fill a batch, backs off (doubling, capped) after a failed batch or a failed poll, and stops
 * cleanly: no new poll once stopping, the batch under way finished and settled, then `stop()`
 * resolves. Every wait goes through the devstack clock.
 */
import { type Clock, systemClock } from './clock.ts';

/** How an invocation went: the identifiers of the records that failed, or the error it threw. */
type BatchOutcome =
  | { readonly kind: 'done'; readonly failed: ReadonlySet<string> }
  | { readonly kind: 'error'; readonly error: unknown };

/** Where a mapping reads from: a shard of a DynamoDB stream, a queue, ... */
interface EventSource<R> {
  /** For logs: the stream's shard, the queue's name. */
  readonly name: string;
  /** Up to `max` records, or none; may wait a little (a long poll) unless `signal` aborts. */
  poll(max: number, signal: AbortSignal): Promise<readonly R[]>;
  /** The record's `itemIdentifier` in `batchItemFailures`: a sequence number, a message id. */
  identifierOf(record: R): string;
  /** The event the function receives for a batch, in the shape Lambda gives it. */
  eventOf(records: readonly R[]): unknown;
  /** What the source does with a batch once the function has answered (or failed). */
  settle(records: readonly R[], outcome: BatchOutcome): Promise<void>;
  /** False once there is nothing more to read (a closed shard read to its end). */
  readonly open?: () => boolean;
}

interface EventSourceMappingOptions<R> {
  readonly source: EventSource<R>;
  /** Invokes the function with the batch's event and resolves with its answer. */
  readonly invoke: (event: unknown) => Promise<unknown>;
  readonly batchSize?: number;
  /** How long to keep polling to fill a batch once it has a first record (0 unless told). */
  readonly batchingWindowMs?: number;
  /** The pause after a poll that found nothing (50 ms unless told). */
  readonly pollIntervalMs?: number;
  /** The first back-off after a failure, doubled for each failure in a row (100 ms unless told). */
  readonly backoffMs?: number;
  /** The longest back-off (5 s unless told). */
  readonly maxBackoffMs?: number;
  /** Batches in flight at once, each its own poller (1 unless told; a queue's maximumConcurrency). */
  readonly concurrency?: number;
  readonly clock?: Clock;
  readonly onError?: (message: string, error: unknown) => void;
}

/**
 * The failed records of a function's answer: each `batchItemFailures[].itemIdentifier`. An answer
 * that is no partial batch response means every record succeeded; a malformed one (an entry with no
 * identifier) fails the whole batch, as Lambda treats it (and so does an identifier of no record
 * in the batch, which the mapping checks).
 *
 * @example
 * failuresOf({ batchItemFailures: [{ itemIdentifier: '42' }] }); // { kind: 'done', failed: Set {'42'} }
 */
const failuresOf = (answer: unknown): BatchOutcome => {
  const list =
    answer !== null && typeof answer === 'object'
      ? (answer as { batchItemFailures?: unknown }).batchItemFailures
      : undefined;
  if (list === undefined || list === null) return { kind: 'done', failed: new Set() };
  if (!Array.isArray(list)) {
    return { kind: 'error', error: new Error('batchItemFailures is not a list') };
  }
  const failed = new Set<string>();
  for (const entry of list) {
    const id = (entry as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'error', error: new Error('a batchItemFailures entry has no itemIdentifier') };
    }
    failed.add(id);
  }
  return { kind: 'done', failed };
};

class EventSourceMapping<R> {
  private readonly stopping = new AbortController();
  private readonly loops = new Set<Promise<void>>();
  private readonly clock: Clock;
  private started = false;
  private readonly ended: Promise<void>;
  private end: () => void = () => {};

  constructor(private readonly options: EventSourceMappingOptions<R>) {
    this.clock = options.clock ?? systemClock;
    this.ended = new Promise((resolve) => {
      this.end = resolve;
    });
  }

  get name(): string {
    return `mapping ${this.options.source.name}`;
  }

  /** Starts polling; resolves at once. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.stopped) return this.end();
    for (let i = 0; i < Math.max(1, this.options.concurrency ?? 1); i++) {
      const loop = this.run().catch((error: unknown) => this.options.onError?.('stopped on an error', error));
      this.loops.add(loop);
      void loop.finally(() => {
        this.loops.delete(loop);
        if (this.loops.size === 0) this.end();
      });
    }
  }

  /** Resolves once the mapping has ended: started and then stopped, or its source read to the end. */
  finished(): Promise<void> {
    return this.ended;
  }

  private get stopped() {
    return this.stopping.signal.aborted;
  }

  private async backoff(failures: number) {
    const first = this.options.backoffMs ?? 100;
    const longest = this.options.maxBackoffMs ?? 5000;
    await this.clock.sleep(Math.min(longest, first * 2 ** (failures - 1)), this.stopping.signal);
  }

  /** Polls until the batch is full or the batching window has passed. */
  private async fill(first: readonly R[]): Promise<R[]> {
    const { source } = this.options;
    const size = this.options.batchSize ?? 10;
    const window = this.options.batchingWindowMs ?? 0;
    const records = [...first];
    const deadline = this.clock.now() + window;
    while (records.length < size && !this.stopped && this.clock.now() < deadline) {
      await this.clock.sleep(
        Math.min(this.options.pollIntervalMs ?? 50, deadline - this.clock.now()),
        this.stopping.signal,
      );
      if (this.stopped) break;
      records.push(...(await source.poll(size - records.length, this.stopping.signal)));
    }
    return records;
  }

  private async run(): Promise<void> {
    const { source } = this.options;
    const size = this.options.batchSize ?? 10;
    let failures = 0;
    while (!this.stopped && (source.open?.() ?? true)) {
      let records: R[];
      try {
        const first = await source.poll(size, this.stopping.signal);
        if (first.length === 0) {
          await this.clock.sleep(this.options.pollIntervalMs ?? 50, this.stopping.signal);
          continue;
        }
        records = await this.fill(first);
      } catch (error) {
        if (this.stopped) return;
        failures++;
        this.options.onError?.(`cannot read ${source.name}`, error);
        await this.backoff(failures);
        continue;
      }
      let outcome: BatchOutcome;
      try {
        outcome = failuresOf(await this.options.invoke(source.eventOf(records)));
        if (outcome.kind === 'done' && outcome.failed.size > 0) {
          const ids = new Set(records.map((record) => source.identifierOf(record)));
          const unknown = [...outcome.failed].find((id) => !ids.has(id));
          if (unknown !== undefined)
            outcome = {
              kind: 'error',
              error: new Error(`batchItemFailures names ${unknown}, no record of the batch`),
            };
        }
      } catch (error) {
        outcome = { kind: 'error', error };
      }
      try {
        await source.settle(records, outcome);
      } catch (error) {
        this.options.onError?.(`cannot settle a batch of ${source.name}`, error);
      }
      if (outcome.kind === 'error') {
        failures++;
        this.options.onError?.(`the function failed a batch of ${source.name}`, outcome.error);
        await this.backoff(failures);
      } else if (outcome.failed.size > 0) {
        failures++;
        await this.backoff(failures);
      } else {
        failures = 0;
      }
    }
  }

  /** Stops polling; resolves once the batch under way, if any, is finished and settled. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (!this.started || this.loops.size === 0) this.end();
    await this.ended;
  }
}

export type { BatchOutcome, EventSource, EventSourceMappingOptions };
export { EventSourceMapping, failuresOf };
