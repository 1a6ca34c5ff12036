/**
 * Configuration of the users bundle, parsed once from the environment.
 *
 * The bundle serves two Lambda functions: the service (`handler`) and the API authorizer
 * (`authorizer`), each with only the variables it needs. Each part is parsed on its function's
 * first use and then kept; a missing variable fails that function with the variable's name.
 */
import { parseConfig } from '@tessera/shared/config';
import { LOG_LEVELS } from '@tessera/shared/logger';
import { isSecretReference } from '@tessera/shared/secrets';
import * as z from 'zod/mini';

const secretReference = z
  .string()
  .check(z.refine(isSecretReference, 'must be ssm:/<parameter> or file:/<path>'));

const tokenSettings = {
  /** The JWK set: private keys for the service, public keys are enough for the authorizer. */
  JWT_KEYS: secretReference,
  JWT_ISSUER: z.string().check(z.minLength(1)),
  JWT_AUDIENCE: z.string().check(z.minLength(1)),
  POWERTOOLS_LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'INFO'),
};

const serviceSchema = z.object({
  ...tokenSettings,
  TABLE_NAME: z.string().check(z.minLength(1)),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  /** Signs list cursors. */
  CURSOR_SECRET: secretReference,
});

const authorizerSchema = z.object(tokenSettings);

type ServiceConfig = z.output<typeof serviceSchema>;
type AuthorizerConfig = z.output<typeof authorizerSchema>;

let service: ServiceConfig | undefined;
let authorizer: AuthorizerConfig | undefined;

const serviceConfig = (): ServiceConfig => {
  service ??= parseConfig(serviceSchema, process.env);
  return service;
};

const authorizerConfig = (): AuthorizerConfig => {
  authorizer ??= parseConfig(authorizerSchema, process.env);
  return authorizer;
};

export type { AuthorizerConfig, ServiceConfig };
export { authorizerConfig, serviceConfig };
