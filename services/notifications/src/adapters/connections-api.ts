/**
 * The WebSocket API's `@connections` endpoint through the SDK's `ApiGatewayManagementApiClient`,
 * pointed at `CONNECTIONS_ENDPOINT` (`https://<api>.execute-api.<region>.amazonaws.com/<stage>` in
 * AWS, the devstack's WebSocket gateway locally). Every call has a connect and a request timeout
 * and two attempts, so an endpoint that does not answer costs a push a few seconds, never the
 * function's timeout. `GoneException` (410) means API Gateway no longer has the connection.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionsApi } from '#domain/ports';

interface ConnectionsApiOptions {
  readonly endpoint: string;
  readonly log: (message: string, attributes: Readonly<Record<string, unknown>>) => Promise<void>;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

const createConnectionsApi = (options: ConnectionsApiOptions): ConnectionsApi => {
  const client = new ApiGatewayManagementApiClient({
    endpoint: options.endpoint,
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 2000,
      throwOnRequestTimeout: true,
    },
  });
  return {
    async post(connectionId, message) {
      try {
        await client.send(
          new PostToConnectionCommand({
            ConnectionId: connectionId,
            Data: Buffer.from(JSON.stringify(message)),
          }),
        );
        return 'sent';
      } catch (error) {
        const name = (error as { name?: unknown }).name;
        if (name === 'GoneException') return 'gone';
        await options.log('push failed', { connectionId, error: error as Error });
        return 'failed';
      }
    },
  };
};

export { createConnectionsApi };
