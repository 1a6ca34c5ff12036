/**
 * DynamoDB capacity per API operation, at several table sizes, measured through the tickets bundle
 * as it ships (`dist/tickets/index.mjs`, the export and environment its manifest declares) serving
 * API Gateway v2 events, against DynamoDB Local. The function's DynamoDB endpoint is the bench's
 * AWS stand-in (`bench/lib/aws-endpoint.ts`) forwarding every call to DynamoDB Local with
 * `ReturnConsumedCapacity: TOTAL`; an operation's cost is the units DynamoDB Local reported for
 * every call the function made while serving it.
 *
 * For each size a fresh tickets table is filled with that many tickets from 200 reporters, of
 * which one (the subject) always has exactly 50 and one provider always has 30 assigned, so a list
 * that reads only the caller's partitions costs the same at every size. The stored tickets are
 * copies of templates the bundle itself wrote (one per status, unassigned and assigned), read back
 * through the bundle, with their ids, reporter and times replaced: the bench never learns the
 * store's format. Making an assigned template takes the provider's role to reach the tickets
 * service's users directory as in AWS: the users bundle registers the provider and an admin
 * changes its role, the outbox publisher bundle publishes the outbox items of those writes, and
 * the tickets bundle receives the events its manifest subscribes to. Beside them, the Scan-based
 * list of seed 004, whose cost grows with the table, through the same stand-in.
 *
 * `npm run bench` calls `measureCapacity` (at 1,000 and 50,000); the command line still works:
 *
 * Usage: npx tsx bench/capacity.ts [--sizes=100,10000] [--json=<file>]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DeleteTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { loadManifests, type Manifest } from '../packages/tooling/src/manifests.ts';
import { repoRoot } from '../packages/tooling/src/repo.ts';
import {
  type Caller,
  eventBridgeDelivery,
  type HttpResult,
  httpEvent,
  streamEvent,
} from './fixtures/events.ts';
import { type AwsEndpoint, startAwsEndpoint } from './lib/aws-endpoint.ts';
import { ensureTable, localClient, putAll, startDynamoDbLocal } from './lib/dynamodb-local.ts';
import { type FunctionHost, startFunctionHost } from './lib/function-host.ts';
import { type BenchFunction, benchFunctions, bundleEntry, functionEnvironment } from './lib/functions.ts';
import { freePort } from './lib/net.ts';
import type { CapacityMeasurement, CapacityResults } from './lib/results.ts';
import { generateSecrets } from './lib/secrets.ts';

type Item = Record<string, AttributeValue>;

const argument = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const PAGE = 20;
/** BatchWriteItem calls in flight while seeding. */
const SEED_CONCURRENCY = 4;
const SUBJECT_TICKETS = 50;
const PROVIDER_TICKETS = 30;
const REPORTERS = 200;

/** The ticket workflow, as the API documents it: how an admin brings a new ticket to each status. */
const STEPS_TO: Readonly<Record<string, readonly string[]>> = {
  NEW: [],
  OPEN: ['OPEN'],
  IN_PROGRESS: ['OPEN', 'IN_PROGRESS'],
  RESOLVED: ['OPEN', 'IN_PROGRESS', 'RESOLVED'],
  CLOSED: ['CLOSED'],
};
const STATUSES = Object.keys(STEPS_TO);

