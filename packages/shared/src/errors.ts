/**
 * Error categories every service builds on.
 *
 * A service's `errors.ts` subclasses these with its own stable `code` (`EMAIL_TAKEN`); the domain
 * throws them without knowing HTTP. The one mapper in `http/problem.ts` turns a category into a
 * status and an RFC 9457 body. Anything that is not a `TesseraError` is an internal error: a generic
 * 500 goes out and the details go to the log only.
 *
 * @example
 * class EmailTakenError extends ConflictError {
 *   constructor() { super('EMAIL_TAKEN', 'An account with this email already exists'); }
 * }
 */

export interface ErrorOptions {
  readonly cause?: unknown;
  /** RFC 9457 extension members for the problem body (`{ currentStatus: 'NEW' }`); shown to the caller. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Base of every expected error. `message` is shown to the caller, so it must hold nothing internal. */
class TesseraError extends Error {
  readonly code: string;
  /** Extra members of the problem body; they never replace the standard ones. */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.extensions = options.extensions ?? {};
  }
}

/** Where a field error was found: a request's part, or a field of a WebSocket message. */
type FieldLocation = 'body' | 'query' | 'path' | 'header' | 'message';

interface FieldError {
  readonly location: FieldLocation;
  readonly field: string;
  readonly detail: string;
}

/** The input breaks a rule; `errors` names each field. */
class ValidationError extends TesseraError {
  readonly errors: readonly FieldError[];

  constructor(code: string, message: string, errors: readonly FieldError[] = [], options: ErrorOptions = {}) {
    super(code, message, options);
    this.errors = errors;
  }
}

/** Why an access token was refused, for the `WWW-Authenticate` challenge (RFC 6750). */
interface BearerChallenge {
  readonly error?: 'invalid_token' | 'invalid_request';
  readonly description?: string;
}

/** No valid credentials were presented. */
class UnauthenticatedError extends TesseraError {
  readonly challenge: BearerChallenge | null;

  constructor(
    code: string,
    message: string,
    challenge: BearerChallenge | null = null,
    options: ErrorOptions = {},
  ) {
    super(code, message, options);
    this.challenge = challenge;
  }
}

/** The caller is known but may not do this. */
class ForbiddenError extends TesseraError {}

/** No such resource, or none the caller may see. */
class NotFoundError extends TesseraError {}

/** The request conflicts with the current state (a taken email, an illegal transition). */
class ConflictError extends TesseraError {}

/** A precondition such as `If-Match` no longer holds. */
class PreconditionFailedError extends TesseraError {}

/** Well-formed input that cannot be processed (an idempotency key reused with another body). */
class UnprocessableError extends TesseraError {}

/** Too many attempts; try again after `retryAfterSeconds`. */
class RateLimitedError extends TesseraError {
  readonly retryAfterSeconds: number;

  constructor(code: string, message: string, retryAfterSeconds: number, options: ErrorOptions = {}) {
    super(code, message, options);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** The body is larger than the limit. */
class PayloadTooLargeError extends TesseraError {}

/** The body is not in a media type the operation accepts. */
class UnsupportedMediaTypeError extends TesseraError {}

/**
 * A dependency did not answer (in time), or asked us to slow down; the same request may work after
 * `retryAfterSeconds`, which the problem response sends as `Retry-After`.
 */
class ServiceUnavailableError extends TesseraError {
  readonly retryAfterSeconds: number;

  constructor(code: string, message: string, retryAfterSeconds = 1, options: ErrorOptions = {}) {
    super(code, message, options);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

export type { BearerChallenge, FieldError, FieldLocation };
export {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  RateLimitedError,
  ServiceUnavailableError,
  TesseraError,
  UnauthenticatedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  ValidationError,
};
