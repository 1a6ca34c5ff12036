/**
 * Child process of the warm benchmark (`bench/metrics/warm.ts`), whose environment is the tickets
 * function's, from its manifest: in this one process, the AWS stand-in (DynamoDB in memory) on the
 * port it was given, the tickets bundle as it ships (`dist/tickets/index.mjs`, its `handler`
 * export), and the middy and Powertools peers and the SDK-only floor, bundled with the same build
 * options (`bench/baselines/functions/`), all on the same stand-in. It
 * checks that they answer alike and make the same DynamoDB calls, times them, and prints
 * `@@bench {"rows": [...]}`.
 *
 * Per operation: a warm-up for each implementation, then `rounds x batch` cycles of one request
 * of each implementation, in a new random order each cycle, every request timed on its own
 * (`process.hrtime`), the event built before the clock starts.
 */
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import {
  createTicketEvent,
  getTicketEvent,
  type HttpEvent,
  type HttpResult,
  invalidCreateTicketEvent,
  lambdaContext,
} from '../fixtures/events.ts';
import { type AwsEndpoint, startAwsEndpoint, type TableKeys } from '../lib/aws-endpoint.ts';
import type { WarmRow } from '../lib/results.ts';
import { shuffled, summarize } from '../lib/stats.ts';

interface WarmConfig {
  readonly port: number;
  readonly bundle: string;
  readonly exportName: string;
  /** The baselines' bundles, by implementation name (`middy`, `powertools`, `sdk only`). */
  readonly baselines: Readonly<Record<string, string>>;
  readonly tables: Readonly<Record<string, TableKeys>>;
  readonly parameters: Readonly<Record<string, string>>;
  readonly warmup: number;
  readonly rounds: number;
  readonly batch: number;
}

type Handle = (event: HttpEvent, context: Context) => Promise<HttpResult>;

interface Implementation {
  readonly name: string;
  readonly role: 'ours' | 'peer' | 'floor';
  readonly handle: Handle;
  /** The ticket this implementation created and reads back. */
  ticketId?: string;
}

interface Operation {
  readonly name: string;
  readonly event: (impl: Implementation) => HttpEvent;
  readonly status: number;
  /** The floor has no validation: it takes no part in the 400. */
  readonly withFloor: boolean;
}

const OPERATIONS: readonly Operation[] = [
  {
    name: 'GET /v1/tickets/{id}',
    event: (impl) => getTicketEvent(impl.ticketId ?? ''),
    status: 200,
    withFloor: true,
  },
  { name: 'POST /v1/tickets', event: () => createTicketEvent(), status: 201, withFloor: true },
  {
    name: 'POST /v1/tickets, unknown field (400)',
    event: () => invalidCreateTicketEvent(),
    status: 400,
    withFloor: false,
  },
];

const config = JSON.parse(process.env.BENCH_WARM ?? '{}') as WarmConfig;
const context = lambdaContext(process.env.AWS_LAMBDA_FUNCTION_NAME);

const bodyKeys = (response: HttpResult) => {
  try {
    return Object.keys(JSON.parse(String(response.body)) as object)
      .sort()
      .join(',');
  } catch {
    return '';
  }
};

