/**
 * DynamoDB capacity per API operation, measured with ReturnConsumedCapacity on DynamoDB Local, at
 * several table sizes, through the real tickets store (the code the Lambda runs).
 *
 * For each size a fresh tickets table is filled with that many tickets from 200 reporters, of which
 * one (the subject) always has exactly 50 and one provider always has 30 assigned, so a list that
 * reads only the caller's partition costs the same at every size. Beside them, the Scan-based list of
 * seed 004, whose cost grows with the table.
 *
 * `npm run bench` calls `measureCapacity` (at 1,000 and 50,000); the command line still works:
 *
 * Usage: npx tsx bench/capacity.ts [--sizes=100,10000] [--json=<file>]
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { newEvent } from '@tessera/shared/events';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../packages/devstack/src/dynamodb-local.ts';
import { freePort } from '../packages/devstack/src/ports.ts';
import { discoverServices } from '../packages/devstack/src/services.ts';
import { ensureTable } from '../packages/devstack/src/tables.ts';
import { createTicketStore, ticketItem } from '../services/tickets/src/adapters/ticket-store.ts';
import type { ListSource } from '../services/tickets/src/domain/ports.ts';
import { STATUSES, type Ticket } from '../services/tickets/src/domain/ticket.ts';
import type { CapacityMeasurement, CapacityResults } from './lib/results.ts';

type Measurement = CapacityMeasurement;

const argument = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const PAGE = 20;
/** BatchWriteItem calls in flight while seeding. */
const SEED_CONCURRENCY = 4;
const SUBJECT_TICKETS = 50;
const PROVIDER_TICKETS = 30;

