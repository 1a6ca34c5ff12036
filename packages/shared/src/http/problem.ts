/**
 * The one mapper from errors to RFC 9457 `application/problem+json` responses.
 *
 * A `TesseraError` maps by its category to a status; its `code` becomes the problem `type`
 * (`urn:tessera:problem:email-taken`), its message the `detail`, and its `extensions` extra members
 * beside those. Anything else is a 500 whose body says nothing about the cause.
 */
import {
  ConflictError,
  type FieldError,
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
} from '../errors.ts';

interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly requestId?: string;
  readonly errors?: readonly FieldError[];
  /** Extension members (RFC 9457 section 3.2), from the error's `extensions`. */
  readonly [member: string]: unknown;
}

interface ProblemResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly problem: Problem;
}

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

// Order matters only in that every category is a distinct subclass of TesseraError.
const CATEGORIES: ReadonlyArray<readonly [new (...args: never[]) => TesseraError, number, string]> = [
  [ValidationError, 400, 'Bad Request'],
  [UnauthenticatedError, 401, 'Unauthorized'],
  [ForbiddenError, 403, 'Forbidden'],
  [NotFoundError, 404, 'Not Found'],
  [ConflictError, 409, 'Conflict'],
  [PreconditionFailedError, 412, 'Precondition Failed'],
  [PayloadTooLargeError, 413, 'Content Too Large'],
  [UnsupportedMediaTypeError, 415, 'Unsupported Media Type'],
  [UnprocessableError, 422, 'Unprocessable Content'],
  [RateLimitedError, 429, 'Too Many Requests'],
  [ServiceUnavailableError, 503, 'Service Unavailable'],
];

/** `EMAIL_TAKEN` -> `urn:tessera:problem:email-taken` */
const problemType = (code: string): string =>
  `urn:tessera:problem:${code.toLowerCase().replaceAll('_', '-')}`;

const quoted = (value: string): string => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

const challengeHeader = (error: UnauthenticatedError): string => {
  const parts = ['Bearer realm="tessera"'];
  if (error.challenge?.error) parts.push(`error=${quoted(error.challenge.error)}`);
  if (error.challenge?.description) parts.push(`error_description=${quoted(error.challenge.description)}`);
  return parts.join(', ');
};

/**
 * Builds the problem response for an error. Unknown errors become a generic 500; the caller logs
 * the original.
 *
 * @example
 * problemResponse(new EmailTakenError(), { instance: '/v1/auth/register', requestId: 'r1' }).status // 409
 */
const problemResponse = (
  error: unknown,
  context: { readonly instance?: string; readonly requestId?: string } = {},
): ProblemResponse => {
  const where = {
    ...(context.instance === undefined ? {} : { instance: context.instance }),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
  };
  if (error instanceof TesseraError) {
    const category = CATEGORIES.find(([kind]) => error instanceof kind);
    if (category) {
      const [, status, title] = category;
      const headers: Record<string, string> = {};
      if (error instanceof UnauthenticatedError) headers['www-authenticate'] = challengeHeader(error);
      if (error instanceof RateLimitedError || error instanceof ServiceUnavailableError)
        headers['retry-after'] = String(error.retryAfterSeconds);
      const errors =
        error instanceof ValidationError && error.errors.length > 0 ? { errors: error.errors } : {};
      return {
        status,
        headers,
        problem: {
          ...error.extensions,
          type: problemType(error.code),
          title,
          status,
          detail: error.message,
          ...where,
          ...errors,
        },
      };
    }
  }
  return {
    status: 500,
    headers: {},
    problem: {
      type: problemType('INTERNAL_ERROR'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side. Quote the request id if you report it.',
      ...where,
    },
  };
};

export type { Problem, ProblemResponse };
export { PROBLEM_CONTENT_TYPE, problemResponse, problemType };
