/**
 * The event catalog: every event type Tessera publishes, its source, and one zod schema for its
 * `data`. Publishers validate against it before writing to the outbox; consumers parse with it.
 * A service adds its events here when it starts publishing them.
 */
import * as z from 'zod/mini';
import { ROLES } from '../auth.ts';
import { EMAIL_PATTERN, MAX_EMAIL_LENGTH } from '../email.ts';

const role = z.enum(ROLES);
const uuid = z.uuid();
const timestamp = z.iso.datetime({ offset: false });
/** The contract's `format: email`, the one definition (`email.ts`), so a registration the API accepts is publishable. */
const email = z.string().check(z.regex(EMAIL_PATTERN), z.maxLength(MAX_EMAIL_LENGTH));

/** The ticket's statuses, priorities and changeable fields: the tickets service's domain uses these. */
const TICKET_STATUSES = ['NEW', 'OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const;
const TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
const TICKET_FIELDS = ['title', 'description', 'priority', 'status', 'assigneeId'] as const;

const ticketStatus = z.enum(TICKET_STATUSES);
const ticket = z.strictObject({
  id: uuid,
  title: z.string(),
  description: z.string(),
  priority: z.enum(TICKET_PRIORITIES),
  status: ticketStatus,
  reporterId: uuid,
  assigneeId: z.nullable(uuid),
  createdAt: timestamp,
  updatedAt: timestamp,
  version: z.number().check(z.int(), z.minimum(1)),
});
const ticketField = z.enum(TICKET_FIELDS);

const catalog = {
  'user.registered': {
    source: 'tessera.users',
    data: z.strictObject({ userId: uuid, email, name: z.string(), role, registeredAt: timestamp }),
  },
  'user.role_changed': {
    source: 'tessera.users',
    data: z.strictObject({ userId: uuid, role, previousRole: role, changedBy: uuid, changedAt: timestamp }),
  },
  'ticket.created': {
    source: 'tessera.tickets',
    data: z.strictObject({ ticket }),
  },
  'ticket.updated': {
    source: 'tessera.tickets',
    data: z.strictObject({
      ticket,
      changes: z.array(ticketField).check(z.minLength(1)),
      previousStatus: ticketStatus,
      previousAssigneeId: z.nullable(uuid),
      changedBy: uuid,
    }),
  },
  'ticket.deleted': {
    source: 'tessera.tickets',
    data: z.strictObject({ ticketId: uuid, reporterId: uuid, assigneeId: z.nullable(uuid), deletedBy: uuid }),
  },
} as const;

type Catalog = typeof catalog;
type EventType = keyof Catalog;
type EventData<T extends EventType> = z.output<Catalog[T]['data']>;

const EVENT_TYPES = Object.keys(catalog) as EventType[];

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && Object.hasOwn(catalog, value);

export type { EventData, EventType };
export { catalog, EVENT_TYPES, isEventType, TICKET_FIELDS, TICKET_PRIORITIES, TICKET_STATUSES };
