/**
 * Peer: the two benchmarked tickets operations on the Powertools for AWS Lambda event handler (HTTP
 * router, 2.35), with its Standard Schema validation fed the same zod schemas. Bench code, not
 * product.
 *
 * Per request: the router turns the API Gateway event into a web `Request`, matches the route by
 * method and path, runs a global middleware (correlation id, the authorizer check, the body
 * limits), validates the path or body, calls the peers' use case and store (`tickets.ts`: the same
 * DynamoDB calls as ours, on the same stand-in), and turns the web `Response` back into a proxy
 * result. One error handler maps every error to problem+json; its 422 for invalid input becomes
 * our 400.
 */
import { RequestValidationError, Router } from '@aws-lambda-powertools/event-handler/http';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../fixtures/events.ts';
import { type CreateTicketBody, createTicketBody, ticketPath } from './schemas.ts';
import {
  assertBodyAcceptable,
  correlationIdOf,
  fieldErrors,
  invalidRequest,
  malformedJson,
  type Principal,
  problemOf,
  requirePrincipal,
  ticketResponse,
} from './shared.ts';
import { createTicket, getTicket, type TicketStore } from './tickets.ts';

type Env = { store: { request: { principal: Principal; correlationId: string } } };

/** A proxy result as a web `Response`, which is what the router hands back through. */
const asResponse = (result: HttpResult) =>
  new Response(result.body ?? null, {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
  });

const toOurError = (error: unknown): unknown => {
  if (!(error instanceof RequestValidationError)) return error;
  const issues =
    (error.details as { issues?: Array<{ path?: PropertyKey[]; message: string }> } | undefined)?.issues ??
    [];
  // What the router throws for a body that is not JSON.
  if (issues.length === 0) return malformedJson();
  return invalidRequest(
    issues.flatMap((issue) => {
      const [location, ...rest] = issue.path ?? [];
      return fieldErrors(location === 'path' ? 'path' : 'body', [{ path: rest, message: issue.message }]);
    }),
  );
};

/**
 * The Powertools peer on a store.
 *
 * @example
 * const handle = createPowertoolsTickets(createTicketStore({ endpoint, tableName, keys }));
 */
const createPowertoolsTickets = (store: TicketStore) => {
  const app = new Router<Env>();

  app.use(async ({ reqCtx, next }) => {
    const event = reqCtx.event as unknown as HttpEvent;
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
        store,
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
      const ticket = await createTicket(store, reqCtx.get('principal') as Principal, body, correlationId);
      return asResponse(ticketResponse(201, ticket, correlationId, `/v1/tickets/${ticket.id}`));
    },
    { validation: { req: { body: createTicketBody } } },
  );

  app.errorHandler(Error, async (error, reqCtx) => {
    const event = reqCtx.event as unknown as HttpEvent;
    const correlationId =
      (reqCtx.get('correlationId') as string | undefined) ?? correlationIdOf(event.headers);
    const { status, headers, problem } = problemOf(toOurError(error), event, correlationId);
    return new Response(JSON.stringify(problem), { status, headers });
  });

  return (event: HttpEvent, context: Context) => app.resolve(event as never, context) as Promise<HttpResult>;
};

export { createPowertoolsTickets };
