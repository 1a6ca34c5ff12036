/**
 * Table streams as a Lambda event source: reads each table's DynamoDB stream on DynamoDB Local and
 * hands batches of records to a function (the outbox publisher), as Lambda's event source mapping
 * does in AWS: in order per shard (a child shard after its parent), one batch at a time, retrying
 * from the first record the function reports in `batchItemFailures`. The batch loop is the generic
 * `EventSourceMapping`, one per shard; this module finds the shards and keeps the positions.
 *
 * The position in each shard is checkpointed after every batch that got anywhere (to a file when the
 * devstack keeps data), so events written just before a crash or a Ctrl-C still go out on the next
 * start: the outbox's promise holds locally too.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { type Clock, systemClock } from './clock.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.ts';
import { type BatchOutcome, type EventSource, EventSourceMapping } from './event-source-mapping.ts';

interface DynamoDbStreamSourceOptions {
  readonly endpoint: string;
  readonly streams: ReadonlyArray<{ readonly tableName: string; readonly streamArn: string }>;
  /** Invokes the function with a stream event and resolves with its answer. */
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** Where to keep checkpoints; in memory when omitted. */
  readonly checkpointFile?: string | undefined;
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  /** How often to look for new shards (2 s unless told). */
  readonly discoveryIntervalMs?: number;
  readonly clock?: Clock;
  readonly onError?: (message: string, error: unknown) => void;
}

type Checkpoints = Record<string, Record<string, string>>;

/** Converts a record as the Streams API returns it into the shape Lambda hands a function. */
const toLambdaRecord = (record: StreamRecord, streamArn: string) => ({
  eventID: record.eventID,
  eventName: record.eventName,
  eventVersion: record.eventVersion ?? '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: record.awsRegion ?? LOCAL_REGION,
  eventSourceARN: streamArn,
  dynamodb: {
    ...record.dynamodb,
    ApproximateCreationDateTime:
      record.dynamodb?.ApproximateCreationDateTime instanceof Date
        ? Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
        : record.dynamodb?.ApproximateCreationDateTime,
  },
});

/** One shard, read from its checkpoint; re-read from there after a batch that did not go through. */
class ShardSource implements EventSource<StreamRecord> {
  readonly name: string;
  private iterator: string | undefined;
  private closed = false;
  /** Read from the oldest record kept, not from the checkpoint (which is past the stream's retention). */
  private fromHorizon = false;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly shardId: string,
    private readonly positions: {
      readonly get: () => string | undefined;
      readonly set: (sequenceNumber: string) => void;
    },
  ) {
    this.name = `shard ${shardId} of ${streamArn}`;
  }

  readonly open = () => !this.closed;

  private async start(after: string | undefined): Promise<string | undefined> {
    const result = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: this.shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return result.ShardIterator;
  }

  async poll(max: number): Promise<readonly StreamRecord[]> {
    try {
      if (this.iterator === undefined) {
        const after = this.fromHorizon ? undefined : this.positions.get();
        // Records past the stream's retention are gone: read from the oldest one kept, as Lambda does.
        this.iterator = await this.start(after).catch((error: unknown) => {
          if (after && error instanceof TrimmedDataAccessException) return this.start(undefined);
          throw error;
        });
        if (this.iterator === undefined) {
          this.closed = true;
          return [];
        }
      }
      const result = await this.client.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: Math.min(1000, max) }),
      );
      this.iterator = result.NextShardIterator;
      // No next iterator: the shard is closed, and read to its end once these records are through.
      if (this.iterator === undefined) this.closed = true;
      return result.Records ?? [];
    } catch (error) {
      this.iterator = undefined;
      if (error instanceof ResourceNotFoundException) {
        this.closed = true;
        return [];
      }
      if (error instanceof ExpiredIteratorException) return [];
      // DynamoDB Local says so of a new shard with no record yet, and of a checkpoint past retention.
      if (error instanceof TrimmedDataAccessException) {
        this.fromHorizon = true;
        return [];
      }
      throw error;
    }
  }

  identifierOf(record: StreamRecord): string {
    return record.dynamodb?.SequenceNumber ?? '';
  }

  eventOf(records: readonly StreamRecord[]): DynamoDBStreamEvent {
    return { Records: records.map((r) => toLambdaRecord(r, this.streamArn)) } as DynamoDBStreamEvent;
  }

  async settle(records: readonly StreamRecord[], outcome: BatchOutcome): Promise<void> {
    const firstFailed =
      outcome.kind === 'error' ? 0 : records.findIndex((r) => outcome.failed.has(this.identifierOf(r)));
    const done = firstFailed === -1 ? records : records.slice(0, firstFailed);
    const last = done.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      this.positions.set(last);
      this.fromHorizon = false;
    }
    if (firstFailed !== -1) {
      // Read again from the first record that did not go through.
      this.iterator = undefined;
      this.closed = false;
    }
  }
}

