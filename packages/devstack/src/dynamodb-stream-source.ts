/**
 * Reads each table's DynamoDB stream on DynamoDB Local and hands batches of records to the outbox
 * publisher bundle, as Lambda's event source mapping does in AWS: in order per shard, one batch at a
 * time, retrying from the first record the publisher reports in `batchItemFailures`.
 *
 * The position in each shard is checkpointed after every successful batch (to a file when the
 * devstack keeps data), so events written just before a crash or a Ctrl-C still go out on the
 * next start: the outbox's promise holds locally too.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.ts';

interface StreamPumpOptions {
  readonly endpoint: string;
  readonly streams: ReadonlyArray<{ readonly tableName: string; readonly streamArn: string }>;
  /** Invokes the publisher with a stream event and resolves with its answer. */
  readonly publish: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | null | undefined>;
  /** Where to keep checkpoints; in memory when omitted. */
  readonly checkpointFile?: string | undefined;
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
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

class StreamPump {
  private readonly client: DynamoDBStreamsClient;
  private readonly checkpoints: Checkpoints;
  private readonly shardsRunning = new Set<string>();
  private readonly loops = new Set<Promise<void>>();
  private stopped = false;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: StreamPumpOptions) {
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

  /** Waits, unless the pump stops first. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  start(): void {
    for (const stream of this.options.streams) this.track(this.discover(stream.streamArn));
  }

  private track(loop: Promise<void>) {
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
  }

  /** Finds the stream's shards now and then, and reads every one not yet read. */
  private async discover(streamArn: string) {
    while (!this.stopped) {
      try {
        const description = await this.client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of description.StreamDescription?.Shards ?? []) {
          const shardId = shard.ShardId;
          if (!shardId || this.shardsRunning.has(`${streamArn}|${shardId}`)) continue;
          this.shardsRunning.add(`${streamArn}|${shardId}`);
          this.track(this.readShard(streamArn, shardId));
        }
      } catch (error) {
        if (!this.stopped) this.options.onError?.(`cannot describe stream ${streamArn}`, error);
      }
      await this.sleep(2000);
    }
  }

  private iterator(streamArn: string, shardId: string) {
    const after = this.checkpoints[streamArn]?.[shardId];
    return this.client
      .send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
      .then((result) => result.ShardIterator);
  }

  private checkpoint(streamArn: string, shardId: string, sequenceNumber: string) {
    this.checkpoints[streamArn] = { ...this.checkpoints[streamArn], [shardId]: sequenceNumber };
    if (this.options.checkpointFile)
      writeFileSync(this.options.checkpointFile, JSON.stringify(this.checkpoints));
  }

  private async readShard(streamArn: string, shardId: string) {
    const interval = this.options.pollIntervalMs ?? 50;
    let iterator = await this.iterator(streamArn, shardId).catch(() => undefined);
    let failures = 0;
    while (!this.stopped && iterator) {
      let records: StreamRecord[] = [];
      let next: string | undefined;
      try {
        const result = await this.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize ?? 100 }),
        );
        records = result.Records ?? [];
        next = result.NextShardIterator;
      } catch (error) {
        if (this.stopped) return;
        if (!(error instanceof ExpiredIteratorException))
          this.options.onError?.(`cannot read ${shardId}`, error);
        await this.sleep(interval * 10);
        iterator = await this.iterator(streamArn, shardId).catch(() => undefined);
        continue;
      }
      if (records.length === 0) {
        iterator = next;
        await this.sleep(interval);
        continue;
      }
      try {
        const response = await this.options.publish({
          Records: records.map((r) => toLambdaRecord(r, streamArn)),
        } as DynamoDBStreamEvent);
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        const firstFailed = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
        const done = firstFailed === -1 ? records : records.slice(0, firstFailed);
        const last = done.at(-1)?.dynamodb?.SequenceNumber;
        if (last) this.checkpoint(streamArn, shardId, last);
        if (firstFailed === -1) {
          failures = 0;
          iterator = next;
        } else {
          failures++;
          await this.sleep(Math.min(5000, 100 * 2 ** failures));
          iterator = await this.iterator(streamArn, shardId);
        }
      } catch (error) {
        failures++;
        this.options.onError?.('the outbox publisher failed; retrying the batch', error);
        await this.sleep(Math.min(5000, 100 * 2 ** failures));
        iterator = await this.iterator(streamArn, shardId).catch(() => undefined);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    await Promise.allSettled([...this.loops]);
    this.client.destroy();
  }
}

export type { StreamPumpOptions };
export { StreamPump, toLambdaRecord };
