/**
 * The shape of `bench/results/<date>.json`: every figure of one run, with the baseline it was
 * measured beside. The report (`bench/report/`) is rendered from this file alone.
 */
import type { Summary } from './stats.ts';

const METRICS = [
  'size',
  'cold',
  'warm',
  'capacity',
  'bookings',
  'payments',
  'notifications',
  'schedules',
  'observability',
  'load',
  'start',
  'cost',
] as const;
type MetricName = (typeof METRICS)[number];

interface Environment {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly commit: string;
  /** Files changed in the working tree when the run started (outside bench/ and docs/). */
  readonly uncommitted: readonly string[];
  /** The 1-minute load average when the run started and when it ended: other work on the machine. */
  readonly loadAverage?: { readonly start: number; readonly end?: number };
}

interface BundleRow {
  /** The function (`users-authorizer`) or floor. */
  readonly name: string;
  /** The bundle folder it runs (`users`); absent in runs before the variants came from the manifests. */
  readonly bundle?: string;
  /** `compare`: the same function from the bundles of `--compare`, measured in the same run. */
  readonly kind: 'floor' | 'service' | 'compare';
  readonly floor?: string;
  readonly rawBytes: number;
  readonly coldStartBytes: number;
  /** Code the cold start and its first request loaded, traced (null when the trace failed). */
  readonly firstRequestBytes: number | null;
  readonly firstRequest?: string;
  readonly gzipBytes: number;
  readonly zipBytes: number;
  readonly files: number;
}

interface SizeResults {
  readonly dist: string;
  /** The bundles measured beside, in the same run (`--compare`), their rows prefixed `before: `. */
  readonly compareDist?: string;
  readonly budgetBytes: number;
  readonly bundles: readonly BundleRow[];
}

interface ColdVariantResult {
  readonly name: string;
  readonly bundle?: string;
  readonly kind: 'node' | 'floor' | 'service' | 'compare';
  readonly request?: string;
  readonly floor?: string;
  /** Spawn to exit, measured by the parent: the whole cold start. */
  readonly wallMs: Summary;
  /** Process start to the bundle imported, and to the response, measured in the child. */
  readonly importMs: Summary | null;
  readonly responseMs: Summary | null;
  readonly failures: number;
  readonly error?: string;
}

interface ColdResults {
  readonly dist: string;
  readonly compareDist?: string;
  readonly runs: number;
  readonly budgetRatio: number;
  readonly variants: readonly ColdVariantResult[];
}

interface WarmRow {
  readonly operation: string;
  readonly implementation: string;
  /** Ours, a peer, or the floor (the data path alone); runs before the floor had no role: ours or peers. */
  readonly role?: 'ours' | 'peer' | 'floor';
  readonly status: number;
  readonly usPerRequest: Summary;
  /** Its time minus the floor's, request by request in the same cycle (runs with a floor). */
  readonly overheadUs?: Summary;
}

interface WarmResults {
  readonly warmup: number;
  readonly rounds: number;
  readonly batch: number;
  readonly rows: readonly WarmRow[];
}

interface CapacityMeasurement {
  readonly operation: string;
  readonly size: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly items: number;
}

interface CapacityResults {
  readonly sizes: readonly number[];
  readonly page: number;
  readonly measurements: readonly CapacityMeasurement[];
  readonly seedMs: Readonly<Record<string, number>>;
}

interface UnitPair {
  readonly read: number;
  readonly write: number;
}

interface BookingCapacityMeasurement {
  readonly operation: string;
  readonly size: number;
  /** Units DynamoDB Local reported for the table (`ReturnConsumedCapacity: INDEXES`). */
  readonly table: UnitPair;
  /** And for each index, by name. */
  readonly indexes: Readonly<Record<string, UnitPair>>;
  /** Write units by AWS's published rules, from the items written (`bench/lib/write-units.ts`). */
  readonly awsWrites: {
    readonly table: number;
    readonly indexes: Readonly<Record<string, number>>;
    /** Item by item: what it was, its key (ids as `<id>`), its bytes and units. */
    readonly items?: ReadonlyArray<{
      readonly action: string;
      readonly key: string;
      readonly bytes: number;
      readonly table: number;
      readonly indexes: number;
    }>;
  };
  /** DynamoDB calls the function made. */
  readonly calls: number;
  /** Items those calls read (a GetItem's item, a Query's scanned items, those filtered out included). */
  readonly itemsRead: number;
  /** Items answered (a page's bookings or rooms, busy intervals; 1 otherwise). */
  readonly items: number;
}

