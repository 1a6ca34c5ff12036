/**
 * The devstack's queues: every queue the manifests' subscriptions deliver through, each with its
 * dead-letter queue, durable under `<dataDir>/queues/`, and readable at `GET /_devstack/queues`
 * with their depths (visible, in flight, delayed) and their dead-letter queue's.
 */
import { join } from 'node:path';
import { type Clock, systemClock } from './clock.ts';
import { LocalQueue, type QueueDepths } from './local-queue.ts';

/** A queue to make, and its dead-letter queue. */
interface QueueSpec {
  readonly name: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly messageRetentionSeconds?: number;
  readonly deadLetter?: {
    readonly name: string;
    readonly maxReceiveCount: number;
    /** 14 days unless told: longer than the source's, so a message never expires there first. */
    readonly messageRetentionSeconds?: number;
  };
}

/** One queue as `GET /_devstack/queues` lists it. */
interface QueueSummary extends QueueDepths {
  readonly name: string;
  readonly arn: string;
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly deadLetterQueue: {
    readonly name: string;
    readonly maxReceiveCount: number;
    readonly depth: number;
  } | null;
}

const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

class LocalQueues {
  readonly name = 'queues';
  private readonly queues = new Map<string, LocalQueue>();

  constructor(
    private readonly options: {
      readonly specs: readonly QueueSpec[];
      /** Where the journals go; in memory when omitted. */
      readonly directory?: string | undefined;
      readonly clock?: Clock;
    },
  ) {}

  private open(
    name: string,
    settings: {
      visibilityTimeoutSeconds?: number | undefined;
      messageRetentionSeconds?: number | undefined;
      deadLetter?: { queue: LocalQueue; maxReceiveCount: number };
    },
  ) {
    if (this.queues.has(name)) throw new Error(`The queue ${name} is declared twice`);
    const queue = new LocalQueue({
      name,
      file: this.options.directory ? join(this.options.directory, `${name}.jsonl`) : undefined,
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      ...(settings.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds }
        : {}),
      ...(settings.messageRetentionSeconds !== undefined
        ? { messageRetentionSeconds: settings.messageRetentionSeconds }
        : {}),
      ...(settings.deadLetter ? { deadLetter: settings.deadLetter } : {}),
    });
    this.queues.set(name, queue);
    return queue;
  }

  /** Opens every queue, replaying its journal: dead-letter queues first. */
  async start(): Promise<void> {
    for (const spec of this.options.specs) {
      const deadLetter = spec.deadLetter
        ? {
            queue: this.open(spec.deadLetter.name, {
              messageRetentionSeconds:
                spec.deadLetter.messageRetentionSeconds ?? DEAD_LETTER_RETENTION_SECONDS,
            }),
            maxReceiveCount: spec.deadLetter.maxReceiveCount,
          }
        : undefined;
      this.open(spec.name, {
        visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
        messageRetentionSeconds: spec.messageRetentionSeconds,
        ...(deadLetter ? { deadLetter } : {}),
      });
    }
  }

  /** The queue of that name, or undefined. */
  get(name: string): LocalQueue | undefined {
    return this.queues.get(name);
  }

  /** The queue of that name; throws when there is none. */
  require(name: string): LocalQueue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`No queue named ${name}`);
    return queue;
  }

  /** Every queue, in the order declared (each dead-letter queue before its source). */
  all(): readonly LocalQueue[] {
    return [...this.queues.values()];
  }

  /** The queues whose dead-letter queue `queue` is (none for a queue that is no dead-letter queue). */
  deadLetterSourcesOf(queue: LocalQueue): readonly LocalQueue[] {
    return this.all().filter((q) => q.deadLetter?.queue === queue);
  }

  /** The time the queues go by. */
  get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /**
   * Every queue with its depths, as `GET /_devstack/queues` shows them.
   *
   * @example
   * queues.list().find((q) => q.name === 'payments-bookings')?.deadLetterQueue?.depth; // 0
   */
  list(): QueueSummary[] {
    return this.all().map((queue) => {
      const deadLetter = queue.deadLetter;
      const dlq = deadLetter?.queue.depths();
      return {
        name: queue.name,
        arn: queue.arn,
        ...queue.depths(),
        visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
        messageRetentionSeconds: queue.messageRetentionSeconds,
        deadLetterQueue:
          deadLetter && dlq
            ? {
                name: deadLetter.queue.name,
                maxReceiveCount: deadLetter.maxReceiveCount,
                depth: dlq.visible + dlq.inFlight + dlq.delayed,
              }
            : null,
      };
    });
  }

  async stop(): Promise<void> {
    for (const queue of this.queues.values()) queue.close();
    this.queues.clear();
  }
}

export type { QueueSpec, QueueSummary };
export { LocalQueues };
