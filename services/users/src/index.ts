/**
 * Lambda entry of the users bundle. Two functions run it (`service.json`):
 * - `users` calls `handler`: HTTP API events, and the `bootstrap-admin` command;
 * - `users-authorizer` calls `authorizer`: the HTTP API's Lambda authorizer, and the WebSocket
 *   API's `$connect` authorizer.
 *
 * Each export loads only its own part of the bundle, on its first invocation, so the authorizer's
 * cold start carries no DynamoDB client and the service's none of the authorizer (ADR 0017).
 */
import { createLambdaEntry } from '@tessera/shared/entry';
import { once } from '@tessera/shared/once';

const service = once(() => import('./service.ts'));
const authorize = once(() => import('./authorizer.ts'));

export const handler = createLambdaEntry(
  'users',
  {
    http: async (event) => (await service()).http(event),
    command: async (event) => (await service()).command(event),
  },
  // The service's metrics, once its module has loaded: the cold start is counted as the first
  // invocation loads it. A module that fails to load fails the invocation itself, so its count is
  // dropped rather than left as a rejection no one handles.
  {
    metrics: {
      emit: (values, options) =>
        void service().then(
          ({ metrics }) => metrics.emit(values, options),
          () => undefined,
        ),
    },
  },
);

export const authorizer = async (event: unknown) => (await authorize()).handle(event);
