/**
 * Configuration of the users bundle, parsed from the environment on first use.
 *
 * The bundle runs two functions (`service.json`): `users`, the service, and `users-authorizer`, the
 * API's Lambda authorizer, each with only the variables it needs; each parses its own schema on its
 * first invocation, and a missing variable fails that function with the variable's name.
 */
import { lazyConfig, logSettings, pagedServiceSettings, secretReference } from '@tessera/shared/config';
import * as z from 'zod/mini';

const tokenSettings = () => ({
  /** The JWK set: private keys for the service, public keys are enough for the authorizer. */
  JWT_KEYS: secretReference(),
  JWT_ISSUER: z.string().check(z.minLength(1)),
  JWT_AUDIENCE: z.string().check(z.minLength(1)),
});

/**
 * The schema of each function of the service, by its name in the manifest, built on first use: the
 * authorizer never builds the service's.
 */
const schemas = {
  users: () =>
    z.object({
      ...pagedServiceSettings(),
      ...tokenSettings(),
    }),
  'users-authorizer': () => z.object({ ...logSettings(), ...tokenSettings() }),
};

type ServiceConfig = z.output<ReturnType<(typeof schemas)['users']>>;
type AuthorizerConfig = z.output<ReturnType<(typeof schemas)['users-authorizer']>>;

const serviceConfig = lazyConfig(schemas.users, process.env);
const authorizerConfig = lazyConfig(schemas['users-authorizer'], process.env);

export type { AuthorizerConfig, ServiceConfig };
export { authorizerConfig, schemas, serviceConfig };
