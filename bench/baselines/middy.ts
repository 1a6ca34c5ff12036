/**
 * Peer: the same two tickets operations on middy (`@middy/core`), with its JSON body parser and its
 * HTTP error handler, and zod for validation. Bench code, not product.
 *
 * One middy handler per operation, dispatched by route key as `@middy/http-router` would. Per
 * request: the correlation id and the authorizer check (a `before` middleware), the body limits,
 * the JSON body parser (415/422), zod on the path or body (400), the same use case on the same
 * in-memory store, and a JSON response. Errors become problem+json: a small `onError` turns any
 * error into an exposed HTTP error whose message is the problem, and `http-error-handler` writes
 * the response. Middy runs with its defaults, its early-timeout timer included.
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Principal } from '@tessera/shared/auth';
import { ValidationError } from '@tessera/shared/errors';
import type { HttpEvent, HttpResponse } from '@tessera/shared/http';
import type { Context } from 'aws-lambda';
import { createTicket, getTicket } from '../../services/tickets/src/domain/tickets.ts';
import type { BenchDependencies } from '../fixtures/dependencies.ts';
import { createTicketBody, ticketPath } from './schemas.ts';
import {
  assertBodyAcceptable,
  correlationIdOf,
  problemOf,
  requirePrincipal,
  ticketResponse,
  validated,
} from './shared.ts';

type MiddyEvent = HttpEvent & { tessera?: { principal: Principal; correlationId: string } };
type MiddyRequest = middy.Request<MiddyEvent, HttpResponse, Error, Context>;

/** Correlation id and caller, before anything else, as our adapter does. */
const authenticate = (): middy.MiddlewareObj<MiddyEvent, HttpResponse, Error, Context> => ({
  before: (request: MiddyRequest) => {
    const correlationId = correlationIdOf(request.event.headers);
    request.event.tessera = { correlationId, principal: requirePrincipal(request.event) };
  },
});

const bodyLimits = (): middy.MiddlewareObj<MiddyEvent, HttpResponse, Error, Context> => ({
  before: (request: MiddyRequest) => assertBodyAcceptable(request.event),
});

/** Any error -> an exposed HTTP error carrying the problem, for `http-error-handler` to write. */
const problemErrors = (): middy.MiddlewareObj<MiddyEvent, HttpResponse, Error, Context> => ({
  onError: (request: MiddyRequest) => {
    let error: unknown = request.error;
    const status = (error as { statusCode?: number } | null)?.statusCode;
    if (status === 422 || status === 415) {
      // The body parser's own errors, as our adapter names them.
      error = new ValidationError('MALFORMED_JSON', 'The body is not well-formed JSON.', [
        { location: 'body', field: '(body)', detail: 'is not well-formed JSON' },
      ]);
    }
    const correlationId = request.event.tessera?.correlationId ?? correlationIdOf(request.event.headers);
    const problem = problemOf(error, request.event, correlationId);
    // `http-error-handler` writes `Content-Type` itself; the same spelling here replaces it.
    const { 'content-type': contentType, ...headers } = problem.headers;
    request.error = Object.assign(new Error(JSON.stringify(problem.problem)), {
      statusCode: problem.status,
      expose: true,
      headers: { ...headers, 'Content-Type': contentType },
    });
  },
});

const withMiddlewares = <T extends middy.MiddyfiedHandler<MiddyEvent, HttpResponse, Error, Context>>(
  handler: T,
) =>
  handler
    .use(httpErrorHandler({ logger: false }))
    .use(problemErrors())
    .use(authenticate());

const createMiddyTickets = (deps: BenchDependencies) => {
  const getTicketHandler = withMiddlewares(middy<MiddyEvent, HttpResponse, Error, Context>()).handler(
    async (event) => {
      const { principal, correlationId } = event.tessera as NonNullable<MiddyEvent['tessera']>;
      const path = validated(ticketPath, event.pathParameters ?? {}, 'path');
      const ticket = await getTicket(deps.base, principal, path.ticketId);
      return ticketResponse(200, ticket, correlationId);
    },
  );

  const createTicketHandler = withMiddlewares(middy<MiddyEvent, HttpResponse, Error, Context>())
    .use(bodyLimits())
    .use(httpJsonBodyParser())
    .handler(async (event) => {
      const { principal, correlationId } = event.tessera as NonNullable<MiddyEvent['tessera']>;
      const body = validated(createTicketBody, event.body, 'body');
      const ticket = await createTicket(deps.base, principal, body, correlationId);
      return ticketResponse(201, ticket, correlationId, `/v1/tickets/${ticket.id}`);
    });

  const routes = new Map<string, (event: MiddyEvent, context: Context) => Promise<HttpResponse>>([
    ['GET /v1/tickets/{ticketId}', getTicketHandler],
    ['POST /v1/tickets', createTicketHandler],
  ]);

  return (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const route = routes.get(event.routeKey);
    if (!route) return Promise.resolve({ statusCode: 404 });
    return route(event, context);
  };
};

export { createMiddyTickets };
