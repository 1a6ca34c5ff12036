/**
 * The request schemas of the benchmarked tickets operations in zod, for the peers, equivalent to
 * what `openapi/api.yaml` says and our generated validators check: unknown fields refused
 * (`strictObject` for `additionalProperties: false`), the same lengths and enums, the ticket id an
 * 8-4-4-4-12 hex id (`guid`, as Ajv's `uuid` format, which does not check the version bits).
 */
import { z } from 'zod';

const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;

const ticketPath = z.strictObject({ ticketId: z.guid() });

const createTicketBody = z.strictObject({
  title: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  priority: z.enum(PRIORITIES).optional(),
});

type CreateTicketBody = z.infer<typeof createTicketBody>;

export type { CreateTicketBody };
export { createTicketBody, ticketPath };
