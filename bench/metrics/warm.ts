/**
 * Warm handler overhead: microseconds per request of our code, in this process, with the stores
 * replaced by in-memory ones at their ports, beside the same operations on middy and on the
 * Powertools event handler (`bench/baselines/`).
 *
 * Each implementation first answers every operation once and is checked (status, and the same
 * response body keys as ours), then gets a warm-up; then rounds of `batch` requests, the
 * implementations in a new random order each round, every request timed on its own. The event is
 * built before the clock starts.
 */
import type { HttpEvent, HttpResponse } from '@tessera/shared/http';
import type { Context } from 'aws-lambda';
import { createMiddyTickets } from '../baselines/middy.ts';
import { createPowertoolsTickets } from '../baselines/powertools.ts';
import { benchDependencies } from '../fixtures/dependencies.ts';
import {
  createTicketEvent,
  getTicketEvent,
  invalidCreateTicketEvent,
  lambdaContext,
} from '../fixtures/events.ts';
import { createTesseraTickets } from '../fixtures/tessera-tickets.ts';
import type { WarmResults, WarmRow } from '../lib/results.ts';
import { shuffled, summarize } from '../lib/stats.ts';

type Handle = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

interface Operation {
  readonly name: string;
  readonly event: () => HttpEvent;
  readonly status: number;
}

const OPERATIONS: readonly Operation[] = [
  { name: 'GET /v1/tickets/{id}', event: getTicketEvent, status: 200 },
  { name: 'POST /v1/tickets', event: createTicketEvent, status: 201 },
  {
    name: 'POST /v1/tickets, unknown field (400)',
    event: invalidCreateTicketEvent,
    status: 400,
  },
];

const IMPLEMENTATIONS: ReadonlyArray<{ readonly name: string; readonly create: () => Handle }> = [
  { name: 'tessera', create: () => createTesseraTickets(benchDependencies()) },
  { name: 'middy', create: () => createMiddyTickets(benchDependencies()) },
  { name: 'powertools', create: () => createPowertoolsTickets(benchDependencies()) },
];

const bodyKeys = (response: HttpResponse) => {
  try {
    return Object.keys(JSON.parse(String(response.body)) as object)
      .sort()
      .join(',');
  } catch {
    return '';
  }
};

/** Every implementation answers every operation as ours does, or the benchmark stops. */
const checkEquivalence = async (handles: ReadonlyMap<string, Handle>, context: Context) => {
  for (const operation of OPERATIONS) {
    const ours = await (handles.get('tessera') as Handle)(operation.event(), context);
    for (const [name, handle] of handles) {
      const response = await handle(operation.event(), context);
      if (response.statusCode !== operation.status) {
        throw new Error(`${name} answered ${operation.name} with ${response.statusCode}: ${response.body}`);
      }
      if (operation.status < 400 && bodyKeys(response) !== bodyKeys(ours)) {
        throw new Error(`${name} answered ${operation.name} with another body: ${response.body}`);
      }
    }
  }
};

/**
 * Measures every operation on every implementation.
 *
 * @example
 * const warm = await measureWarm({ warmup: 3000, rounds: 25, batch: 400, log: console.log });
 */
const measureWarm = async (options: {
  readonly warmup: number;
  readonly rounds: number;
  readonly batch: number;
  readonly log: (line: string) => void;
}): Promise<WarmResults> => {
  const context = lambdaContext('tessera-bench-tickets');
  const handles = new Map(IMPLEMENTATIONS.map((impl) => [impl.name, impl.create()]));
  await checkEquivalence(handles, context);

  const rows: WarmRow[] = [];
  for (const operation of OPERATIONS) {
    for (const handle of handles.values()) {
      for (let i = 0; i < options.warmup; i++) await handle(operation.event(), context);
    }
    const samples = new Map<string, number[]>([...handles.keys()].map((name) => [name, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const name of shuffled([...handles.keys()])) {
        const handle = handles.get(name) as Handle;
        const into = samples.get(name) as number[];
        for (let i = 0; i < options.batch; i++) {
          const event = operation.event();
          const started = process.hrtime.bigint();
          await handle(event, context);
          into.push(Number(process.hrtime.bigint() - started) / 1000);
        }
      }
    }
    for (const [name, values] of samples) {
      rows.push({
        operation: operation.name,
        implementation: name,
        status: operation.status,
        usPerRequest: summarize(values),
      });
    }
    const line = [...samples.entries()]
      .map(([name, values]) => `${name} ${summarize(values).median.toFixed(1)} µs`)
      .join(', ');
    options.log(`  ${operation.name}: ${line}`);
  }
  return { warmup: options.warmup, rounds: options.rounds, batch: options.batch, rows };
};

export { measureWarm };