interface BookingSeed {
  readonly size: number;
  /** Items written: bookings, change records and calendar days. */
  readonly items: number;
  readonly rooms: number;
  readonly users: number;
  /** Bookings of the measured room, provider and user: the same at every size. */
  readonly fixedBookings: number;
  readonly cancelled: number;
  readonly seedMs: number;
}

interface BookingCapacityResults {
  readonly sizes: readonly number[];
  readonly page: number;
  readonly measurements: readonly BookingCapacityMeasurement[];
  readonly seeds: readonly BookingSeed[];
  /** DynamoDB Local's own units for a TransactWriteItems of one small Put and of two (AWS: 2 and 4). */
  readonly localTransactions: { readonly oneItem: number; readonly twoItems: number };
}

interface RaceRound {
  /** `overlapping`: 50 requests for overlapping intervals of one room; `disjoint`: 50 disjoint ones on one day. */
  readonly scenario: 'overlapping' | 'disjoint';
  readonly round: number;
  readonly requests: number;
  /** First request sent to last answer. */
  readonly wallMs: number;
  readonly requestsPerSecond: number;
  /** Answers by status code (`error` for a request that got none). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly latencyMs: Summary;
  /** Busy intervals the room's availability shows on the day afterwards. */
  readonly busyAfter: number;
  /** The statuses expected (1 201 and 49 409, or 50 201) and as many busy intervals as 201s. */
  readonly expected: boolean;
}

interface RaceResults {
  readonly requests: number;
  readonly users: number;
  readonly rounds: readonly RaceRound[];
}

interface BookingsResults {
  /** The write-unit goal of a 1-hour booking. */
  readonly writeGoal: number;
  readonly capacity?: BookingCapacityResults;
  readonly race?: RaceResults;
}

/** A distribution with its tail: the summary and the 99th percentile. */
interface Spread extends Summary {
  readonly p99: number;
}

interface SagaMilestone {
  /** `POST answered`, `booking.created on the bus`, ... */
  readonly name: string;
  /** From the POST sent, booking by booking. */
  readonly ms: Spread;
}

interface PaymentsLatencyVariant {
  /** `sequential`: one booking at a time; `concurrent`: `concurrency` at once. */
  readonly mode: 'sequential' | 'concurrent';
  readonly concurrency: number;
  /**
   * `confirmed`: a booking with no payment token, timed from its POST to the first GET that shows
   * it CONFIRMED; `baseline`: a booking with `tok_pending` (its payment stays pending), timed from
   * its POST to the first poll of the bus's events that shows its `booking.created`.
   */
  readonly kind: 'confirmed' | 'baseline';
  readonly pollIntervalMs: number;
  readonly bookings: number;
  /** Bookings whose POST failed or that were not seen within the timeout (not in the figures). */
  readonly failures: number;
  readonly failureNotes: readonly string[];
  /** POST sent to the poll answer that showed it. */
  readonly observedMs: Spread;
  /** The stages on the way, from the POST sent (bus arrivals stamped by the devstack's process). */
  readonly milestones: readonly SagaMilestone[];
  /** Polls per booking, the one that saw it included. */
  readonly polls: Spread;
  /** The observed times in ms, in the order measured. */
  readonly samples: readonly number[];
}

interface PaymentsLatency {
  readonly warmup: number;
  /** The pause after each booking (each batch: three times it), so one's tail does not overlap the next. */
  readonly pauseMs: number;
  readonly timeoutMs: number;
  readonly variants: readonly PaymentsLatencyVariant[];
}

