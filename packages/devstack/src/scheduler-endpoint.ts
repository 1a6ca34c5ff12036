/**
 * The devstack's scheduler behind an HTTP endpoint that speaks EventBridge Scheduler's REST JSON
 * protocol (restJson1), so the real `@aws-sdk/client-scheduler`, and the bookings service's own
 * signed client, work against it unchanged: `POST /schedules/{Name}` (CreateSchedule),
 * `PUT /schedules/{Name}` (UpdateSchedule), `GET /schedules/{Name}?groupName=` (GetSchedule),
 * `DELETE /schedules/{Name}?groupName=&clientToken=` (DeleteSchedule) and
 * `GET /schedules?ScheduleGroup=&NamePrefix=&State=` (ListSchedules, one page).
 *
 * Errors carry their type in `x-amzn-errortype` (the header the SDK reads first) and a JSON body
 * `{"Message": ...}`, with Scheduler's statuses: `ValidationException` 400,
 * `ResourceNotFoundException` 404, `ConflictException` 409, `InternalServerException` 500. Requests
 * are not authenticated (a signature is accepted, not checked).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-body.ts';
import { type HttpServer, startHttpServer } from './http-server.ts';
import { type LocalScheduler, SchedulerError } from './scheduler.ts';

const MAX_BODY_BYTES = 1024 * 1024;

class SchedulerEndpoint {
  readonly name = 'scheduler endpoint';
  private server: HttpServer | undefined;
  url = '';

  constructor(
    private readonly options: {
      readonly scheduler: LocalScheduler;
      readonly host?: string;
      /** 0 (the default) picks a free port. */
      readonly port?: number;
      readonly onError?: (error: unknown) => void;
    },
  ) {}

  async start(): Promise<string> {
    this.server = await startHttpServer({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
      handler: (request, response) => this.handle(request, response),
      busyPort: { what: 'the scheduler endpoint', variable: 'TESSERA_SCHEDULER_PORT' },
    });
    this.url = this.server.url;
    return this.url;
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (response.headersSent || response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    try {
      answer(200, await this.operation(request));
    } catch (error) {
      const failure =
        error instanceof SchedulerError
          ? error
          : new SchedulerError('InternalServerException', 'The devstack scheduler failed');
      if (!(error instanceof SchedulerError)) this.options.onError?.(error);
      answer(failure.status, { Message: failure.message }, { 'x-amzn-errortype': failure.code });
    }
  }

  private async operation(request: IncomingMessage): Promise<unknown> {
    const url = new URL(request.url ?? '/', 'http://scheduler');
    const scheduler = this.options.scheduler;
    const query = (name: string) => url.searchParams.get(name) ?? undefined;
    if (url.pathname === '/schedules' && request.method === 'GET') {
      const group = query('ScheduleGroup');
      const namePrefix = query('NamePrefix');
      const state = query('State');
      return scheduler.list({
        ...(group !== undefined ? { group } : {}),
        ...(namePrefix !== undefined ? { namePrefix } : {}),
        ...(state !== undefined ? { state } : {}),
      });
    }
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!match) throw new SchedulerError('ResourceNotFoundException', `No operation at ${url.pathname}`);
    let name: string;
    try {
      name = decodeURIComponent(match[1] ?? '');
    } catch {
      throw new SchedulerError('ValidationException', 'The schedule name is not valid percent-encoding');
    }
    switch (request.method) {
      case 'POST':
        return scheduler.create(name, await SchedulerEndpoint.body(request));
      case 'PUT':
        return scheduler.update(name, await SchedulerEndpoint.body(request));
      case 'GET':
        return scheduler.get(name, query('groupName'));
      case 'DELETE':
        scheduler.delete(name, query('groupName'));
        return {};
      default:
        throw new SchedulerError('ValidationException', `${request.method} is no operation on a schedule`);
    }
  }

  private static async body(request: IncomingMessage): Promise<Record<string, unknown>> {
    const raw = (
      await readBody(
        request,
        MAX_BODY_BYTES,
        () => new SchedulerError('ValidationException', 'The request is larger than 1 MiB'),
      )
    ).toString('utf8');
    let body: unknown;
    try {
      body = raw === '' ? {} : JSON.parse(raw);
    } catch {
      throw new SchedulerError('ValidationException', 'The request body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new SchedulerError('ValidationException', 'The request body is not a JSON object');
    return body as Record<string, unknown>;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}

export { SchedulerEndpoint };
