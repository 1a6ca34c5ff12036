/**
 * What the tickets use cases need from the world.
 */
import type { Clock } from '@tessera/shared/clock';
import type { CursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import type { UserDirectory } from '@tessera/shared/users-directory/ports';
import type { Ticket, TicketStatus } from './ticket.ts';

/** One index partition a list reads, newest first. */
type ListSource =
  | { readonly index: 'by-status'; readonly status: TicketStatus }
  | { readonly index: 'by-reporter'; readonly userId: string }
  | { readonly index: 'by-assignee'; readonly userId: string };

/** Where a source resumes: after this key, from its start (null), or nowhere (it is exhausted). */
type SourcePosition = Readonly<Record<string, unknown>> | null | 'done';

interface ListFilter {
  readonly status?: TicketStatus | undefined;
  readonly assigneeId?: string | undefined;
}

interface TicketPage {
  readonly items: readonly Ticket[];
  /** One per source, for the next page. */
  readonly positions: readonly SourcePosition[];
  readonly more: boolean;
}

type WriteOutcome = 'written' | 'conflict';

interface TicketStore {
  get(id: string): Promise<Ticket | null>;
  /** Stores a new ticket with its event, atomically. */
  create(ticket: Ticket, event: TesseraEvent): Promise<void>;
  /** Writes `next` with its event only if the stored ticket is still at `expectedVersion`. */
  replace(next: Ticket, expectedVersion: number, event: TesseraEvent): Promise<WriteOutcome>;
  /** Deletes the ticket with its event only if it is still at `expectedVersion`. */
  delete(id: string, expectedVersion: number, event: TesseraEvent): Promise<WriteOutcome>;
  /**
   * Merges the sources newest first into one page of `limit` distinct tickets that pass the
   * filter, starting each source at its position.
   */
  list(query: {
    readonly sources: readonly ListSource[];
    readonly filter: ListFilter;
    readonly limit: number;
    readonly positions: readonly SourcePosition[];
  }): Promise<TicketPage>;
}

interface Dependencies {
  readonly tickets: TicketStore;
  readonly directory: UserDirectory;
  readonly cursors: CursorCodec;
  readonly clock: Clock;
}

export type { Dependencies, ListFilter, ListSource, SourcePosition, TicketPage, TicketStore, WriteOutcome };