/** One table's data calls in a step of one booking, as the AWS stand-in saw them. */
interface SagaTableCalls {
  /** The service whose table it is (and whose function made the calls). */
  readonly service: string;
  /** The calls in order. */
  readonly calls: readonly string[];
  readonly operations: Readonly<Record<string, number>>;
  /** Read units DynamoDB Local reported. */
  readonly readUnits: number;
  /** Write units DynamoDB Local reported (not AWS's for transactions: see section 8). */
  readonly localWriteUnits: number;
  /** Write units by AWS's rules (`bench/lib/write-units.ts`), the table's and its indexes'. */
  readonly writeUnits: number;
  readonly indexWriteUnits: number;
  readonly items: ReadonlyArray<{
    readonly action: string;
    readonly key: string;
    readonly bytes: number;
    readonly table: number;
    readonly indexes: number;
  }>;
  /** Items written that carry events to the bus: each a stream record the publisher publishes. */
  readonly eventRecords: number;
  readonly eventsCarried: number;
}

interface SagaStep {
  /** `post`: the request's own calls, to its answer; `saga`: every call after it, to the booking confirmed. */
  readonly step: 'post' | 'saga';
  readonly tables: readonly SagaTableCalls[];
}

interface SagaEvent {
  readonly detailType: string;
  readonly source: string;
  /** The size of the PutEvents entry (source, detail type, detail), which EventBridge meters in 64 KB chunks. */
  readonly bytes: number;
  /** The subscriptions whose pattern it matches, and how each reaches its function. */
  readonly deliveries: ReadonlyArray<{
    readonly rule: string;
    readonly service: string;
    readonly functionName: string;
    readonly via: 'queue' | 'function';
  }>;
}

/** What one confirmed booking asks of AWS, counted on the devstack behind the AWS stand-in. */
interface SagaRequests {
  /** Confirmed bookings counted (after a warm-up). */
  readonly bookings: number;
  /** Whether every booking made the same calls with the same units (the figures are the first's). */
  readonly identical: boolean;
  /** Data calls in a quiet window before the bookings, of that length: the devstack's own. */
  readonly idleMs: number;
  readonly idleDataCalls: number;
  readonly steps: readonly SagaStep[];
  /** The events that crossed the bus for the booking, by its correlation id. */
  readonly events: readonly SagaEvent[];
  /** Each service's function (the one that uses its table) and the publisher: memory from the manifests. */
  readonly functions: Readonly<Record<string, { readonly functionName: string; readonly memoryMb: number }>>;
  readonly publisher: { readonly functionName: string; readonly memoryMb: number };
  /** Every subscription delivered through a queue (`<service>.<subscription>`): each queue's mapping polls it. */
  readonly queues: readonly string[];
}

interface SagaCostLine extends CostComponent {
  /** `post`: the request; `saga`: from its answer to the booking confirmed. */
  readonly group: 'post' | 'saga';
  /** How many per confirmed booking. */
  readonly count: number;
  /** The price, as the table shows it. */
  readonly price: string;
}

interface SagaCost {
  readonly lines: readonly SagaCostLine[];
  readonly totalPerMillion: number;
  /** The part after the POST's answer: the saga alone. */
  readonly sagaPerMillion: number;
  /** Costs that do not grow with bookings (the queue's idle polling), per month. */
  readonly fixedMonthly: ReadonlyArray<{
    readonly component: string;
    readonly dollars: number;
    readonly formula: string;
  }>;
  readonly prices: Readonly<Record<string, { readonly usd: number; readonly unit: string }>>;
  readonly pricesAsOf: string;
  readonly assumptions: Readonly<Record<string, { readonly value: number; readonly note: string }>>;
}

interface PaymentsResults {
  /** The machine and tree this part ran on (a part run alone may be merged into another run's file). */
  readonly environment: Environment;
  readonly startedAt: string;
  readonly latency?: PaymentsLatency;
  readonly requests?: SagaRequests;
  readonly cost?: SagaCost;
}

