/**
 * The API authorizer: verifies the bearer access token and hands the user id and role to the
 * services. AWS runs it as the HTTP API's Lambda authorizer (simple responses, cached by token);
 * the devstack gateway calls the same export.
 *
 * It always answers `isAuthorized: true`. A refused token comes back as `authError` in the context
 * instead, and the shared HTTP adapter answers the secured operation with a 401 problem+json and a
 * `WWW-Authenticate` challenge, which API Gateway's own refusal (a bare 403) cannot carry. Public
 * operations are not behind the authorizer at all. See ADR 0004.
 */
import type { AuthorizerResult } from '@tessera/shared/auth';
import type { Logger } from '@tessera/shared/logger';
import { TokenRejectedError, type VerifiedToken } from '#adapters/access-tokens';

/** The part of API Gateway's authorizer event (payload 2.0) this reads. */
interface AuthorizerEvent {
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly identitySource?: readonly string[] | null;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

const refused = (authError: string): AuthorizerResult => ({ isAuthorized: true, context: { authError } });

const createAuthorizer =
  (verifier: () => Promise<(token: string) => Promise<VerifiedToken>>, logger: Logger) =>
  async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    const header = event.headers?.authorization ?? event.identitySource?.[0];
    if (!header) return refused('No access token was presented');
    const match = BEARER.exec(header.trim());
    if (!match?.[1]) return refused('The Authorization header must be "Bearer <access token>"');
    const verify = await verifier();
    try {
      const token = await verify(match[1]);
      return {
        isAuthorized: true,
        context: { userId: token.userId, role: token.role, exp: token.expiresAt },
      };
    } catch (error) {
      if (error instanceof TokenRejectedError) return refused(error.reason);
      await logger.error('token verification failed unexpectedly', { error: error as Error });
      throw error;
    }
  };

export type { AuthorizerEvent };
export { createAuthorizer };
