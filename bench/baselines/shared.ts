/**
 * What both peers do the same way as our adapter, so that only the framework differs, written
 * here as a team on middy or Powertools would write it (bench code, nothing of ours is imported):
 * the correlation id, the authorizer-context check, the body limits (64 KiB, JSON), zod
 * validation with our 400's `errors[]`, the response headers (`x-request-id`, `cache-control`,
 * `etag`, `location`), and one mapper from errors to RFC 9457 problem+json.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { HttpEvent, HttpResult, Role } from '../fixtures/events.ts';

const MAX_BODY_BYTES = 64 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const ROLES: readonly string[] = ['user', 'provider', 'admin'];

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

type FieldLocation = 'path' | 'query' | 'header' | 'body';

interface FieldError {
  readonly location: FieldLocation;
  readonly field: string;
  readonly detail: string;
}

interface Principal {
  readonly userId: string;
  readonly role: Role;
  readonly expiresAt: number;
}

/** An error with its HTTP status, a stable code and, for a 400, the fields at fault. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: readonly FieldError[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The caller's `X-Request-Id` when well formed, else a new UUID. */
const correlationIdOf = (headers: HttpEvent['headers'] | undefined): string => {
  const given = headers?.['x-request-id'];
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
};

/** The caller from the authorizer context (checked again for expiry), or a 401 with its challenge. */
const requirePrincipal = (event: HttpEvent): Principal => {
  const context = event.requestContext.authorizer?.lambda;
  const userId = context?.userId;
  const role = context?.role;
  const exp = Number(context?.exp);
  if (
    typeof userId !== 'string' ||
    userId === '' ||
    typeof role !== 'string' ||
    !ROLES.includes(role) ||
    !Number.isFinite(exp) ||
    exp <= Math.floor(Date.now() / 1000)
  ) {
    throw new HttpError(401, 'UNAUTHENTICATED', 'The access token is not valid.', [], {
      'www-authenticate': 'Bearer realm="tessera", error="invalid_token", error_description="invalid token"',
    });
  }
  return { userId, role: role as Role, expiresAt: exp };
};

/** 413 and 415 before any parsing, as our adapter does. */
const assertBodyAcceptable = (event: HttpEvent) => {
  const raw = typeof event.body === 'string' ? event.body : '';
  const bytes = event.isBase64Encoded ? Buffer.byteLength(raw, 'base64') : Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  if (bytes > 0 && !JSON_MEDIA_TYPE.test(event.headers?.['content-type'] ?? '')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json (UTF-8).');
  }
};

const malformedJson = () =>
  new HttpError(400, 'MALFORMED_JSON', 'The body is not well-formed JSON.', [
    { location: 'body', field: '(body)', detail: 'is not well-formed JSON' },
  ]);

/** zod issues as our 400's `errors[]`. */
const fieldErrors = (
  location: FieldLocation,
  issues: ReadonlyArray<{
    readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
    readonly message: string;
  }>,
): FieldError[] =>
  issues.map((issue) => ({
    location,
    field:
      (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.') ||
      `(${location})`,
    detail: issue.message,
  }));

const invalidRequest = (errors: readonly FieldError[]) =>
  new HttpError(400, 'INVALID_REQUEST', 'The request does not match the contract.', errors);

/** Parses with a zod schema, throwing our 400 with every bad field. */
const validated = <T>(schema: z.ZodType<T>, value: unknown, location: FieldLocation): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(fieldErrors(location, result.error.issues));
  return result.data;
};

const baseHeaders = (correlationId: string, contentType: string): Record<string, string> => ({
  'x-request-id': correlationId,
  'cache-control': 'no-store',
  'content-type': contentType,
});

/** The 200/201 of a ticket, with the headers our handlers set. */
const ticketResponse = (
  status: number,
  ticket: { readonly version: number },
  correlationId: string,
  location?: string,
): HttpResult => ({
  statusCode: status,
  headers: {
    ...baseHeaders(correlationId, 'application/json'),
    etag: `"${ticket.version}"`,
    ...(location ? { location } : {}),
  },
  body: JSON.stringify(ticket),
});

/** The problem+json of any error: an `HttpError` by its status and code, anything else a bare 500. */
const problemOf = (error: unknown, event: HttpEvent, correlationId: string) => {
  const known = error instanceof HttpError ? error : null;
  const status = known?.status ?? 500;
  const code = known?.code ?? 'INTERNAL_ERROR';
  const problem = {
    type: `urn:tessera:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: known?.message ?? 'Something went wrong on our side. Quote the request id if you report it.',
    instance: event.rawPath,
    requestId: correlationId,
    ...(known && known.errors.length > 0 ? { errors: known.errors } : {}),
  };
  return {
    status,
    headers: { ...baseHeaders(correlationId, PROBLEM_CONTENT_TYPE), ...(known?.headers ?? {}) },
    problem,
  };
};

export type { FieldError, FieldLocation, Principal };
export {
  assertBodyAcceptable,
  baseHeaders,
  correlationIdOf,
  fieldErrors,
  HttpError,
  invalidRequest,
  malformedJson,
  problemOf,
  requirePrincipal,
  ticketResponse,
  validated,
};