/** One booking's messages on its owner's socket, and its events on the bus, from the POST sent. */
interface NotificationsLatencyVariant {
  /** `sequential`: one booking at a time; `concurrent`: `concurrency` at once. */
  readonly mode: 'sequential' | 'concurrent';
  readonly concurrency: number;
  readonly bookings: number;
  /** Bookings whose POST failed or whose messages did not come within the timeout (not in the figures). */
  readonly failures: number;
  readonly failureNotes: readonly string[];
  readonly postAnsweredMs: Spread;
  /** POST sent to `booking.created` on the owner's socket. */
  readonly createdOnSocketMs: Spread;
  /** Baseline: POST sent to the same booking's `booking.created` on the bus (stamped by the devstack's process). */
  readonly createdOnBusMs: Spread;
  /** POST sent to `booking.confirmed` on the owner's socket (no payment token: the saga confirms it). */
  readonly confirmedOnSocketMs: Spread;
  /** Baseline: POST sent to the same booking's `booking.confirmed` on the bus. */
  readonly confirmedOnBusMs: Spread;
  /** Socket minus bus, booking by booking: the notifications function and the gateway's push. */
  readonly createdPushMs: Spread;
  readonly confirmedPushMs: Spread;
  /** The socket times in ms, in the order measured. */
  readonly samples: { readonly created: readonly number[]; readonly confirmed: readonly number[] };
}

interface NotificationsLatency {
  readonly warmup: number;
  readonly pauseMs: number;
  readonly timeoutMs: number;
  /** Users booking in turn, each with one socket open. */
  readonly users: number;
  /** `GET /health` round trips, between the bookings: the gateway alone. */
  readonly healthRoundTripMs: Spread;
  readonly variants: readonly NotificationsLatencyVariant[];
}

interface FanOutRound {
  readonly round: number;
  /** Sockets that got the message (of `sockets`). */
  readonly received: number;
  readonly postAnsweredMs: number;
  /** POST sent to the event on the bus (stamped by the devstack's process); null when not found. */
  readonly busMs: number | null;
  /** POST sent to the first and to the last socket's message. */
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /** Each socket's arrival, from the POST sent. */
  readonly perSocketMs: Spread;
}

interface FanOutScenario {
  /**
   * `owner`: one user's `sockets` connections, the booking that user's (its `booking.created`);
   * `followers`: `sockets` connections of `users` users, each following one room, the booking of
   * that room by someone else (its `room.availability_changed`).
   */
  readonly scenario: 'owner' | 'followers';
  readonly sockets: number;
  readonly users: number;
  readonly message: string;
  /** Opening the sockets (and, for followers, subscribing), `concurrency` at a time, untimed otherwise. */
  readonly openMs: number;
  readonly openConcurrency: number;
  readonly rounds: readonly FanOutRound[];
  /** Every socket's arrival of every round, pooled. */
  readonly perSocketMs: Spread;
  /** The last socket's arrival, round by round. */
  readonly lastMs: Spread;
  /** Baseline: the same bookings' event on the bus. */
  readonly busMs: Spread;
  /** Last socket minus bus, round by round: the whole fan-out after the event reached the bus. */
  readonly fanOutMs: Spread;
}

interface ProcessRss {
  /** `devstack (node)`, `java (DynamoDB Local)`, or the command's name. */
  readonly process: string;
  readonly pid: number;
  /** The median of the readings of VmRSS. */
  readonly rssBytes: number;
  readonly highWaterBytes: number;
  readonly threads: number | null;
}

interface MemoryReading {
  /** `no sockets`, `200 sockets of one user`, ... */
  readonly state: string;
  /** Connections the gateway listed when the memory was read (`GET /_devstack/websocket/connections`). */
  readonly connections: number;
  readonly readings: number;
  readonly processes: readonly ProcessRss[];
  /**
   * The devstack's main thread (the gateways, the bus, the queues; not the functions' workers), from
   * `process.memoryUsage()` right after a full collection of its heap (`collected`), read first.
   */
  readonly mainThread?: {
    readonly collected: boolean;
    readonly heapUsedBytes: number;
    readonly externalBytes: number;
    readonly arrayBuffersBytes: number;
  };
  /** The reading (its `state`) this one compares with: the same devstack just before the sockets opened. */
  readonly baseline?: string;
}

interface NotificationsResults {
  readonly environment: Environment;
  readonly startedAt: string;
  readonly latency?: NotificationsLatency;
  readonly fanOut: readonly FanOutScenario[];
  readonly memory: readonly MemoryReading[];
}

