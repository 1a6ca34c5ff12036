/**
 * The event catalog: every event type Tessera publishes, its source, and one zod schema for its
 * `data`. Publishers validate against it before writing to the outbox; consumers parse with it.
 * A service adds its events here when it starts publishing them.
 */
import * as z from 'zod/mini';
import { ROLES } from '../auth.ts';

const role = z.enum(ROLES);
const uuid = z.uuid();
const timestamp = z.iso.datetime({ offset: false });

const catalog = {
  'user.registered': {
    source: 'tessera.users',
    data: z.strictObject({ userId: uuid, email: z.email(), name: z.string(), role, registeredAt: timestamp }),
  },
  'user.role_changed': {
    source: 'tessera.users',
    data: z.strictObject({ userId: uuid, role, previousRole: role, changedBy: uuid, changedAt: timestamp }),
  },
} as const;

type Catalog = typeof catalog;
type EventType = keyof Catalog;
type EventData<T extends EventType> = z.output<Catalog[T]['data']>;

const EVENT_TYPES = Object.keys(catalog) as EventType[];

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && Object.hasOwn(catalog, value);

export type { EventData, EventType };
export { catalog, EVENT_TYPES, isEventType };
