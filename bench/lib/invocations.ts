/**
 * What a cold-start run needs to invoke a bundle as Lambda would: the variants, one per function of
 * every manifest (`bench/lib/functions.ts`: bundle, export, memory, environment), beside `node -e ''`
 * and the SDK-only floors; the AWS stand-in they call (`bench/lib/aws-endpoint.ts`, DynamoDB in
 * memory), with the secrets of the bench environment as SSM parameters (functions get `ssm:`
 * references, as in AWS), and an empty HOME (no `~/.aws` to read, as in Lambda).
 *
 * The one request each function serves comes from what it is invoked by: a function serving HTTP
 * operations gets the request named below for its service, the API authorizer one ES256 access
 * token signed for its key set, the outbox publisher the stream record of an outbox item. The data
 * a request reads is made first, untimed, by the same bundles through the same entries (a ticket
 * created, a user registered), so the stand-in holds what the stores themselves wrote and the bench
 * need not know their formats.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { loadManifests } from '../../packages/tooling/src/manifests.ts';
import {
  authorizerEvent,
  CALLER,
  createTicketEvent,
  getTicketEvent,
  type HttpResult,
  httpEvent,
  streamEvent,
} from '../fixtures/events.ts';
import { type AwsEndpoint, startAwsEndpoint } from './aws-endpoint.ts';
import type { Floor } from './floor.ts';
import { type FunctionHost, startFunctionHost } from './function-host.ts';
import {
  type BenchFunction,
  benchFunctions,
  bundleEntry,
  EVENT_BUS_NAME,
  functionEnvironment,
  lambdaEnvironment,
  tableKeys,
} from './functions.ts';
import { generateSecrets, tokenSigner } from './secrets.ts';

type VariantKind = 'node' | 'floor' | 'service' | 'compare';

/** The prefix of the variants of the bundles compared with in the same run. */
const COMPARE_PREFIX = 'before: ';

/** What the child reports when the request was served: a status code, `ok` (no failed records), or `authorized`. */
type Expected = number | 'ok' | 'authorized';

interface Variant {
  /** `node -e ''`, `floor-dynamodb`, `tickets`, `users-authorizer`. */
  readonly name: string;
  readonly kind: VariantKind;
  /** The bundle folder (the manifest's name) for a function; the floor's name for a floor. */
  readonly bundle?: string;
  /** The folder of the bundle; absent for `node -e ''`. */
  readonly directory?: string;
  readonly exportName?: string;
  /** What the one request is, for the report. */
  readonly request?: string;
  readonly expect?: Expected;
  readonly env: Readonly<Record<string, string>>;
  /** The floor this variant is compared with; none for a function that calls no AWS service. */
  readonly floor?: string;
  /** Calls the stand-in answered so far that prove this variant's request reached its data (checked per run). */
  readonly reached?: () => number;
}

interface InvocationSetup {
  readonly aws: AwsEndpoint;
  readonly variants: Variant[];
  /** Functions of the manifests with no request the bench knows, which are not measured. */
  readonly unmeasured: readonly string[];
  stop(): Promise<void>;
}

interface Prepared {
  readonly request: string;
  readonly event: unknown;
  readonly expect: Expected;
}

/** Makes, through a host of the function's own bundle, the data its request reads; returns the request. */
type Preparation = (host: FunctionHost, target: BenchFunction) => Promise<Prepared>;

const FLOOR_TABLE = 'tessera-bench-floor';
const FLOOR_ITEM = { pk: 'FLOOR#1', sk: 'FLOOR', payload: 'x'.repeat(300), version: 1 };

const statusOf = (result: unknown) => (result as HttpResult | null)?.statusCode;

const expectStatus = (what: string, result: unknown, status: number): Record<string, unknown> => {
  const answer = result as HttpResult | null;
  if (answer?.statusCode !== status) {
    throw new Error(`${what} answered ${statusOf(result)} (expected ${status}): ${answer?.body ?? ''}`);
  }
  return JSON.parse(answer.body ?? '{}') as Record<string, unknown>;
};