/** A document client that asks every call for its consumed capacity and adds it up. */
const meteredClient = (endpoint: string) => {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const total = { read: 0, write: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const c = entry as {
          ReadCapacityUnits?: number;
          WriteCapacityUnits?: number;
          CapacityUnits?: number;
        };
        total.read += c.ReadCapacityUnits ?? 0;
        total.write += c.WriteCapacityUnits ?? 0;
        if (c.ReadCapacityUnits === undefined && c.WriteCapacityUnits === undefined)
          total.read += c.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const measure = async <T>(run: () => Promise<T>): Promise<{ result: T; read: number; write: number }> => {
    total.read = 0;
    total.write = 0;
    const result = await run();
    return { result, read: total.read, write: total.write };
  };
  return { client, documentClient, measure };
};

const seed = async (
  documentClient: DynamoDBDocumentClient,
  tableName: string,
  size: number,
  subject: string,
  provider: string,
) => {
  const reporters = Array.from({ length: 199 }, () => randomUUID());
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const tickets: Ticket[] = Array.from({ length: size }, (_, i) => {
    const at = new Date(start + i * 60_000).toISOString();
    const reporterId = i < SUBJECT_TICKETS ? subject : (reporters[i % reporters.length] as string);
    const assigneeId = i >= SUBJECT_TICKETS && i < SUBJECT_TICKETS + PROVIDER_TICKETS ? provider : null;
    return {
      id: randomUUID(),
      title: `Ticket ${i}`,
      description: 'A description of ordinary length, as tickets go.',
      priority: 'MEDIUM',
      status: STATUSES[i % STATUSES.length] as Ticket['status'],
      reporterId,
      assigneeId,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
  });
  const writeChunk = async (chunk: readonly Ticket[]) => {
    let requests = chunk.map((t) => ({ PutRequest: { Item: ticketItem(t) } }));
    while (requests.length > 0) {
      const result = await documentClient.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < tickets.length) {
      const start = next;
      next += 25;
      await writeChunk(tickets.slice(start, start + 25));
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return tickets;
};

/**
 * Measures every operation at every size, on a DynamoDB Local started for the run.
 *
 * @example
 * const capacity = await measureCapacity({ sizes: [1000, 50000] });
 */
const measureCapacity = async (options: {
  readonly sizes: readonly number[];
  readonly log?: (line: string) => void;
}): Promise<CapacityResults> => {
  const { sizes } = options;
  const dynamodb = await startDynamoDbLocal({ port: await freePort() });
  const declaration = discoverServices().find((s) => s.name === 'tickets')?.table;
  if (!declaration) throw new Error('no tickets table declaration');
  const measurements: Measurement[] = [];
  const seedMs: Record<string, number> = {};
  try {
    for (const size of sizes) {
      const { client, documentClient, measure } = meteredClient(dynamodb.endpoint);
      const tableName = `bench-tickets-${size}`;
      await ensureTable(client, declaration, tableName);
      const subject = randomUUID();
      const provider = randomUUID();
      const seeding = performance.now();
      const tickets = await seed(documentClient, tableName, size, subject, provider);
      seedMs[String(size)] = Math.round(performance.now() - seeding);
      options.log?.(
        `  capacity: ${size.toLocaleString('en')} tickets seeded in ${(seedMs[String(size)] ?? 0) / 1000} s`,
      );
      const store = createTicketStore(documentClient, tableName);
      const record = (operation: string, m: { read: number; write: number }, items: number) =>
        measurements.push({ operation, size, readUnits: m.read, writeUnits: m.write, items });

      const fresh: Ticket = {
        ...(tickets[0] as Ticket),
        id: randomUUID(),
        createdAt: new Date().toISOString(),
      };
      const created = await measure(() =>
        store.create(
          fresh,
          newEvent('ticket.created', { ticket: fresh }, { correlationId: 'bench', occurredAt: new Date() }),
        ),
      );
      record('POST /v1/tickets (create)', created, 1);

      const got = await measure(() => store.get(fresh.id));
      record('GET /v1/tickets/{id} (get)', got, 1);

      const next = { ...fresh, title: 'Changed', version: 2 };
      const updated = await measure(async () => {
        await store.get(fresh.id);
        return store.replace(
          next,
          1,
          newEvent(
            'ticket.updated',
            {
              ticket: next,
              changes: ['title'],
              previousStatus: fresh.status,
              previousAssigneeId: null,
              changedBy: fresh.reporterId,
            },
            { correlationId: 'bench', occurredAt: new Date() },
          ),
        );
      });
      record('PATCH /v1/tickets/{id} (read, then conditional write)', updated, 1);

      const list = async (label: string, sources: ListSource[], filter = {}) => {
        const page = await measure(() =>
          store.list({ sources, filter, limit: PAGE, positions: sources.map(() => null) }),
        );
        record(label, page, page.result.items.length);
      };
      await list('GET /v1/tickets as a user (by-reporter)', [{ index: 'by-reporter', userId: subject }]);
      await list('GET /v1/tickets as a user, ?status=OPEN', [{ index: 'by-reporter', userId: subject }], {
        status: 'OPEN',
      });
      await list('GET /v1/tickets as a provider (reporter + assignee merged)', [
        { index: 'by-reporter', userId: provider },
        { index: 'by-assignee', userId: provider },
      ]);
      await list('GET /v1/tickets?status=OPEN as an admin (by-status)', [
        { index: 'by-status', status: 'OPEN' },
      ]);
      await list(
        'GET /v1/tickets as an admin (five status partitions merged)',
        STATUSES.map((status) => ({ index: 'by-status' as const, status })),
      );

      // Seed 004's way: scan the table, filtering on the reporter, until a page is full.
      const scanned = await measure(async () => {
        const found: unknown[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await documentClient.send(
            new ScanCommand({
              TableName: tableName,
              FilterExpression: 'reporterId = :r',
              ExpressionAttributeValues: { ':r': subject },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
          found.push(...(page.Items ?? []));
          startKey = page.LastEvaluatedKey;
        } while (startKey && found.length < PAGE);
        return found;
      });
      record(
        'Scan-based list of a user (seed 004, baseline)',
        scanned,
        Math.min(PAGE, scanned.result.length),
      );

      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    }
  } finally {
    await dynamodb.stop();
  }
  return { sizes, page: PAGE, measurements, seedMs };
};

const main = async () => {
  const sizes = (argument('sizes') ?? '100,10000').split(',').map(Number);
  const { measurements } = await measureCapacity({ sizes, log: console.log });
  const operations = [...new Set(measurements.map((m) => m.operation))];
  const cell = (m: Measurement | undefined) =>
    m
      ? `${(m.readUnits + m.writeUnits).toFixed(1)} (${m.readUnits.toFixed(1)} R, ${m.writeUnits.toFixed(1)} W)`
      : '-';
  console.log(`| operation | ${sizes.map((s) => `${s.toLocaleString('en')} tickets`).join(' | ')} |`);
  console.log(`|---|${sizes.map(() => '---').join('|')}|`);
  for (const operation of operations) {
    console.log(
      `| ${operation} | ${sizes.map((s) => cell(measurements.find((m) => m.operation === operation && m.size === s))).join(' | ')} |`,
    );
  }
  const json = argument('json');
  if (json) writeFileSync(json, JSON.stringify({ sizes, page: PAGE, measurements }, null, 2));
};

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) await main();

export { measureCapacity, PAGE };
