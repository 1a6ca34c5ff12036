/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias in
 * `scripts/build.ts`, ADR 0017).
 *
 * Lambda always hands a function its role's credentials in the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and the devstack does the
 * same for its workers. The SDK's default chain would also carry SSO, STS web identity, INI files,
 * credential processes and the instance metadata service, none of which a Lambda function ever
 * reaches; reading the environment alone keeps that code out of every bundle.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type FromEnvInit = Parameters<typeof fromEnv>[0];

/** The credentials in the environment; the SDK caches them and asks again when they expire. */
const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);

export { defaultProvider };