/** How exactly the devstack fires one-time schedules: scheduled vs fired, over many schedules. */
interface SchedulesExactness {
  /** Schedules made (`CreateSchedule` through `@aws-sdk/client-scheduler`) and measured. */
  readonly schedules: number;
  /** Their `at()` times: whole seconds, this many distinct ones, starting this long after the last create. */
  readonly distinctSeconds: number;
  readonly firstDueAfterCreatesMs: number;
  /** CreateSchedule round trips (the SDK to the devstack's endpoint), `concurrency` at a time. */
  readonly createMs: Spread;
  readonly createConcurrency: number;
  /** Whether the scheduler's hand-offs were observed (else the firings come from the logs alone). */
  readonly handOffsObserved: boolean;
  /** Schedules handed to the function at least once, and more than once. */
  readonly fired: number;
  readonly firedTwice: number;
  /** `schedule ran` lines: schedules that logged one, and more than one. */
  readonly ran: number;
  readonly ranTwice: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Schedules still pending afterwards (`GET /_devstack/schedules`): deleted once fired, so 0. */
  readonly pendingAfter: number;
  /** Fired minus scheduled: the scheduler's hand-off to the function, minus its `at()` time. */
  readonly firedMs: Spread;
  /** The handler's `schedule ran` line (written at its end, after its GetItem) on the devstack's thread, minus the `at()` time. */
  readonly ranMs: Spread;
  /** The invocation, from the hand-off to its end. */
  readonly invocationMs: Spread;
  /** Baseline: a plain `setTimeout` of the devstack's process for each due time, its lateness. */
  readonly timerMs: Spread;
  /** Baseline: a plain `setTimeout` of the bench's own process for the same due times (an event loop the scheduler's work does not share). */
  readonly benchTimerMs: Spread;
  /** Baseline: the same function invoked directly (`devstack.invoke`), one at a time, to its end and to its log line. */
  readonly directInvokeMs: Spread;
  readonly directRanMs: Spread;
  readonly directInvokes: number;
  /** The devstack clock's reading minus the high-resolution stamp at each hand-off (median): how far apart the two clocks are. */
  readonly clockSkewMs: number;
  /** Fired minus scheduled of the first schedule of each due second (the others queue behind its invocation record's write). */
  readonly firstOfSecondMs: Spread;
  /** Fired minus scheduled, in the order of the due times. */
  readonly samples: readonly number[];
}

/** Real reminders, end to end: confirmed bookings whose reminder came due, from the due time on. */
interface ReminderPath {
  readonly reminders: number;
  /** Bookings whose reminder did not come (not in the figures). */
  readonly failures: number;
  readonly failureNotes: readonly string[];
  /** The lead (s) the bookings function ran with, and how the due times fell. */
  readonly leadSeconds: number;
  readonly distinctDueTimes: number;
  /** Due (the schedule's `at()`, as the devstack lists it) to the hand-off to the function. */
  readonly firedMs: Spread;
  /** Due to `booking.reminder` on the bus (stamped by the devstack's process). */
  readonly busMs: Spread;
  /** Due to `booking.reminder` on the owner's socket. */
  readonly socketMs: Spread;
  /** `leadSeconds` the events carried. */
  readonly eventLeadSeconds: readonly number[];
}

/** What one reminder asks of AWS, counted on a devstack behind the AWS stand-in. */
interface ReminderRequests {
  /** `reconcile`: the bookings function on `booking.confirmed`, from the event on the bus to its CreateSchedule; `firing`: the schedule's invocation; `notify`: from `booking.reminder` on the bus to its message delivered and a settle pause. */
  readonly steps: ReadonlyArray<{
    readonly step: 'reconcile' | 'firing' | 'notify';
    readonly tables: readonly SagaTableCalls[];
  }>;
  /** The booking's Scheduler API calls, in order (the hold's and the reminder's). */
  readonly schedulerCalls: ReadonlyArray<{ readonly operation: string; readonly name: string }>;
  /** Those the reconcile on `booking.confirmed` made (the hold's delete, the reminder's create). */
  readonly reconcileSchedulerCalls: ReadonlyArray<{ readonly operation: string; readonly name: string }>;
  /** The events the reminder put on the bus (`booking.reminder`), with their rules. */
  readonly events: readonly SagaEvent[];
  /** WebSocket messages the owner's one open connection got for the reminder. */
  readonly socketMessages: number;
  readonly functions: Readonly<Record<string, { readonly functionName: string; readonly memoryMb: number }>>;
  readonly publisher: { readonly functionName: string; readonly memoryMb: number };
  /** Data calls in a quiet window before the booking. */
  readonly idleMs: number;
  readonly idleDataCalls: number;
}

