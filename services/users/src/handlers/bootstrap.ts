/**
 * The `bootstrap-admin` command, sent by direct invocation (the devstack at start, or an operator
 * with `aws lambda invoke`): makes sure an admin with this email exists. It is not reachable over
 * HTTP.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import type { Dependencies } from '#domain/ports';
import { bootstrapAdmin } from '#domain/register-user';

const bootstrapCommand = z.strictObject({
  command: z.literal('bootstrap-admin'),
  email: z.email().check(z.maxLength(254)),
  password: z.string(),
  name: z._default(z.string().check(z.minLength(1), z.maxLength(100)), 'Administrator'),
});

type BootstrapCommand = z.input<typeof bootstrapCommand>;

const isBootstrapCommand = (event: unknown): event is BootstrapCommand =>
  typeof event === 'object' &&
  event !== null &&
  (event as { command?: unknown }).command === 'bootstrap-admin';

const createBootstrapHandler =
  (base: () => Pick<Dependencies, 'users' | 'passwords' | 'clock'>) => async (event: BootstrapCommand) => {
    const input = z.parse(bootstrapCommand, event);
    return bootstrapAdmin(base(), input, `bootstrap-${randomUUID()}`);
  };

export type { BootstrapCommand };
export { createBootstrapHandler, isBootstrapCommand };
