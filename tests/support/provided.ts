/**
 * What the global setup hands the tests, typed for `inject`.
 */

/** The admin the e2e devstack bootstraps. */
const BOOTSTRAP_ADMIN = {
  email: 'admin@e2e.tessera.test',
  password: 'e2e admin passphrase, long enough',
} as const;

declare module 'vitest' {
  interface ProvidedContext {
    dynamodbEndpoint: string;
    baseUrl: string;
    /** Set when the e2e suite runs against the devstack, null against a deployed stage. */
    devstack: {
      dataDir: string;
      tablePrefix: string;
      sqsEndpoint: string;
      /** The scheduler's endpoint (EventBridge Scheduler's REST JSON), for `@aws-sdk/client-scheduler`. */
      schedulerEndpoint: string;
      /** The Lambda endpoint (Invoke only), for `@aws-sdk/client-lambda` (`npm run redrive` uses it). */
      lambdaEndpoint: string;
      eventBusEndpoint: string;
      /** The WebSocket gateway, `ws://127.0.0.1:<port>` (its `@connections` endpoint is the same port over http). */
      webSocketUrl: string;
    } | null;
  }
}

export { BOOTSTRAP_ADMIN };
