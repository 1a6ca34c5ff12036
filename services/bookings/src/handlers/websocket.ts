/**
 * The WebSocket API's booking commands (the routes `service.json` gives this function): each the
 * operation of the same name, run through the function's own HTTP handler by the kit's commands
 * adapter, so a command answers exactly what the REST operation does (docs/websocket.md). Loaded
 * on the first command.
 */
import type { HttpEvent, HttpResponse } from '@tessera/shared/http';
import type { Logger } from '@tessera/shared/logger';
import { createWebSocketCommands } from '@tessera/shared/websocket-commands';
import { operations } from '#generated/contract';

const COMMANDS = ['createBooking', 'getBooking', 'listBookings', 'updateBooking', 'cancelBooking'] as const;

const createBookingCommands = (http: (event: HttpEvent) => Promise<HttpResponse>, logger: Logger) =>
  createWebSocketCommands({
    operations,
    http,
    logger,
    actions: Object.fromEntries(COMMANDS.map((command) => [command, command])),
  });

export { COMMANDS, createBookingCommands };
