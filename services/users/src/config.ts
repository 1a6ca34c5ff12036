/**
 * Configuration of the users bundle, parsed from the environment on first use.
 *
 * The bundle runs two functions (`service.json`): `users`, the service, and `users-authorizer`, the
 * API's Lambda authorizer, each with only the variables it needs; each parses its own schema on its
 * first invocation, and a missing variable fails that function with the variable's name.
 */
import {
  type EnvOutput,
  envSchema,
  lazyConfig,
  logSettings,
  pagedServiceSettings,
  secretReference,
  text,
} from '@tessera/shared/config';

const tokenSettings = () => ({
  /** The JWK set: private keys for the service, public keys are enough for the authorizer. */
  JWT_KEYS: secretReference(),
  JWT_ISSUER: text({ minLength: 1 }),
  JWT_AUDIENCE: text({ minLength: 1 }),
});

/**
 * The schema of each function of the service, by its name in the manifest, built on first use: the
 * authorizer never builds the service's.
 */
const schemas = {
  users: () =>
    envSchema({
      ...pagedServiceSettings(),
      ...tokenSettings(),
    }),
  'users-authorizer': () => envSchema({ ...logSettings(), ...tokenSettings() }),
};

type ServiceConfig = EnvOutput<ReturnType<(typeof schemas)['users']>['shape']>;
type AuthorizerConfig = EnvOutput<ReturnType<(typeof schemas)['users-authorizer']>['shape']>;

const serviceConfig = lazyConfig(schemas.users, process.env);
const authorizerConfig = lazyConfig(schemas['users-authorizer'], process.env);

export type { AuthorizerConfig, ServiceConfig };
export { authorizerConfig, schemas, serviceConfig };
