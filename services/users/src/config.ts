/**
 * Configuration of the users bundle, parsed from the environment on first use.
 *
 * The bundle runs two functions (`service.json`): `users`, the service, and `users-authorizer`, the
 * API's Lambda authorizer, each with only the variables it needs; each parses its own schema on its
 * first invocation, and a missing variable fails that function with the variable's name.
 */
import { lazyConfig, logSettings, secretReference, serviceSettings } from '@tessera/shared/config';
import * as z from 'zod/mini';

// Pure, annotated calls: the authorizer's bundle part keeps only its own schema, not the service's.
const tokenSettings = /* @__PURE__ */ (() => ({
  /** The JWK set: private keys for the service, public keys are enough for the authorizer. */
  JWT_KEYS: secretReference,
  JWT_ISSUER: z.string().check(z.minLength(1)),
  JWT_AUDIENCE: z.string().check(z.minLength(1)),
}))();

const serviceSchema = /* @__PURE__ */ (() =>
  z.object({
    ...serviceSettings,
    ...tokenSettings,
    /** Signs list cursors. */
    CURSOR_SECRET: secretReference,
  }))();

const authorizerSchema = /* @__PURE__ */ (() => z.object({ ...logSettings, ...tokenSettings }))();

/** The schema of each function of the service, by its name in the manifest. */
const schemas = { users: serviceSchema, 'users-authorizer': authorizerSchema };

type ServiceConfig = z.output<typeof serviceSchema>;
type AuthorizerConfig = z.output<typeof authorizerSchema>;

const serviceConfig = /* @__PURE__ */ lazyConfig(serviceSchema, process.env);
const authorizerConfig = /* @__PURE__ */ lazyConfig(authorizerSchema, process.env);

export type { AuthorizerConfig, ServiceConfig };
export { authorizerConfig, schemas, serviceConfig };
