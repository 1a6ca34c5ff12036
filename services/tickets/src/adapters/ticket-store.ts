/**
 * The tickets table (see `table.json`).
 *
 * Items:
 * - `TICKET#<id>` / `TICKET`: the ticket, with the keys of three sparse indexes, each sorted by
 *   `listKey` = `<createdAt>#<id>` (newest first when read backwards):
 *   `by-status` (`statusKey` = `STATUS#<status>`), `by-reporter` (`reporterKey` = `REPORTER#<id>`)
 *   and `by-assignee` (`assigneeKey` = `ASSIGNEE#<id>`, absent while unassigned);
 * - `USER#<id>` / `DIRECTORY`: the users directory (`@tessera/shared/users-directory`);
 * - `PROCESSED#<consumer>#<eventId>` / `PROCESSED`: the events consumed (`@tessera/shared/processed-once`);
 * - `OUTBOX#<eventId>` / `OUTBOX`: events on their way to the bus.
 *
 * A list reads one or more index partitions and merges them newest first (a k-way merge), so a
 * provider's "reported by me or assigned to me" is two Queries, never a Scan.
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TesseraEvent } from '@tessera/shared/events';
import { outboxPut } from '@tessera/shared/outbox';
import { transactWrite } from '@tessera/shared/store';
import type { ListFilter, ListSource, SourcePosition, TicketPage, TicketStore } from '#domain/ports';
import type { Ticket } from '#domain/ticket';

type Item = Record<string, unknown>;

const ticketKey = (id: string) => ({ pk: `TICKET#${id}`, sk: 'TICKET' });

/** The partition a list source reads: the index's key attribute and its value. */
const partitionOf = (source: ListSource): { attribute: string; value: string } => {
  switch (source.index) {
    case 'by-status':
      return { attribute: 'statusKey', value: `STATUS#${source.status}` };
    case 'by-reporter':
      return { attribute: 'reporterKey', value: `REPORTER#${source.userId}` };
    case 'by-assignee':
      return { attribute: 'assigneeKey', value: `ASSIGNEE#${source.userId}` };
  }
};

/** The stored item of a ticket, with the keys of the indexes it belongs to. */
const ticketItem = (ticket: Ticket): Item => ({
  ...ticketKey(ticket.id),
  ...ticket,
  statusKey: `STATUS#${ticket.status}`,
  reporterKey: `REPORTER#${ticket.reporterId}`,
  ...(ticket.assigneeId ? { assigneeKey: `ASSIGNEE#${ticket.assigneeId}` } : {}),
  listKey: `${ticket.createdAt}#${ticket.id}`,
});

const toTicket = (item: Item): Ticket => ({
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
});

/** Reads one index partition newest first, a page at a time, as far as the merge needs. */
class SourceReader {
  private buffer: Item[] = [];
  private startKey: Item | undefined;
  private exhausted: boolean;
  private readonly partition: { attribute: string; value: string };
  /** The key of the last item taken from this source, for the next page's cursor. */
  lastTaken: Item | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly source: ListSource,
    private readonly filter: ListFilter,
    readonly start: SourcePosition,
    private readonly pageSize: number,
  ) {
    this.partition = partitionOf(source);
    this.exhausted = start === 'done';
    this.startKey = start !== null && start !== 'done' ? (start as Item) : undefined;
  }

  async peek(): Promise<Item | undefined> {
    while (this.buffer.length === 0 && !this.exhausted) await this.fetch();
    return this.buffer[0];
  }

  take(): void {
    const item = this.buffer.shift();
    if (!item) return;
    const { attribute } = this.partition;
    this.lastTaken = { pk: item.pk, sk: item.sk, [attribute]: item[attribute], listKey: item.listKey };
  }

  /** Where this source resumes on the next page. */
  async position(): Promise<SourcePosition> {
    if ((await this.peek()) === undefined) return 'done';
    return this.lastTaken ?? this.start;
  }

  private async fetch() {
    const conditions: string[] = [];
    const values: Item = { ':partition': this.partition.value };
    const names: Record<string, string> = { '#partition': this.partition.attribute };
    if (this.filter.status) {
      conditions.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = this.filter.status;
    }
    if (this.filter.assigneeId) {
      conditions.push('assigneeId = :assigneeId');
      values[':assigneeId'] = this.filter.assigneeId;
    }
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: this.source.index,
        KeyConditionExpression: '#partition = :partition',
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: this.pageSize,
        ...(this.startKey ? { ExclusiveStartKey: this.startKey } : {}),
      }),
    );
    this.buffer.push(...(result.Items ?? []));
    this.startKey = result.LastEvaluatedKey;
    if (!result.LastEvaluatedKey) this.exhausted = true;
  }
}

const createTicketStore = (client: DynamoDBDocumentClient, tableName: string): TicketStore => {
  const atVersion = (version: number) => ({
    ConditionExpression: 'version = :version',
    ExpressionAttributeValues: { ':version': version },
  });

  return {
    async get(id) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: ticketKey(id), ConsistentRead: true }),
      );
      return result.Item ? toTicket(result.Item) : null;
    },

    async create(ticket: Ticket, event: TesseraEvent) {
      // A new id never exists; the condition only guards against a collision ever overwriting one.
      await transactWrite(client, [
        {
          Put: {
            TableName: tableName,
            Item: ticketItem(ticket),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        outboxPut(tableName, event),
      ]);
    },

    replace(next, expectedVersion, event) {
      return transactWrite(client, [
        {
          Put: { TableName: tableName, Item: ticketItem(next), ...atVersion(expectedVersion) },
          onConditionFailed: 'conflict',
        },
        outboxPut(tableName, event),
      ]);
    },

    delete(id, expectedVersion, event) {
      return transactWrite(client, [
        {
          Delete: { TableName: tableName, Key: ticketKey(id), ...atVersion(expectedVersion) },
          onConditionFailed: 'conflict',
        },
        outboxPut(tableName, event),
      ]);
    },

    async list({ sources, filter, limit, positions }): Promise<TicketPage> {
      const readers = sources.map(
        (source, i) => new SourceReader(client, tableName, source, filter, positions[i] ?? null, limit + 1),
      );
      const items: Ticket[] = [];
      while (items.length < limit) {
        const heads = await Promise.all(readers.map((reader) => reader.peek()));
        const newest = heads.reduce<Item | undefined>(
          (best, head) => (head && (!best || String(head.listKey) > String(best.listKey)) ? head : best),
          undefined,
        );
        if (!newest) break;
        // A ticket in two sources (reported by and assigned to the caller) is taken from both, once.
        readers.forEach((reader, i) => {
          if (heads[i]?.listKey === newest.listKey) reader.take();
        });
        items.push(toTicket(newest));
      }
      const next = await Promise.all(readers.map((reader) => reader.position()));
      return { items, positions: next, more: next.some((p) => p !== 'done') };
    },
  };
};

export { createTicketStore, ticketItem };