interface ReminderCostLine extends CostComponent {
  readonly group: 'reconcile' | 'firing' | 'notify';
  readonly count: number;
  readonly price: string;
}

interface ReminderCost {
  readonly lines: readonly ReminderCostLine[];
  readonly totalPerMillion: number;
  readonly prices: Readonly<Record<string, { readonly usd: number; readonly unit: string }>>;
  readonly pricesAsOf: string;
  readonly assumptions: Readonly<Record<string, { readonly value: number; readonly note: string }>>;
  /** Where the counts came from. */
  readonly counted: string;
}

interface SchedulesResults {
  readonly environment: Environment;
  readonly startedAt: string;
  readonly exactness?: SchedulesExactness;
  readonly reminders?: ReminderPath;
  readonly requests?: ReminderRequests;
  readonly cost?: ReminderCost;
}

type ObservabilityVariantName = 'baseline' | 'tessera' | 'powertools';

/** One entry of the observability benchmark, bundled as a function is, and what it costs. */
interface ObservabilityVariant {
  readonly name: ObservabilityVariantName;
  /** What its handler does besides answering, for the report. */
  readonly does: string;
  /** Its bundle: all code, the code a cold start loads statically, gzip (all code), zip, files. */
  readonly rawBytes: number;
  readonly coldStartBytes: number;
  readonly gzipBytes: number;
  readonly zipBytes: number;
  readonly files: number;
  /** The bundle files one cold start and its invocation loaded, traced (null when that run failed). */
  readonly firstRequestBytes: number | null;
  /** Spawn to exit of a fresh process that imports the bundle and serves one invocation (good runs). */
  readonly wallMs: Summary;
  /** The child's own clock, from its start: the bundle imported, the invocation answered. */
  readonly importMs: Summary | null;
  readonly responseMs: Summary | null;
  /** The first invocation alone, run by run: answered minus imported, on the child's clock. */
  readonly invocationMs: Summary | null;
  /** Warm: µs per invocation, each sample one batch's mean, over every batch of every process. */
  readonly warmUs: Summary | null;
  /** Per invocation, as checked in every run: EMF lines on stdout and subsegments at the daemon. */
  readonly emfLinesPerInvocation: number;
  readonly subsegmentsPerInvocation: number;
  /** Cold runs that did not do their work (or failed), and warm processes; left out of the figures. */
  readonly failures: number;
  readonly warmFailures: number;
  readonly error?: string;
}

/** A function of the manifests, the code its first request loads (from a size measurement of the same run). */
interface ObservabilityFunction {
  readonly name: string;
  readonly request?: string;
  readonly firstRequestBytes: number | null;
  readonly rawBytes: number;
}

interface ObservabilityResults {
  readonly environment: Environment;
  readonly startedAt: string;
  /** The Powertools packages measured, by name, with their versions. */
  readonly packages: Readonly<Record<string, string>>;
  /** Cold runs of each entry, interleaved in a new random order each round. */
  readonly runs: number;
  readonly warm: {
    /** Processes of each entry, interleaved like the cold runs. */
    readonly rounds: number;
    /** Invocations of each process before the timed batches. */
    readonly warmup: number;
    readonly batches: number;
    readonly batch: number;
  };
  readonly variants: readonly ObservabilityVariant[];
  readonly budgetBytes: number;
  /** Every function's first request against the budget: measured by the size part of this run, or by this part. */
  readonly functions: readonly ObservabilityFunction[];
  readonly functionsFrom: 'size' | 'observability';
  readonly functionsError?: string;
}

