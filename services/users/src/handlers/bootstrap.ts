/**
 * The `bootstrap-admin` command, sent by direct invocation (the devstack at start, or an operator
 * with `aws lambda invoke`): makes sure an admin with this email exists. It is not reachable over
 * HTTP.
 */
import { randomUUID } from 'node:crypto';
import { isEmail } from '@tessera/shared/email';
import type { CommandEvent } from '@tessera/shared/entry';
import * as z from 'zod/mini';
import type { Dependencies } from '#domain/ports';
import { bootstrapAdmin } from '#domain/register-user';

const bootstrapCommand = z.strictObject({
  command: z.literal('bootstrap-admin'),
  email: z.string().check(z.refine(isEmail, 'must be a valid email address')),
  password: z.string(),
  name: z._default(z.string().check(z.minLength(1), z.maxLength(100)), 'Administrator'),
});

type BootstrapCommand = z.input<typeof bootstrapCommand>;

/** Takes the commands of the users function; `bootstrap-admin` is the only one, any other is refused. */
const createBootstrapHandler =
  (deps: Pick<Dependencies, 'users' | 'passwords' | 'clock'>) => async (event: CommandEvent) => {
    const input = z.parse(bootstrapCommand, event);
    return bootstrapAdmin(deps, input, `bootstrap-${randomUUID()}`);
  };

export type { BootstrapCommand };
export { createBootstrapHandler };
