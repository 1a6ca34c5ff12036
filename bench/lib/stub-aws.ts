/**
 * A local stand-in for DynamoDB, EventBridge and SSM, for cold starts: an HTTP server that speaks
 * just enough of the AWS JSON protocols (`X-Amz-Target: DynamoDB_20120810.GetItem`, JSON 1.0;
 * `AWSEvents.PutEvents` and `AmazonSSM.GetParameter`, JSON 1.1) for the functions to complete one
 * call each.
 *
 * GetItem answers canned marshalled items by key prefix (`TICKET#`, `USER#`, anything else gets a
 * floor item), so the functions take their normal success path. It answers at once: what is timed
 * is the client, never the stub.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import { readBody } from '../../packages/devstack/src/http-body.ts';
import { ticketItem as storedTicket } from '../../services/tickets/src/adapters/ticket-store.ts';
import { sampleTicket, sampleUser } from '../fixtures/events.ts';

interface StubAws {
  readonly endpoint: string;
  /** Calls answered, by target, to check that a run really reached the stub. */
  readonly calls: Map<string, number>;
  stop(): Promise<void>;
}

/** The sample ticket as the tickets store writes it, index keys included. */
const ticketItem = storedTicket(sampleTicket);

const userItem = {
  pk: `USER#${sampleUser.id}`,
  sk: 'PROFILE',
  gsi1pk: 'USERS',
  gsi1sk: `${sampleUser.createdAt}#${sampleUser.id}`,
  ...sampleUser,
};

const floorItem = { pk: 'FLOOR#1', sk: 'FLOOR', payload: 'x'.repeat(300), version: 1 };

const itemFor = (key: string): Record<string, unknown> => {
  if (key.startsWith('TICKET#')) return ticketItem;
  if (key.startsWith('USER#')) return userItem;
  return floorItem;
};

const answer = (response: ServerResponse, status: number, contentType: string, body: unknown) => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
};

const handle = async (
  request: IncomingMessage,
  response: ServerResponse,
  calls: Map<string, number>,
  parameters: Readonly<Record<string, string>>,
) => {
  const target = String(request.headers['x-amz-target'] ?? '');
  const body = (await readBody(request)).toString('utf8');
  calls.set(target, (calls.get(target) ?? 0) + 1);
  if (target === 'DynamoDB_20120810.GetItem') {
    const input = JSON.parse(body) as { Key?: { pk?: { S?: string } } };
    const item = itemFor(input.Key?.pk?.S ?? '');
    answer(response, 200, 'application/x-amz-json-1.0', {
      Item: marshall(item, { removeUndefinedValues: true }),
    });
    return;
  }
  if (target === 'AmazonSSM.GetParameter') {
    const name = String((JSON.parse(body) as { Name?: unknown }).Name);
    const value = parameters[name];
    if (value === undefined) {
      answer(response, 400, 'application/x-amz-json-1.1', { __type: 'ParameterNotFound', message: name });
      return;
    }
    answer(response, 200, 'application/x-amz-json-1.1', {
      Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 },
    });
    return;
  }
  if (target === 'AWSEvents.PutEvents') {
    const input = JSON.parse(body) as { Entries?: unknown[] };
    answer(response, 200, 'application/x-amz-json-1.1', {
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })),
    });
    return;
  }
  answer(response, 400, 'application/x-amz-json-1.0', {
    __type: 'com.amazon.coral.service#UnknownOperationException',
    message: `The stub does not answer ${target || 'this request'}`,
  });
};

/**
 * Starts the stub on a free port of 127.0.0.1.
 *
 * @example
 * const stub = await startStubAws({ parameters: { '/tessera/dev/cursor-secret': 'x' } });
 * // DYNAMODB_ENDPOINT=stub.endpoint, EVENTBRIDGE_ENDPOINT=stub.endpoint
 * await stub.stop();
 */
const startStubAws = async (
  options: { readonly parameters?: Readonly<Record<string, string>> } = {},
): Promise<StubAws> => {
  const calls = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    handle(request, response, calls, options.parameters ?? {}).catch((error: unknown) =>
      answer(response, 500, 'application/x-amz-json-1.0', { message: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type { StubAws };
export { startStubAws };
