/**
 * In-memory stand-ins for the tickets ports. The store can be told to let a concurrent writer in
 * between a read and a write, to exercise the conflict paths.
 */
import type { Role } from '@tessera/shared/auth';
import { createCursorCodec } from '@tessera/shared/cursor';
import type { TesseraEvent } from '@tessera/shared/events';
import type { UserDirectory } from '@tessera/shared/users-directory/ports';
import type { Dependencies, TicketStore } from '../../src/domain/ports.ts';
import type { Ticket } from '../../src/domain/ticket.ts';

const memoryTickets = () => {
  const byId = new Map<string, Ticket>();
  const events: TesseraEvent[] = [];
  const writes = { attempted: 0 };
  /** Runs before the next `replace` or `delete` lands, as another writer would. */
  const interlopers: Array<() => void> = [];
  const store: TicketStore = {
    async get(id) {
      return byId.get(id) ?? null;
    },
    async create(ticket, event) {
      byId.set(ticket.id, ticket);
      events.push(event);
    },
    async replace(next, expectedVersion, event) {
      writes.attempted++;
      interlopers.shift()?.();
      if (byId.get(next.id)?.version !== expectedVersion) return 'conflict';
      byId.set(next.id, next);
      events.push(event);
      return 'written';
    },
    async delete(id, expectedVersion, event) {
      writes.attempted++;
      interlopers.shift()?.();
      if (byId.get(id)?.version !== expectedVersion) return 'conflict';
      byId.delete(id);
      events.push(event);
      return 'written';
    },
    async list() {
      return { items: [...byId.values()], positions: [], more: false };
    },
  };
  return { store, byId, events, writes, interlopers };
};

const memoryDirectory = (roles: Record<string, Role> = {}): UserDirectory => ({
  async roleOf(userId) {
    return roles[userId] ?? null;
  },
  async apply() {
    return 'applied';
  },
});

const fakes = (roles: Record<string, Role> = {}) => {
  const tickets = memoryTickets();
  const deps: Dependencies = {
    tickets: tickets.store,
    directory: memoryDirectory(roles),
    cursors: createCursorCodec('unit-test-cursor-secret-of-32-chars!'),
    clock: { now: () => new Date('2026-11-21T06:00:00.000Z') },
  };
  return { deps, tickets };
};

export { fakes };
