/**
 * The API authorizer: verifies the bearer access token and hands the user id and role to the
 * services. AWS runs it as the HTTP API's Lambda authorizer (simple responses, cached by token);
 * the devstack gateway calls the same export.
 *
 * It always answers `isAuthorized: true`. A refused token comes back as `authError` in the context
 * instead, and the shared HTTP adapter answers the secured operation with a 401 problem+json and a
 * `WWW-Authenticate` challenge, which API Gateway's own refusal (a bare 403) cannot carry. Public
 * operations are not behind the authorizer at all. See ADR 0004.
 *
 * The WebSocket API's `$connect` runs the same function (`createWebSocketAuthorizer`) with a REQUEST
 * event whose identity source is the `token` query parameter (a browser's WebSocket cannot send an
 * Authorization header). There the refusal has to happen in API Gateway, before the upgrade: a good
 * token is answered with an IAM policy allowing the connect and the principal as its context (which
 * API Gateway hands every message of the connection); anything else throws `Unauthorized`, Lambda's
 * convention for "answer 401".
 */
import type { AuthorizerResult } from '@tessera/shared/auth';
import type { Logger } from '@tessera/shared/logger';
import { TokenRejectedError, type VerifiedToken } from '#adapters/access-tokens';

/** The part of the WebSocket API's `$connect` REQUEST authorizer event this reads. */
interface WebSocketAuthorizerEvent {
  readonly methodArn: string;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
}

/** An IAM policy answer, as REST and WebSocket API authorizers give it. */
interface PolicyAuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly [
      { readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow'; readonly Resource: string },
    ];
  };
  readonly context: { readonly userId: string; readonly role: string; readonly exp: number };
}

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

/** What makes API Gateway answer 401 (the message is the convention). */
class Unauthorized extends Error {
  constructor() {
    super('Unauthorized');
    this.name = 'Unauthorized';
  }
}

/** A JWS compact serialization's alphabet, and at most what an access token could be. */
const TOKEN = /^[A-Za-z0-9\-_.]{1,4096}$/;

/** True for the `$connect` authorizer's event: a REQUEST event with a `methodArn`. */
const isWebSocketAuthorizerEvent = (event: unknown): event is WebSocketAuthorizerEvent =>
  typeof event === 'object' &&
  event !== null &&
  typeof (event as { methodArn?: unknown }).methodArn === 'string';

const createWebSocketAuthorizer =
  (verifier: () => Promise<(token: string) => Promise<VerifiedToken>>, logger: Logger) =>
  async (event: WebSocketAuthorizerEvent): Promise<PolicyAuthorizerResult> => {
    const token = event.queryStringParameters?.token;
    if (!token || !TOKEN.test(token)) throw new Unauthorized();
    const verify = await verifier();
    let verified: VerifiedToken;
    try {
      verified = await verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        await logger.info('WebSocket connect refused', { reason: error.reason });
        throw new Unauthorized();
      }
      await logger.error('token verification failed unexpectedly', { error: error as Error });
      throw error;
    }
    return {
      principalId: verified.userId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: { userId: verified.userId, role: verified.role, exp: verified.expiresAt },
    };
  };

export type { AuthorizerEvent, PolicyAuthorizerResult, WebSocketAuthorizerEvent };
export { createAuthorizer, createWebSocketAuthorizer, isWebSocketAuthorizerEvent, Unauthorized };
