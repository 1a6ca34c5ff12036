/**
 * Lambda entry of the users bundle. Two functions run it:
 * - `handler`: the users service (HTTP API events, and the `bootstrap-admin` command);
 * - `authorizer`: the HTTP API's Lambda authorizer (and later the WebSocket `$connect` one).
 *
 * Each export loads only its own part of the bundle, on its first invocation, so the authorizer's
 * cold start carries no DynamoDB client and the service's none of the authorizer (ADR 0017).
 */

import type { HttpEvent } from '@tessera/shared/http';
import { once } from '@tessera/shared/once';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { BootstrapCommand } from '#handlers/bootstrap';

const service = once(() => import('./service.ts'));
const authorize = once(() => import('./authorizer.ts'));

export const handler = async (event: HttpEvent | BootstrapCommand) => (await service()).handle(event);

export const authorizer = async (event: APIGatewayRequestAuthorizerEventV2) =>
  (await authorize()).handle(event);