/** The request each service's HTTP function serves on its cold start, and how its data is made. */
const HTTP_REQUESTS: Readonly<Record<string, Preparation>> = {
  tickets: async (host, target) => {
    const created = expectStatus(
      'POST /v1/tickets',
      await host.invoke(target.exportName, createTicketEvent(CALLER)),
      201,
    );
    return { request: 'GET /v1/tickets/{ticketId}', event: getTicketEvent(String(created.id)), expect: 200 };
  },
  users: async (host, target) => {
    const registered = expectStatus(
      'POST /v1/auth/register',
      await host.invoke(
        target.exportName,
        httpEvent({
          method: 'POST',
          route: '/v1/auth/register',
          body: JSON.stringify({
            email: 'ada@example.com',
            password: 'correct horse battery staple',
            name: 'Ada',
          }),
        }),
      ),
      201,
    );
    return {
      request: 'GET /v1/users/me',
      event: httpEvent({
        method: 'GET',
        route: '/v1/users/me',
        caller: { userId: String(registered.id), role: 'user' },
      }),
      expect: 200,
    };
  },
  bookings: async (host, target) => {
    const provider = { userId: '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', role: 'provider' } as const;
    const room = expectStatus(
      'POST /v1/rooms',
      await host.invoke(
        target.exportName,
        httpEvent({
          method: 'POST',
          route: '/v1/rooms',
          caller: provider,
          body: JSON.stringify({
            name: 'Blue',
            type: 'meeting',
            capacity: 8,
            pricePerHour: 1000,
            currency: 'EUR',
          }),
        }),
      ),
      201,
    );
    // Tomorrow at 10:00 UTC, for an hour: in the future whenever the bench runs.
    const start = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 10 * 3_600_000);
    const booking = expectStatus(
      'POST /v1/bookings',
      await host.invoke(
        target.exportName,
        httpEvent({
          method: 'POST',
          route: '/v1/bookings',
          caller: CALLER,
          body: JSON.stringify({
            roomId: String(room.id),
            startTime: start.toISOString(),
            endTime: new Date(start.getTime() + 3_600_000).toISOString(),
          }),
        }),
      ),
      201,
    );
    return {
      request: 'GET /v1/bookings/{bookingId}',
      event: httpEvent({
        method: 'GET',
        route: '/v1/bookings/{bookingId}',
        pathParameters: { bookingId: String(booking.id) },
        caller: CALLER,
      }),
      expect: 200,
    };
  },
  // Payments are made by its queue consumer, not over HTTP; a read of a payment that is not there
  // runs the same code as one that is (contract validation, the handler, one GetItem) and answers 404.
  payments: async () => ({
    request: 'GET /v1/payments/{paymentId}',
    event: httpEvent({
      method: 'GET',
      route: '/v1/payments/{paymentId}',
      pathParameters: { paymentId: '5a0e0d4c-7c2b-8f3e-9a1d-2b3c4d5e6f70' },
      caller: CALLER,
    }),
    expect: 404,
  }),
  // The inbox operation: one Query of the caller's inbox (empty here, the same code as a full one).
  notifications: async () => ({
    request: 'GET /v1/notifications',
    event: httpEvent({ method: 'GET', route: '/v1/notifications', caller: CALLER }),
    expect: 200,
  }),
};

/** Items written by transactions since a point of the stand-in's record: candidates for the stream. */
const transactionPuts = (aws: AwsEndpoint, since: number) =>
  aws.exchanges
    .slice(since)
    .filter((e) => e.operation === 'TransactWriteItems')
    .flatMap((e) =>
      (
        (e.request.TransactItems ?? []) as Array<{
          Put?: { TableName: string; Item: Record<string, unknown> };
        }>
      ).flatMap((entry) => (entry.Put ? [entry.Put] : [])),
    );

/** The calls of these operations the stand-in has answered so far. */
const counter = (aws: AwsEndpoint, operations: readonly string[]) => () =>
  operations.reduce((sum, operation) => sum + (aws.calls.get(operation) ?? 0), 0);

const DYNAMODB_READS = ['GetItem', 'Query', 'BatchGetItem', 'TransactGetItems'];

/**
 * Starts the stand-in, makes the data, and lists the variants: `node -e ''`, each floor, and each
 * function of every manifest whose bundle is in the dist folder (and in the compared one).
 *
 * @example
 * const setup = await prepareInvocations('dist', floors);
 */
