/**
 * What both peers do the same way as our adapter, so that only the framework differs: the
 * correlation id, the authorizer-context check, the body limits, the response headers, and the one
 * mapper from errors to problem+json (`problemResponse` from the shared kernel). Bench code, not
 * product.
 */
import { type Principal, principalFrom } from '@tessera/shared/auth';
import {
  type FieldError,
  type FieldLocation,
  PayloadTooLargeError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@tessera/shared/errors';
import {
  correlationIdOf,
  type HttpEvent,
  type HttpResponse,
  MAX_BODY_BYTES,
  PROBLEM_CONTENT_TYPE,
  problemResponse,
} from '@tessera/shared/http';
import type { z } from 'zod';
import type { Ticket } from '../../services/tickets/src/domain/ticket.ts';

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** The caller from the authorizer context, or the 401 our adapter answers. */
const requirePrincipal = (event: HttpEvent): Principal => {
  const principal = principalFrom(event.requestContext.authorizer?.lambda, Math.floor(Date.now() / 1000));
  if (!principal) {
    throw new UnauthenticatedError('UNAUTHENTICATED', 'The access token is not valid.', {
      error: 'invalid_token',
      description: 'invalid token',
    });
  }
  return principal;
};

/** 413 and 415 before any parsing, as our adapter does. */
const assertBodyAcceptable = (event: HttpEvent) => {
  const raw = typeof event.body === 'string' ? event.body : '';
  const bytes = event.isBase64Encoded ? Buffer.byteLength(raw, 'base64') : Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError('PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  if (bytes > 0 && !JSON_MEDIA_TYPE.test(event.headers?.['content-type'] ?? '')) {
    throw new UnsupportedMediaTypeError(
      'UNSUPPORTED_MEDIA_TYPE',
      'The body must be application/json (UTF-8).',
    );
  }
};

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

/** Parses with a zod schema, throwing our 400 with every bad field. */
const validated = <T>(schema: z.ZodType<T>, value: unknown, location: FieldLocation): T => {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(
      'INVALID_REQUEST',
      'The request does not match the contract.',
      fieldErrors(location, result.error.issues),
    );
  }
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
  ticket: Ticket,
  correlationId: string,
  location?: string,
): HttpResponse => ({
  statusCode: status,
  headers: {
    ...baseHeaders(correlationId, 'application/json'),
    etag: `"${ticket.version}"`,
    ...(location ? { location } : {}),
  },
  body: JSON.stringify(ticket),
});

/** The problem+json of any error, as our adapter answers it. */
const problemOf = (error: unknown, event: HttpEvent, correlationId: string) => {
  const { status, headers, problem } = problemResponse(error, {
    instance: event.rawPath,
    requestId: correlationId,
  });
  return { status, headers: { ...baseHeaders(correlationId, PROBLEM_CONTENT_TYPE), ...headers }, problem };
};

export {
  assertBodyAcceptable,
  baseHeaders,
  correlationIdOf,
  fieldErrors,
  problemOf,
  requirePrincipal,
  ticketResponse,
  validated,
};
