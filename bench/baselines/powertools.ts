/**
 * Peer: the same two tickets operations on the Powertools for AWS Lambda event handler (HTTP
 * router, 2.35), with its Standard Schema validation fed the same zod schemas. Bench code, not
 * product.
 *
 * Per request: the router turns the API Gateway event into a web `Request`, matches the route by
 * method and path, runs a global middleware (correlation id, the authorizer check, the body
 * limits, the response headers), validates the path or body, calls the same use case on the same
 * in-memory store, and turns the web `Response` back into a proxy result. One error handler maps
 * every error to problem+json with the shared mapper; its 422 for invalid input becomes our 400.
 */

import { RequestValidationError, Router } from '@aws-lambda-powertools/event-handler/http';
import type { Principal } from '@tessera/shared/auth';
import { ValidationError } from '@tessera/shared/errors';
import type { HttpEvent, HttpResponse } from '@tessera/shared/http';
import type { Context } from 'aws-lambda';
import { createTicket, getTicket } from '../../services/tickets/src/domain/tickets.ts';
import type { BenchDependencies } from '../fixtures/dependencies.ts';
import { type CreateTicketBody, createTicketBody, ticketPath } from './schemas.ts';
import {
  assertBodyAcceptable,
  correlationIdOf,
  fieldErrors,
  problemOf,
  requirePrincipal,
  ticketResponse,
} from './shared.ts';

type Env = { store: { request: { principal: Principal; correlationId: string } } };

/** A proxy result as a web `Response`, which is what the router hands back through. */
const asResponse = (result: HttpResponse) =>
  new Response(result.body ?? null, {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
  });

const toTesseraError = (error: unknown): unknown => {
  if (!(error instanceof RequestValidationError)) return error;
  const issues =
    (error.details as { issues?: Array<{ path?: PropertyKey[]; message: string }> } | undefined)?.issues ??
    [];
  if (issues.length === 0) {
    // What the router throws for a body that is not JSON.
    return new ValidationError('MALFORMED_JSON', 'The body is not well-formed JSON.', [
      { location: 'body', field: '(body)', detail: 'is not well-formed JSON' },
    ]);
  }
  const errors = issues.map((issue) => {
    const [location, ...rest] = issue.path ?? [];
    return fieldErrors(location === 'path' ? 'path' : 'body', [{ path: rest, message: issue.message }])[0];
  });
  return new ValidationError(
    'INVALID_REQUEST',
    'The request does not match the contract.',
    errors.filter((e) => e !== undefined),
  );
};

const createPowertoolsTickets = (deps: BenchDependencies) => {
  const app = new Router<Env>();

  app.use(async ({ reqCtx, next }) => {
    const event = reqCtx.event as HttpEvent;
    const correlationId = correlationIdOf(event.headers);
    reqCtx.set('correlationId', correlationId);
    reqCtx.set('principal', requirePrincipal(event));
    if (event.body !== undefined) assertBodyAcceptable(event);
    await next();
  });

  app.get(
    '/v1/tickets/:ticketId',
    async (reqCtx) => {
      const ticket = await getTicket(
        deps.base,
        reqCtx.get('principal') as Principal,
        reqCtx.valid.req.path.ticketId,
      );
      return asResponse(ticketResponse(200, ticket, reqCtx.get('correlationId') as string));
    },
    { validation: { req: { path: ticketPath } } },
  );

  app.post(
    '/v1/tickets',
    async (reqCtx) => {
      const correlationId = reqCtx.get('correlationId') as string;
      const body: CreateTicketBody = reqCtx.valid.req.body;
      const ticket = await createTicket(deps.base, reqCtx.get('principal') as Principal, body, correlationId);
      return asResponse(ticketResponse(201, ticket, correlationId, `/v1/tickets/${ticket.id}`));
    },
    { validation: { req: { body: createTicketBody } } },
  );

  app.errorHandler(Error, async (error, reqCtx) => {
    const event = reqCtx.event as HttpEvent;
    const correlationId =
      (reqCtx.get('correlationId') as string | undefined) ?? correlationIdOf(event.headers);
    const { status, headers, problem } = problemOf(toTesseraError(error), event, correlationId);
    return new Response(JSON.stringify(problem), { status, headers });
  });

  return (event: HttpEvent, context: Context) => app.resolve(event, context) as Promise<HttpResponse>;
};

export { createPowertoolsTickets };