const prepareInvocations = async (
  dist: string,
  floors: readonly Floor[],
  compareDist?: string,
): Promise<InvocationSetup> => {
  const manifests = loadManifests();
  const functions = benchFunctions(manifests);
  const parameters = await generateSecrets(manifests);
  const aws = await startAwsEndpoint({
    parameters,
    dynamodb: {
      kind: 'memory',
      tables: { ...tableKeys(manifests), [FLOOR_TABLE]: { partitionKey: 'pk', sortKey: 'sk' } },
    },
  });
  aws.putItem(FLOOR_TABLE, marshall(FLOOR_ITEM));
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-bench-cold-'));
  const home = join(scratch, 'home');
  mkdirSync(home);
  const endpoint = aws.endpoint;
  const stop = async () => {
    await aws.stop();
    rmSync(scratch, { recursive: true, force: true });
  };

  try {
    const prepared = new Map<string, Prepared>();
    const unmeasured: string[] = [];
    const since = aws.exchanges.length;
    for (const target of functions.filter((f) => f.fn.http === 'operations')) {
      const prepare = HTTP_REQUESTS[target.bundle];
      if (!prepare) {
        unmeasured.push(target.name);
        continue;
      }
      const host = await startFunctionHost(
        bundleEntry(dist, target),
        functionEnvironment(target, { endpoint, home }),
      );
      try {
        prepared.set(target.name, await prepare(host, target));
      } finally {
        await host.stop();
      }
    }
    const writes = transactionPuts(aws, since);
    let outboxRecords: Prepared | undefined;
    for (const target of functions) {
      if (target.fn.http === 'authorizer') {
        const sign = await tokenSigner(target, parameters);
        prepared.set(target.name, {
          request: 'verify one ES256 access token',
          event: authorizerEvent(await sign(CALLER)),
          expect: 'authorized',
        });
      } else if (target.fn.tableStreams) {
        // The stream record the publisher publishes: each item the preparations wrote is offered
        // to it alone, and the first one it turns into a PutEvents entry is the one.
        const host = await startFunctionHost(
          bundleEntry(dist, target),
          functionEnvironment(target, { endpoint, home }),
        );
        try {
          for (const put of writes) {
            const before = aws.events.length;
            const event = streamEvent(put.TableName, [put.Item]);
            await host.invoke(target.exportName, event);
            if (aws.events.length > before) {
              outboxRecords = { request: 'one outbox stream record -> PutEvents', event, expect: 'ok' };
              break;
            }
          }
        } finally {
          await host.stop();
        }
        if (outboxRecords) prepared.set(target.name, outboxRecords);
        else unmeasured.push(target.name);
      } else if (!target.fn.http) {
        unmeasured.push(target.name);
      }
    }

    const base = (name: string, memoryMb: number) =>
      lambdaEnvironment({ functionName: name, memoryMb, home, endpoint });
    const variants: Variant[] = [{ name: "node -e ''", kind: 'node', env: base('node', 512) }];
    for (const floor of floors) {
      const dynamodb = floor.name === 'floor-dynamodb';
      if (!dynamodb && !outboxRecords) continue;
      variants.push({
        name: floor.name,
        kind: 'floor',
        bundle: floor.name,
        directory: floor.directory,
        exportName: 'handler',
        request: dynamodb ? 'one GetItem' : (outboxRecords?.request ?? ''),
        expect: dynamodb ? 200 : 'ok',
        env: {
          ...base(floor.name, dynamodb ? 512 : 256),
          ...(dynamodb
            ? { TABLE_NAME: FLOOR_TABLE, DYNAMODB_ENDPOINT: endpoint }
            : { EVENT_BUS_NAME, EVENTBRIDGE_ENDPOINT: endpoint }),
          BENCH_EVENT: JSON.stringify(dynamodb ? getTicketEvent('floor') : outboxRecords?.event),
        },
        reached: counter(aws, dynamodb ? ['GetItem'] : ['PutEvents']),
      });
    }
    const reachedBy = (target: BenchFunction) => {
      if (target.floor === 'floor-dynamodb') return counter(aws, DYNAMODB_READS);
      if (target.floor === 'floor-eventbridge') return counter(aws, ['PutEvents']);
      return counter(aws, ['GetParameter']);
    };
    for (const target of functions) {
      const request = prepared.get(target.name);
      if (!request) continue;
      const variant = (name: string, kind: VariantKind, folder: string): Variant => ({
        name,
        kind,
        bundle: target.bundle,
        directory: join(folder, target.bundle),
        exportName: target.exportName,
        request: request.request,
        expect: request.expect,
        env: {
          ...functionEnvironment(target, { endpoint, home }),
          BENCH_EVENT: JSON.stringify(request.event),
        },
        ...(target.floor ? { floor: target.floor } : {}),
        reached: reachedBy(target),
      });
      variants.push(variant(target.name, 'service', dist));
      if (compareDist && existsSync(bundleEntry(compareDist, target))) {
        variants.push(variant(`${COMPARE_PREFIX}${target.name}`, 'compare', compareDist));
      }
    }
    return { aws, variants, unmeasured, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

export type { Expected, InvocationSetup, Variant, VariantKind };
export { COMPARE_PREFIX, prepareInvocations };
