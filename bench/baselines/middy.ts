/**
 * Peer: the two benchmarked tickets operations on middy (`@middy/core`), with its JSON body parser
 * and its HTTP error handler, and zod for validation. Bench code, not product.
 *
 * One middy handler per operation, dispatched by route key as `@middy/http-router` would. Per
 * request: the correlation id and the authorizer check (a `before` middleware), the body limits,
 * the JSON body parser (415/422), zod on the path or body (400), the peers' use case and store
 * (`tickets.ts`: the same DynamoDB calls as ours, on the same stand-in), and a JSON response.
 * Errors become problem+json: a small `onError` turns any error into an exposed HTTP error whose
 * message is the problem, and `http-error-handler` writes the response. Middy runs with its
 * defaults, its early-timeout timer included.
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../fixtures/events.ts';
import { createTicketBody, ticketPath } from './schemas.ts';
import {
  assertBodyAcceptable,
  correlationIdOf,
  malformedJson,
  type Principal,
  problemOf,
  requirePrincipal,
  ticketResponse,
  validated,
} from './shared.ts';
import { createTicket, getTicket, type TicketStore } from './tickets.ts';

type MiddyEvent = HttpEvent & { tessera?: { principal: Principal; correlationId: string } };
type MiddyRequest = middy.Request<MiddyEvent, HttpResult, Error, Context>;

/** Correlation id and caller, before anything else, as our adapter does. */
const authenticate = (): middy.MiddlewareObj<MiddyEvent, HttpResult, Error, Context> => ({
  before: (request: MiddyRequest) => {
    const correlationId = correlationIdOf(request.event.headers);
    request.event.tessera = { correlationId, principal: requirePrincipal(request.event) };
  },
});

const bodyLimits = (): middy.MiddlewareObj<MiddyEvent, HttpResult, Error, Context> => ({
  before: (request: MiddyRequest) => assertBodyAcceptable(request.event),
});

/** Any error -> an exposed HTTP error carrying the problem, for `http-error-handler` to write. */
const problemErrors = (): middy.MiddlewareObj<MiddyEvent, HttpResult, Error, Context> => ({
  onError: (request: MiddyRequest) => {
    let error: unknown = request.error;
    const status = (error as { statusCode?: number } | null)?.statusCode;
    // The body parser's own errors, as our adapter names them.
    if (status === 422 || status === 415) error = malformedJson();
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

const withMiddlewares = <T extends middy.MiddyfiedHandler<MiddyEvent, HttpResult, Error, Context>>(
  handler: T,
) =>
  handler
    .use(httpErrorHandler({ logger: false }))
    .use(problemErrors())
    .use(authenticate());

/**
 * The middy peer on a store.
 *
 * @example
 * const handle = createMiddyTickets(createTicketStore({ endpoint, tableName, keys }));
 */
const createMiddyTickets = (store: TicketStore) => {
  const getTicketHandler = withMiddlewares(middy<MiddyEvent, HttpResult, Error, Context>()).handler(
    async (event) => {
      const { principal, correlationId } = event.tessera as NonNullable<MiddyEvent['tessera']>;
      const path = validated(ticketPath, event.pathParameters ?? {}, 'path');
      const ticket = await getTicket(store, principal, path.ticketId);
      return ticketResponse(200, ticket, correlationId);
    },
  );

  const createTicketHandler = withMiddlewares(middy<MiddyEvent, HttpResult, Error, Context>())
    .use(bodyLimits())
    .use(httpJsonBodyParser())
    .handler(async (event) => {
      const { principal, correlationId } = event.tessera as NonNullable<MiddyEvent['tessera']>;
      const body = validated(createTicketBody, event.body, 'body');
      const ticket = await createTicket(store, principal, body, correlationId);
      return ticketResponse(201, ticket, correlationId, `/v1/tickets/${ticket.id}`);
    });

  const routes = new Map<string, (event: MiddyEvent, context: Context) => Promise<HttpResult>>([
    ['GET /v1/tickets/{ticketId}', getTicketHandler],
    ['POST /v1/tickets', createTicketHandler],
  ]);

  return (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const route = routes.get(event.routeKey);
    if (!route) return Promise.resolve({ statusCode: 404 });
    return route(event, context);
  };
};

export { createMiddyTickets };
