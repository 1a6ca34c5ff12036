/**
 * Who is calling: the roles, the principal, and the context the API authorizer hands to services.
 *
 * The authorizer (exported from the users bundle) verifies the access token once per request and
 * always answers "authorized" with a context: either the principal, or the reason the token was
 * refused. The HTTP adapter turns a missing principal on a secured operation into a 401
 * problem+json with a `WWW-Authenticate` challenge, so refusals look the same in AWS and in the
 * devstack (ADR 0004).
 */

const ROLES = ['user', 'provider', 'admin'] as const;

type Role = (typeof ROLES)[number];

/** The signed-in caller, as established by the authorizer. */
interface Principal {
  readonly userId: string;
  readonly role: Role;
  /** Expiry of the access token, in seconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * What the authorizer puts in `requestContext.authorizer.lambda`. API Gateway only carries flat
 * string, number and boolean values here.
 */
interface AuthorizerContext {
  readonly userId?: string;
  readonly role?: string;
  readonly exp?: number;
  /** Set when the token was refused: a short reason safe to show the caller. */
  readonly authError?: string;
}

/** The authorizer's answer in API Gateway's "simple response" format (payload 2.0). */
interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context: AuthorizerContext;
}

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * Reads the principal from an authorizer context, or null when there is none or it has expired.
 *
 * @example
 * principalFrom({ userId: 'u1', role: 'admin', exp: 2_000_000_000 }, 1_700_000_000)
 * // => { userId: 'u1', role: 'admin', expiresAt: 2000000000 }
 */
const principalFrom = (context: AuthorizerContext | undefined, nowSeconds: number): Principal | null => {
  if (!context || typeof context.userId !== 'string' || context.userId === '') return null;
  if (!isRole(context.role)) return null;
  const exp = Number(context.exp);
  // API Gateway caches authorizer answers; the expiry is checked again here so a cached answer
  // never outlives the token it came from.
  if (!Number.isFinite(exp) || exp <= nowSeconds) return null;
  return { userId: context.userId, role: context.role, expiresAt: exp };
};

export type { AuthorizerContext, AuthorizerResult, Principal, Role };
export { isRole, principalFrom, ROLES };
