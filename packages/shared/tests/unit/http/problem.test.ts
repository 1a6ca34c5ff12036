import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../../src/errors.ts';
import { problemResponse } from '../../../src/http/problem.ts';

describe('Function: problemResponse', () => {
  it.each([
    [new ValidationError('BAD_INPUT', 'x'), 400, 'Bad Request'],
    [new UnauthenticatedError('UNAUTHENTICATED', 'x'), 401, 'Unauthorized'],
    [new ForbiddenError('FORBIDDEN', 'x'), 403, 'Forbidden'],
    [new NotFoundError('TICKET_NOT_FOUND', 'x'), 404, 'Not Found'],
    [new ConflictError('EMAIL_TAKEN', 'x'), 409, 'Conflict'],
    [new PreconditionFailedError('VERSION_MISMATCH', 'x'), 412, 'Precondition Failed'],
    [new PayloadTooLargeError('BODY_TOO_LARGE', 'x'), 413, 'Content Too Large'],
    [new UnsupportedMediaTypeError('UNSUPPORTED_MEDIA_TYPE', 'x'), 415, 'Unsupported Media Type'],
    [new UnprocessableError('IDEMPOTENCY_KEY_REUSED', 'x'), 422, 'Unprocessable Content'],
    [new RateLimitedError('TOO_MANY_ATTEMPTS', 'x', 30), 429, 'Too Many Requests'],
    [new ServiceUnavailableError('SERVICE_TIMEOUT', 'x'), 503, 'Service Unavailable'],
  ])('maps %s to its status and title', (error, status, title) => {
    const { problem } = problemResponse(error, { instance: '/v1/x', requestId: 'r1' });

    expect(problem).toMatchObject({ status, title, detail: 'x', instance: '/v1/x', requestId: 'r1' });
    expect(problem.type).toBe(`urn:tessera:problem:${error.code.toLowerCase().replaceAll('_', '-')}`);
  });

  it('answers anything else with a 500 that says nothing about the cause', () => {
    const { status, problem } = problemResponse(new Error('connect ECONNREFUSED 10.0.0.1:8000'));

    expect(status).toBe(500);
    expect(problem.type).toBe('urn:tessera:problem:internal-error');
    expect(JSON.stringify(problem)).not.toContain('ECONNREFUSED');
  });

  it("adds the error's extension members, which never replace the standard ones", () => {
    const error = new ConflictError('STUCK', 'x', {
      extensions: { currentStatus: 'NEW', status: 200, type: 'about:blank', instance: '/elsewhere' },
    });

    expect(problemResponse(error, { instance: '/v1/x' }).problem).toEqual({
      type: 'urn:tessera:problem:stuck',
      title: 'Conflict',
      status: 409,
      detail: 'x',
      instance: '/v1/x',
      currentStatus: 'NEW',
    });
    expect(Object.keys(problemResponse(new ConflictError('STUCK', 'x')).problem)).toEqual([
      'type',
      'title',
      'status',
      'detail',
    ]);
  });

  it('adds the challenge and the wait to the headers', () => {
    expect(
      problemResponse(new UnauthenticatedError('X', 'x', { error: 'invalid_token', description: 'expired' }))
        .headers,
    ).toEqual({
      'www-authenticate': 'Bearer realm="tessera", error="invalid_token", error_description="expired"',
    });
    expect(problemResponse(new RateLimitedError('X', 'x', 2.2)).headers).toEqual({ 'retry-after': '3' });
  });

  it('tells when to retry a 503, a second unless the error says otherwise', () => {
    expect(problemResponse(new ServiceUnavailableError('X', 'x')).headers).toEqual({ 'retry-after': '1' });
    expect(problemResponse(new ServiceUnavailableError('X', 'x', 4.5)).headers).toEqual({
      'retry-after': '5',
    });
  });
});
