/**
 * The peers' own tickets logic (bench code, not ours): the two benchmarked use cases and a
 * DynamoDB store, doing the work our use cases do, through the same AWS SDK clients, against the
 * same table and the same AWS stand-in:
 *
 * - create: a `NEW` ticket reported by the caller, its `ticket.created` event checked against a
 *   schema, both written in one TransactWriteItems (the ticket with its index keys, and the event
 *   as an outbox item), each conditional on not existing;
 * - get: one strongly consistent GetItem, and a 404 unless the caller reported it, is assigned to
 *   it, or is an admin.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { CreateTicketBody } from './schemas.ts';
import { HttpError, type Principal } from './shared.ts';

const STATUSES = ['NEW', 'OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const;
const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
const OUTBOX_RETENTION_SECONDS = 2 * 24 * 60 * 60;

const ticketSchema = z.object({
  id: z.uuid(),
  title: z.string().min(1).max(200),
  description: z.string().max(10_000),
  priority: z.enum(PRIORITIES),
  status: z.enum(STATUSES),
  reporterId: z.string().min(1),
  assigneeId: z.string().min(1).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().min(1),
});

type Ticket = z.infer<typeof ticketSchema>;

const createdEventSchema = z.object({
  eventId: z.uuid(),
  occurredAt: z.iso.datetime({ offset: false }),
  correlationId: z.string().min(1).max(128),
  data: z.object({ ticket: ticketSchema }),
});

interface TableKeys {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

interface TicketStore {
  get(id: string): Promise<Ticket | null>;
  create(ticket: Ticket, event: z.infer<typeof createdEventSchema>): Promise<void>;
}

/**
 * The store on a document client built as a Lambda's would be (module scope, two attempts,
 * timeouts), for the table named in `TABLE_NAME` and keyed as its declaration says.
 *
 * @example
 * const store = createTicketStore({ endpoint: process.env.DYNAMODB_ENDPOINT, tableName, keys });
 */
const createTicketStore = (options: {
  readonly endpoint: string | undefined;
  readonly tableName: string;
  readonly keys: TableKeys;
}): TicketStore => {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
    }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
  const { tableName, keys } = options;
  const keyOf = (prefix: string, id: string, sort: string) => ({
    [keys.partitionKey]: `${prefix}#${id}`,
    ...(keys.sortKey ? { [keys.sortKey]: sort } : {}),
  });
  const notThere = `attribute_not_exists(${keys.partitionKey})`;
  return {
    async get(id) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: keyOf('TICKET', id, 'TICKET'), ConsistentRead: true }),
      );
      if (!result.Item) return null;
      const item = result.Item;
      return {
        id: String(item.id),
        title: String(item.title),
        description: String(item.description),
        priority: item.priority as Ticket['priority'],
        status: item.status as Ticket['status'],
        reporterId: String(item.reporterId),
        assigneeId: typeof item.assigneeId === 'string' ? item.assigneeId : null,
        createdAt: String(item.createdAt),
        updatedAt: String(item.updatedAt),
        version: Number(item.version),
      };
    },
    async create(ticket, event) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...keyOf('TICKET', ticket.id, 'TICKET'),
                  ...ticket,
                  statusKey: `STATUS#${ticket.status}`,
                  reporterKey: `REPORTER#${ticket.reporterId}`,
                  listKey: `${ticket.createdAt}#${ticket.id}`,
                },
                ConditionExpression: notThere,
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...keyOf('OUTBOX', event.eventId, 'OUTBOX'),
                  source: 'tessera.tickets',
                  detailType: 'ticket.created',
                  detail: event,
                  ttl: Math.floor(Date.parse(event.occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS,
                },
                ConditionExpression: notThere,
              },
            },
          ],
        }),
      );
    },
  };
};

/** Reports a ticket: `NEW`, the caller's, unassigned, version 1, stored with its checked event. */
const createTicket = async (
  store: TicketStore,
  caller: Principal,
  body: CreateTicketBody,
  correlationId: string,
): Promise<Ticket> => {
  const now = new Date().toISOString();
  const ticket: Ticket = {
    id: randomUUID(),
    title: body.title,
    description: body.description ?? '',
    priority: body.priority ?? 'MEDIUM',
    status: 'NEW',
    reporterId: caller.userId,
    assigneeId: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const event = createdEventSchema.parse({
    eventId: randomUUID(),
    occurredAt: now,
    correlationId,
    data: { ticket },
  });
  await store.create(ticket, event);
  return ticket;
};

/** One ticket, if the caller may see it; a 404 otherwise, so existence does not leak. */
const getTicket = async (store: TicketStore, caller: Principal, id: string): Promise<Ticket> => {
  const ticket = await store.get(id);
  if (
    !ticket ||
    !(caller.role === 'admin' || ticket.reporterId === caller.userId || ticket.assigneeId === caller.userId)
  ) {
    throw new HttpError(404, 'TICKET_NOT_FOUND', 'No such ticket.');
  }
  return ticket;
};

export type { TableKeys, Ticket, TicketStore };
export { createTicket, createTicketStore, getTicket };