interface Template {
  /** The ticket as the store wrote it, read back through the bundle (marshalled). */
  readonly item: Item;
  readonly id: string;
  readonly reporterId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const body = (what: string, result: unknown, status: number): Record<string, unknown> => {
  const answer = result as HttpResult | null;
  if (answer?.statusCode !== status) {
    throw new Error(`${what} answered ${answer?.statusCode} (expected ${status}): ${answer?.body ?? ''}`);
  }
  return JSON.parse(answer.body ?? '{}') as Record<string, unknown>;
};

/** True when an EventBridge pattern of literal values matches an event. */
const matches = (pattern: unknown, value: unknown): boolean => {
  if (Array.isArray(pattern)) {
    if (!pattern.every((p) => typeof p !== 'object' || p === null)) {
      throw new Error(`the bench matches literal patterns only, not ${JSON.stringify(pattern)}`);
    }
    return pattern.includes(value);
  }
  if (typeof pattern === 'object' && pattern !== null) {
    const object = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    return Object.entries(pattern).every(([key, inner]) => matches(inner, object[key]));
  }
  return pattern === value;
};

/**
 * What AWS does after writes, for the bench: each item the writes since `since` put goes to the
 * outbox publisher as a stream record, and each event it publishes goes to the functions whose
 * manifest subscriptions match it.
 */
const deliverEvents = async (
  aws: AwsEndpoint,
  since: number,
  publisher: { readonly host: FunctionHost; readonly target: BenchFunction },
  subscribers: ReadonlyArray<{ readonly host: FunctionHost; readonly target: BenchFunction }>,
) => {
  const puts = aws.exchanges
    .slice(since)
    .filter((e) => e.operation === 'TransactWriteItems' || e.operation === 'PutItem')
    .flatMap((e) =>
      e.operation === 'PutItem'
        ? [{ TableName: String(e.request.TableName), Item: e.request.Item as Item }]
        : ((e.request.TransactItems ?? []) as Array<{ Put?: { TableName: string; Item: Item } }>).flatMap(
            (entry) => (entry.Put ? [entry.Put] : []),
          ),
    );
  const published = aws.events.length;
  for (const put of puts) {
    await publisher.host.invoke(publisher.target.exportName, streamEvent(put.TableName, [put.Item]));
  }
  for (const entry of aws.events.slice(published)) {
    const delivery = eventBridgeDelivery(entry);
    for (const { host, target } of subscribers) {
      for (const subscription of target.manifest.subscriptions) {
        if (subscription.target.function === target.name && matches(subscription.pattern, delivery)) {
          await host.invoke(target.exportName, delivery);
        }
      }
    }
  }
};

/** The one top-level attribute of an item holding exactly this string: where the store keeps it. */
const attributeHolding = (item: Item, value: string): string => {
  const names = Object.entries(item)
    .filter(([, attribute]) => attribute.S === value)
    .map(([name]) => name);
  if (names.length !== 1)
    throw new Error(`the stored ticket holds its reporter in ${names.length} attributes`);
  return names[0] as string;
};

/** A template copied as another ticket: every occurrence of its id, reporter and times replaced. */
const copyOf = (template: Template, ticket: { id: string; reporterId: string; at: string }): Item => {
  let text = JSON.stringify(template.item);
  const swap = (from: string, to: string) => {
    text = text.split(from).join(to);
  };
  swap(template.id, ticket.id);
  swap(template.reporterId, ticket.reporterId);
  swap(template.createdAt, ticket.at);
  swap(template.updatedAt, ticket.at);
  return JSON.parse(text) as Item;
};

interface Fixture {
  readonly aws: AwsEndpoint;
  readonly home: string;
  readonly dist: string;
  readonly tickets: BenchFunction;
}

/** The tickets bundle in a host, its table the one named (or `bench-<table>-<service>`). */
const ticketsHost = (fixture: Fixture, tableName: (manifest: Manifest) => string) =>
  startFunctionHost(
    bundleEntry(fixture.dist, fixture.tickets),
    functionEnvironment(fixture.tickets, { endpoint: fixture.aws.endpoint, home: fixture.home, tableName }),
  );

/**
 * The templates, made through the bundles on their own tables: a provider known to the tickets
 * service, and per status one ticket unassigned and one assigned to that provider.
 */
const makeTemplates = async (
  fixture: Fixture,
  functions: readonly BenchFunction[],
  manifests: readonly Manifest[],
  client: ReturnType<typeof localClient>,
) => {
  const tableName = (manifest: Manifest) => `bench-templates-${manifest.name}`;
  for (const manifest of manifests) {
    if (manifest.tableDeclaration) await ensureTable(client, manifest.tableDeclaration, tableName(manifest));
  }
  const users = functions.find((f) => f.bundle === 'users' && f.fn.http === 'operations');
  const publisher = functions.find((f) => f.fn.tableStreams);
  if (!users || !publisher) throw new Error('the manifests declare no users HTTP function or no publisher');
  const start = (target: BenchFunction) =>
    startFunctionHost(
      bundleEntry(fixture.dist, target),
      functionEnvironment(target, { endpoint: fixture.aws.endpoint, home: fixture.home, tableName }),
    );
  const hosts = {
    users: await start(users),
    publisher: await start(publisher),
    tickets: await ticketsHost(fixture, tableName),
  };
  try {
    const admin: Caller = { userId: randomUUID(), role: 'admin' };
    const reporter: Caller = { userId: randomUUID(), role: 'user' };
    const since = fixture.aws.exchanges.length;
    const registered = body(
      'POST /v1/auth/register',
      await hosts.users.invoke(
        users.exportName,
        httpEvent({
          method: 'POST',
          route: '/v1/auth/register',
          body: JSON.stringify({
            email: 'provider@example.com',
            password: 'correct horse battery staple',
            name: 'Pat',
          }),
        }),
      ),
      201,
    );
    const provider: Caller = { userId: String(registered.id), role: 'provider' };
    body(
      'PATCH /v1/users/{userId}',
      await hosts.users.invoke(
        users.exportName,
        httpEvent({
          method: 'PATCH',
          route: '/v1/users/{userId}',
          pathParameters: { userId: provider.userId },
          body: JSON.stringify({ role: 'provider' }),
          caller: admin,
        }),
      ),
      200,
    );
    await deliverEvents(fixture.aws, since, { host: hosts.publisher, target: publisher }, [
      { host: hosts.tickets, target: fixture.tickets },
    ]);

    const invoke = (event: unknown) => hosts.tickets.invoke(fixture.tickets.exportName, event);
    const patch = async (id: string, change: Record<string, unknown>) =>
      body(
        `PATCH ${JSON.stringify(change)}`,
        await invoke(
          httpEvent({
            method: 'PATCH',
            route: '/v1/tickets/{ticketId}',
            pathParameters: { ticketId: id },
            body: JSON.stringify(change),
            caller: admin,
          }),
        ),
        200,
      );
    const template = async (status: string, assigned: boolean): Promise<Template> => {
      const created = body(
        'POST /v1/tickets',
        await invoke(
          httpEvent({
            method: 'POST',
            route: '/v1/tickets',
            body: JSON.stringify({
              title: 'A ticket',
              description: 'A description of ordinary length, as tickets go.',
              priority: 'MEDIUM',
            }),
            caller: reporter,
          }),
        ),
        201,
      );
      const id = String(created.id);
      if (assigned) await patch(id, { assigneeId: provider.userId });
      for (const step of STEPS_TO[status] ?? []) await patch(id, { status: step });
      const read = fixture.aws.exchanges.length;
      const ticket = body(
        'GET /v1/tickets/{ticketId}',
        await invoke(
          httpEvent({
            method: 'GET',
            route: '/v1/tickets/{ticketId}',
            pathParameters: { ticketId: id },
            caller: admin,
          }),
        ),
        200,
      );
      const got = fixture.aws.exchanges.slice(read).find((e) => e.operation === 'GetItem');
      const item = got?.response?.Item as Item | undefined;
      if (!item) throw new Error('the bundle read no item for the template');
      return {
        item,
        id,
        reporterId: reporter.userId,
        createdAt: String(ticket.createdAt),
        updatedAt: String(ticket.updatedAt),
      };
    };
    const templates = { unassigned: new Map<string, Template>(), assigned: new Map<string, Template>() };
    for (const status of STATUSES) {
      templates.unassigned.set(status, await template(status, false));
      templates.assigned.set(status, await template(status, true));
    }
    return { templates, provider };
  } finally {
    await Promise.all(Object.values(hosts).map((host) => host.stop()));
    for (const manifest of manifests) {
      if (manifest.tableDeclaration)
        await client.send(new DeleteTableCommand({ TableName: tableName(manifest) }));
    }
  }
};

const seed = async (
  client: ReturnType<typeof localClient>,
  tableName: string,
  size: number,
  templates: Awaited<ReturnType<typeof makeTemplates>>['templates'],
  subject: string,
) => {
  const reporters = Array.from({ length: REPORTERS - 1 }, () => randomUUID());
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const items: Item[] = Array.from({ length: size }, (_, i) => {
    const status = STATUSES[i % STATUSES.length] as string;
    const assigned = i >= SUBJECT_TICKETS && i < SUBJECT_TICKETS + PROVIDER_TICKETS;
    const template = (assigned ? templates.assigned : templates.unassigned).get(status) as Template;
    return copyOf(template, {
      id: randomUUID(),
      reporterId: i < SUBJECT_TICKETS ? subject : (reporters[i % reporters.length] as string),
      at: new Date(start + i * 60_000).toISOString(),
    });
  });
  await putAll(client, tableName, items, SEED_CONCURRENCY);
};

/**
 * Measures every operation at every size, on a DynamoDB Local started for the run.
 *
 * @example
 * const capacity = await measureCapacity({ sizes: [1000, 50000] });
 */
const measureCapacity = async (options: {
  readonly sizes: readonly number[];
  readonly dist?: string;
  readonly log?: (line: string) => void;
}): Promise<CapacityResults> => {
  const { sizes } = options;
  const manifests = loadManifests();
  const functions = benchFunctions(manifests);
  const tickets = functions.find((f) => f.bundle === 'tickets' && f.fn.http === 'operations');
  const declaration = tickets?.manifest.tableDeclaration;
  if (!tickets || !declaration)
    throw new Error('the manifests declare no tickets HTTP function with a table');
  const dynamodb = await startDynamoDbLocal({ port: await freePort() });
  const aws = await startAwsEndpoint({
    parameters: await generateSecrets(manifests),
    dynamodb: { kind: 'forward', to: dynamodb.endpoint },
  });
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-capacity-'));
  const direct = localClient(dynamodb.endpoint);
  // The Scan baseline goes through the stand-in too, so its units are counted the same way.
  const metered = localClient(aws.endpoint);
  const fixture: Fixture = { aws, home, dist: options.dist ?? join(repoRoot, 'dist'), tickets };
  const measurements: CapacityMeasurement[] = [];
  const seedMs: Record<string, number> = {};
  try {
    const { templates, provider } = await makeTemplates(fixture, functions, manifests, direct);
    const reporterAttribute = attributeHolding(
      (templates.unassigned.get('NEW') as Template).item,
      (templates.unassigned.get('NEW') as Template).reporterId,
    );
    for (const size of sizes) {
      const tableName = `bench-tickets-${size}`;
      await ensureTable(direct, declaration, tableName);
      const subject: Caller = { userId: randomUUID(), role: 'user' };
      const admin: Caller = { userId: randomUUID(), role: 'admin' };
      const seeding = performance.now();
      await seed(direct, tableName, size, templates, subject.userId);
      seedMs[String(size)] = Math.round(performance.now() - seeding);
      options.log?.(
        `  capacity: ${size.toLocaleString('en')} tickets seeded in ${(seedMs[String(size)] ?? 0) / 1000} s`,
      );
      const host = await ticketsHost(fixture, () => tableName);
      try {
        /** Serves one request and records the units of every DynamoDB call it made. */
        const measure = async (operation: string, event: unknown, status: number) => {
          aws.resetUnits();
          const result = await host.invoke(tickets.exportName, event);
          if ((result as HttpResult | null)?.statusCode !== status) options.log?.(host.output());
          const answer = body(operation, result, status);
          const { read, write } = aws.units;
          const items = Array.isArray(answer.items) ? answer.items.length : 1;
          measurements.push({ operation, size, readUnits: read, writeUnits: write, items });
          return answer;
        };
        const list = (label: string, caller: Caller, query: Record<string, string> = {}) =>
          measure(
            label,
            httpEvent({
              method: 'GET',
              route: '/v1/tickets',
              query: { limit: String(PAGE), ...query },
              caller,
            }),
            200,
          );

        const created = await measure(
          'POST /v1/tickets (create)',
          httpEvent({
            method: 'POST',
            route: '/v1/tickets',
            body: JSON.stringify({
              title: 'Fresh',
              description: 'A description of ordinary length, as tickets go.',
            }),
            caller: subject,
          }),
          201,
        );
        const ticketId = String(created.id);
        const onTicket = {
          route: '/v1/tickets/{ticketId}',
          pathParameters: { ticketId },
          caller: subject,
        } as const;
        await measure('GET /v1/tickets/{id} (get)', httpEvent({ method: 'GET', ...onTicket }), 200);
        await measure(
          'PATCH /v1/tickets/{id} (read, then conditional write)',
          httpEvent({ method: 'PATCH', ...onTicket, body: JSON.stringify({ title: 'Changed' }) }),
          200,
        );
        await list('GET /v1/tickets as a user (by-reporter)', subject);
        await list('GET /v1/tickets as a user, ?status=OPEN', subject, { status: 'OPEN' });
        await list('GET /v1/tickets as a provider (reporter + assignee merged)', provider);
        await list('GET /v1/tickets?status=OPEN as an admin (by-status)', admin, { status: 'OPEN' });
        await list('GET /v1/tickets as an admin (five status partitions merged)', admin);
      } finally {
        await host.stop();
      }

      // Seed 004's way: scan the table, filtering on the reporter, until a page is full.
      aws.resetUnits();
      let found = 0;
      let startKey: Item | undefined;
      do {
        const page = await metered.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: '#reporter = :reporter',
            ExpressionAttributeNames: { '#reporter': reporterAttribute },
            ExpressionAttributeValues: { ':reporter': { S: subject.userId } },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        found += page.Items?.length ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey && found < PAGE);
      measurements.push({
        operation: 'Scan-based list of a user (seed 004, baseline)',
        size,
        readUnits: aws.units.read,
        writeUnits: aws.units.write,
        items: Math.min(PAGE, found),
      });
      await direct.send(new DeleteTableCommand({ TableName: tableName }));
    }
  } finally {
    direct.destroy();
    metered.destroy();
    await aws.stop();
    await dynamodb.stop();
    rmSync(home, { recursive: true, force: true });
  }
  return { sizes, page: PAGE, measurements, seedMs };
};

const main = async () => {
  const sizes = (argument('sizes') ?? '100,10000').split(',').map(Number);
  const { measurements } = await measureCapacity({ sizes, log: console.log });
  const operations = [...new Set(measurements.map((m) => m.operation))];
  const cell = (m: CapacityMeasurement | undefined) =>
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
