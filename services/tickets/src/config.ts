/**
 * Configuration of the tickets function, parsed once from the environment.
 */
import { parseConfig } from '@tessera/shared/config';
import { LOG_LEVELS } from '@tessera/shared/logger';
import { isSecretReference } from '@tessera/shared/secrets';
import * as z from 'zod/mini';

const config = parseConfig(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    POWERTOOLS_LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'INFO'),
    /** Signs list cursors: `ssm:/<parameter>` in AWS, `file:/<path>` in the devstack. */
    CURSOR_SECRET: z.string().check(z.refine(isSecretReference, 'must be ssm:/<parameter> or file:/<path>')),
  }),
  process.env,
);

export { config };