interface LoadRun {
  readonly target: 'devstack' | 'ceiling';
  readonly operation: string;
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly rps: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

interface RssPeak {
  readonly process: string;
  readonly peakSampledBytes: number;
  /** The kernel's own high-water mark (VmHWM), read before the process stopped. */
  readonly highWaterBytes: number | null;
}

interface LoadResults {
  readonly runs: readonly LoadRun[];
  readonly rss: readonly RssPeak[];
  readonly ceilingRss: readonly RssPeak[];
  readonly sampleIntervalMs: number;
}

interface StepTime {
  readonly name: string;
  readonly ms: number;
  readonly ok: boolean;
}

interface CommandTime {
  readonly command: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly steps: readonly StepTime[];
  readonly summary?: string;
}

interface StartResults {
  /** `startDevstack()` in a fresh process on a fresh data folder, to ready. */
  readonly devstack: { readonly readyMs: Summary; readonly wallMs: Summary };
  readonly dynamodbLocal: { readonly readyMs: Summary; readonly wallMs: Summary };
  readonly npmTest: CommandTime | null;
  readonly unitTests: CommandTime | null;
}

interface CostComponent {
  readonly component: string;
  readonly dollarsPerMillion: number;
  readonly formula: string;
}

interface CostOperation {
  readonly operation: string;
  readonly components: readonly CostComponent[];
  readonly totalPerMillion: number;
}

interface CostResults {
  readonly prices: Readonly<Record<string, { readonly usd: number; readonly unit: string }>>;
  readonly pricesAsOf: string;
  readonly assumptions: Readonly<Record<string, { readonly value: number; readonly note: string }>>;
  readonly operations: readonly CostOperation[];
  readonly authorizerPerMillion: CostOperation;
}

interface MetricError {
  readonly metric: MetricName;
  readonly message: string;
}

interface BenchResults {
  readonly schema: 1;
  readonly label: string;
  readonly date: string;
  readonly startedAt: string;
  readonly dist: string;
  readonly environment: Environment;
  /** Wall time of each metric in this run (or the run it was merged from). */
  readonly durationsMs: Partial<Record<MetricName, number>>;
  readonly totalMs: number;
  /** True when only some benchmarks ran (`--only`); totalMs is then the sum of their durations. */
  readonly partial?: boolean;
  readonly size?: SizeResults;
  readonly cold?: ColdResults;
  readonly warm?: WarmResults;
  readonly capacity?: CapacityResults;
  readonly bookings?: BookingsResults;
  readonly payments?: PaymentsResults;
  readonly notifications?: NotificationsResults;
  readonly schedules?: SchedulesResults;
  readonly observability?: ObservabilityResults;
  readonly load?: LoadResults;
  readonly start?: StartResults;
  readonly cost?: CostResults;
  readonly errors: readonly MetricError[];
}

export type {
  BenchResults,
  BookingCapacityMeasurement,
  BookingCapacityResults,
  BookingSeed,
  BookingsResults,
  BundleRow,
  CapacityMeasurement,
  CapacityResults,
  ColdResults,
  ColdVariantResult,
  CommandTime,
  CostComponent,
  CostOperation,
  CostResults,
  Environment,
  FanOutRound,
  FanOutScenario,
  LoadResults,
  LoadRun,
  MemoryReading,
  MetricError,
  MetricName,
  NotificationsLatency,
  NotificationsLatencyVariant,
  NotificationsResults,
  ObservabilityFunction,
  ObservabilityResults,
  ObservabilityVariant,
  ObservabilityVariantName,
  PaymentsLatency,
  PaymentsLatencyVariant,
  PaymentsResults,
  ProcessRss,
  RaceResults,
  RaceRound,
  ReminderCost,
  ReminderCostLine,
  ReminderPath,
  ReminderRequests,
  RssPeak,
  SagaCost,
  SagaCostLine,
  SagaEvent,
  SagaMilestone,
  SagaRequests,
  SagaStep,
  SagaTableCalls,
  SchedulesExactness,
  SchedulesResults,
  SizeResults,
  Spread,
  StartResults,
  StepTime,
  UnitPair,
  WarmResults,
  WarmRow,
};
export { METRICS };