/** The stand-in's calls during one request, as `GetItem x1`. */
const callsDuring = async (aws: AwsEndpoint, run: () => Promise<HttpResult>) => {
  const before = new Map(aws.calls);
  const response = await run();
  const made = [...aws.calls]
    .map(([operation, count]) => [operation, count - (before.get(operation) ?? 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([operation, count]) => `${operation} x${count}`)
    .sort()
    .join(', ');
  return { response, made };
};

/**
 * Every implementation answers every operation as ours does (status, body members) and makes the
 * same calls to the stand-in, or the benchmark stops.
 */
const checkEquivalence = async (aws: AwsEndpoint, implementations: readonly Implementation[]) => {
  for (const operation of OPERATIONS) {
    const ours = implementations.find((impl) => impl.role === 'ours') as Implementation;
    const expected = await callsDuring(aws, () => ours.handle(operation.event(ours), context));
    for (const impl of implementations) {
      if (impl.role === 'floor' && !operation.withFloor) continue;
      const { response, made } = await callsDuring(aws, () => impl.handle(operation.event(impl), context));
      if (response.statusCode !== operation.status) {
        throw new Error(
          `${impl.name} answered ${operation.name} with ${response.statusCode}: ${response.body}`,
        );
      }
      if (
        impl.role !== 'floor' &&
        operation.status < 400 &&
        bodyKeys(response) !== bodyKeys(expected.response)
      ) {
        throw new Error(`${impl.name} answered ${operation.name} with another body: ${response.body}`);
      }
      if (made !== expected.made) {
        throw new Error(
          `${impl.name} made other DynamoDB calls for ${operation.name} (${made || 'none'}) than ours (${expected.made || 'none'})`,
        );
      }
    }
  }
};

const main = async () => {
  const aws = await startAwsEndpoint({
    parameters: config.parameters,
    dynamodb: { kind: 'memory', tables: config.tables },
    port: config.port,
  });
  const load = async (bundle: string, exportName: string): Promise<Handle> => {
    const handle = ((await import(pathToFileURL(bundle).href)) as Record<string, Handle | undefined>)[
      exportName
    ];
    if (!handle) throw new Error(`${bundle} exports no ${exportName}`);
    return handle;
  };
  const baseline = (name: string) => load(config.baselines[name] ?? '', 'handler');
  const implementations: Implementation[] = [
    { name: 'tessera', role: 'ours', handle: await load(config.bundle, config.exportName) },
    { name: 'middy', role: 'peer', handle: await baseline('middy') },
    { name: 'powertools', role: 'peer', handle: await baseline('powertools') },
    { name: 'sdk only', role: 'floor', handle: await baseline('sdk only') },
  ];
  // Each implementation reads back a ticket it created itself, in its own format.
  for (const impl of implementations) {
    const created = await impl.handle(createTicketEvent(), context);
    if (created.statusCode !== 201)
      throw new Error(`${impl.name} could not create a ticket: ${created.body}`);
    impl.ticketId = String((JSON.parse(String(created.body)) as { id?: unknown }).id);
  }
  await checkEquivalence(aws, implementations);

  const rows: WarmRow[] = [];
  for (const operation of OPERATIONS) {
    const taking = implementations.filter((impl) => impl.role !== 'floor' || operation.withFloor);
    for (const impl of taking) {
      for (let i = 0; i < config.warmup; i++) await impl.handle(operation.event(impl), context);
    }
    // One request of each implementation per cycle, in a new random order each cycle, so a slow
    // moment of the machine (another process, a GC) falls on all of them alike; an
    // implementation's overhead is, cycle by cycle, its time minus the floor's in the same cycle.
    const samples = new Map<string, number[]>(taking.map((impl) => [impl.name, []]));
    for (let cycle = 0; cycle < config.rounds * config.batch; cycle++) {
      for (const impl of shuffled(taking)) {
        const event = operation.event(impl);
        const started = process.hrtime.bigint();
        await impl.handle(event, context);
        samples.get(impl.name)?.push(Number(process.hrtime.bigint() - started) / 1000);
      }
    }
    const floor = taking.find((impl) => impl.role === 'floor');
    const floorSamples = floor ? (samples.get(floor.name) ?? []) : [];
    for (const impl of taking) {
      const own = samples.get(impl.name) ?? [];
      rows.push({
        operation: operation.name,
        implementation: impl.name,
        role: impl.role,
        status: operation.status,
        usPerRequest: summarize(own),
        ...(floor && impl !== floor
          ? { overheadUs: summarize(own.map((us, cycle) => us - (floorSamples[cycle] ?? 0))) }
          : {}),
      });
    }
  }
  await aws.stop();
  console.log(`@@bench ${JSON.stringify({ rows })}`);
};

await main();