/**
 * Where a table-stream reader's checkpoints go: `<data>/stream-checkpoints/<function>.json`. A data
 * folder from before kept one file for its one reader; it moves there, so nothing goes out twice.
 *
 * @example
 * checkpointFileOf('.tessera', 'publisher', ['publisher']); // '.tessera/stream-checkpoints/publisher.json'
 */
const checkpointFileOf = (dataDir: string, reader: string, readers: readonly string[]): string => {
  const file = join(dataDir, 'stream-checkpoints', `${reader}.json`);
  const legacy = join(dataDir, 'stream-checkpoints.json');
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file) && existsSync(legacy) && readers.length === 1) renameSync(legacy, file);
  return file;
};

class DynamoDbStreamSource {
  readonly name = 'table streams';
  private readonly client: DynamoDBStreamsClient;
  private readonly checkpoints: Checkpoints;
  private readonly shards = new Map<string, EventSourceMapping<StreamRecord>>();
  private readonly stopping = new AbortController();
  private readonly clock: Clock;
  private discovery: Promise<void> | undefined;

  constructor(private readonly options: DynamoDbStreamSourceOptions) {
    this.clock = options.clock ?? systemClock;
    this.client = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    this.checkpoints =
      options.checkpointFile && existsSync(options.checkpointFile)
        ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Checkpoints)
        : {};
  }

  /** Starts reading every stream; resolves at once. */
  async start(): Promise<void> {
    this.discovery ??= Promise.all(this.options.streams.map((s) => this.discover(s.streamArn))).then(
      () => undefined,
    );
  }

  private checkpoint(streamArn: string, shardId: string, sequenceNumber: string) {
    this.checkpoints[streamArn] = { ...this.checkpoints[streamArn], [shardId]: sequenceNumber };
    if (this.options.checkpointFile)
      writeFileSync(this.options.checkpointFile, JSON.stringify(this.checkpoints));
  }

  /** Finds the stream's shards now and then, and reads every one not yet read, each after its parent. */
  private async discover(streamArn: string) {
    while (!this.stopping.signal.aborted) {
      try {
        const description = await this.client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of description.StreamDescription?.Shards ?? []) {
          const shardId = shard.ShardId;
          if (!shardId || this.shards.has(`${streamArn}|${shardId}`)) continue;
          const mapping = new EventSourceMapping({
            source: new ShardSource(this.client, streamArn, shardId, {
              get: () => this.checkpoints[streamArn]?.[shardId],
              set: (sequenceNumber) => this.checkpoint(streamArn, shardId, sequenceNumber),
            }),
            invoke: (event) => this.options.invoke(event as DynamoDBStreamEvent),
            batchSize: this.options.batchSize ?? 100,
            pollIntervalMs: this.options.pollIntervalMs ?? 50,
            clock: this.clock,
            ...(this.options.onError ? { onError: this.options.onError } : {}),
          });
          this.shards.set(`${streamArn}|${shardId}`, mapping);
          const parent = shard.ParentShardId
            ? this.shards.get(`${streamArn}|${shard.ParentShardId}`)
            : undefined;
          void (parent ? parent.finished() : Promise.resolve()).then(() => {
            if (!this.stopping.signal.aborted) void mapping.start();
          });
        }
      } catch (error) {
        if (!this.stopping.signal.aborted)
          this.options.onError?.(`cannot describe stream ${streamArn}`, error);
      }
      await this.clock.sleep(this.options.discoveryIntervalMs ?? 2000, this.stopping.signal);
    }
  }

  /** Stops reading; resolves once every batch under way is through and checkpointed. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.discovery;
    await Promise.all([...this.shards.values()].map((mapping) => mapping.stop()));
    this.client.destroy();
  }
}

export type { DynamoDbStreamSourceOptions };
export { checkpointFileOf, DynamoDbStreamSource, toLambdaRecord };
