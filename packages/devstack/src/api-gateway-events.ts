/**
 * The events API Gateway hands Lambda, built the way AWS builds them, for the devstack's HTTP
 * gateway and its WebSocket gateway:
 *
 * - `httpApiEvent`: an HTTP API request, payload format 2.0;
 * - `httpAuthorizerEvent`: an HTTP API REQUEST authorizer's event, payload format 2.0;
 * - `webSocketEvent`: a WebSocket API route's event (`$connect`, `$disconnect`, a message route),
 *   with `requestContext.routeKey`, `eventType`, `connectionId`, ...;
 * - `webSocketAuthorizerEvent`: a WebSocket API's `$connect` REQUEST authorizer's event.
 *
 * And `authorize()`, which calls an authorizer function as API Gateway does and reads its answer,
 * a simple response (`isAuthorized`) or an IAM policy (what WebSocket authorizers answer), into the
 * context to pass on or a refusal. A request without its identity source never reaches the
 * authorizer: API Gateway refuses it itself. An authorizer that throws an error whose message is
 * exactly `Unauthorized` (the Lambda convention for a bad token) is a refusal too, API Gateway's 401;
 * any other error it throws is rethrown (API Gateway's 500).
 */
import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const API_ID = 'devstack';
const STAGE = '$default';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`: `12/Mar/2026:19:03:58 +0000`. */
const requestTime = (epochMs: number): string => {
  const date = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

/** An HTTP request as the gateway read it, before any event is built from it. */
interface HttpRequestParts {
  readonly method: string;
  readonly rawPath: string;
  /** Without the leading `?`. */
  readonly rawQueryString: string;
  /** Lower-cased, repeated values joined by commas, without `cookie`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly queryStringParameters: Readonly<Record<string, string>> | undefined;
  /** The operation's route key, `GET /v1/tickets/{ticketId}`. */
  readonly routeKey: string;
  /** Only for a route with path parameters. */
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
  readonly body: Buffer;
  /** Text bodies go as they are, others base64-encoded. */
  readonly bodyIsText: boolean;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly protocol: string;
  readonly domainName: string;
  /** When the gateway received it, on the devstack clock. */
  readonly receivedAt: number;
  /** API Gateway's own id of the request (not the caller's X-Request-Id). */
  readonly requestId?: string;
}

const httpRequestContext = (parts: HttpRequestParts) => ({
  accountId: ACCOUNT,
  apiId: API_ID,
  domainName: parts.domainName,
  domainPrefix: API_ID,
  http: {
    method: parts.method,
    path: parts.rawPath,
    protocol: parts.protocol,
    sourceIp: parts.sourceIp,
    userAgent: parts.userAgent,
  },
  requestId: parts.requestId ?? randomUUID(),
  routeKey: parts.routeKey,
  stage: STAGE,
  time: requestTime(parts.receivedAt),
  timeEpoch: parts.receivedAt,
});

const httpCommon = (parts: HttpRequestParts) => ({
  version: '2.0',
  routeKey: parts.routeKey,
  rawPath: parts.rawPath,
  rawQueryString: parts.rawQueryString,
  ...(parts.cookies.length > 0 ? { cookies: [...parts.cookies] } : {}),
  headers: { ...parts.headers },
  ...(parts.queryStringParameters ? { queryStringParameters: { ...parts.queryStringParameters } } : {}),
  ...(parts.pathParameters ? { pathParameters: { ...parts.pathParameters } } : {}),
});

/**
 * The HTTP API's event for a request (payload format 2.0), with the authorizer's context when the
 * operation is secured.
 *
 * @example
 * const event = httpApiEvent(parts, { userId: 'u1', role: 'user', exp: 2_000_000_000 });
 * event.requestContext.authorizer.lambda.userId; // 'u1'
 */
const httpApiEvent = (
  parts: HttpRequestParts,
  authorizerContext?: Readonly<Record<string, unknown>>,
): APIGatewayProxyEventV2 & { requestContext: { authorizer?: { lambda: unknown } } } => ({
  ...httpCommon(parts),
  requestContext: {
    ...httpRequestContext(parts),
    ...(authorizerContext ? { authorizer: { lambda: { ...authorizerContext } } } : {}),
  },
  ...(parts.body.length > 0
    ? { body: parts.bodyIsText ? parts.body.toString('utf8') : parts.body.toString('base64') }
    : {}),
  isBase64Encoded: !parts.bodyIsText,
});

/**
 * The event an HTTP API REQUEST authorizer gets (payload format 2.0).
 *
 * @example
 * const event = httpAuthorizerEvent(parts, [headers.authorization]);
 */
const httpAuthorizerEvent = (
  parts: HttpRequestParts,
  identitySource: readonly string[],
): APIGatewayRequestAuthorizerEventV2 =>
  ({
    ...httpCommon(parts),
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${STAGE}/${parts.method}${parts.rawPath}`,
    identitySource: [...identitySource],
    requestContext: httpRequestContext(parts),
  }) as APIGatewayRequestAuthorizerEventV2;

type WebSocketEventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

/** A WebSocket connection's moment, as the WebSocket gateway knows it. */
interface WebSocketEventParts {
  /** `$connect`, `$disconnect`, `$default` or a route (the message's `action`). */
  readonly routeKey: string;
  readonly eventType: WebSocketEventType;
  readonly connectionId: string;
  /** When the connection opened, ms since the epoch. */
  readonly connectedAt: number;
  /** When this happened, on the devstack clock. */
  readonly at: number;
  readonly domainName: string;
  readonly stage?: string;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** `$connect` and `$disconnect` carry the upgrade request's headers and query. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly queryStringParameters?: Readonly<Record<string, string>>;
  /** A message's text (or base64 of its bytes). */
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  /** What the `$connect` authorizer answered, passed on to the connection's routes. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
  readonly disconnectStatusCode?: number;
  readonly disconnectReason?: string;
}

const webSocketRequestContext = (parts: WebSocketEventParts) => ({
  routeKey: parts.routeKey,
  eventType: parts.eventType,
  ...(parts.eventType === 'MESSAGE' ? { messageId: randomUUID() } : {}),
  extendedRequestId: randomUUID(),
  requestTime: requestTime(parts.at),
  messageDirection: 'IN' as const,
  stage: parts.stage ?? 'devstack',
  connectedAt: parts.connectedAt,
  requestTimeEpoch: parts.at,
  identity: { sourceIp: parts.sourceIp, ...(parts.userAgent ? { userAgent: parts.userAgent } : {}) },
  requestId: randomUUID(),
  domainName: parts.domainName,
  connectionId: parts.connectionId,
  apiId: API_ID,
  ...(parts.authorizer ? { authorizer: { ...parts.authorizer } } : {}),
  ...(parts.eventType === 'DISCONNECT'
    ? {
        disconnectStatusCode: parts.disconnectStatusCode ?? 1005,
        disconnectReason: parts.disconnectReason ?? '',
      }
    : {}),
});

const multiValue = (values: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value.split(',')]));

/**
 * A WebSocket API route's event, as API Gateway sends it to the route's function.
 *
 * @example
 * webSocketEvent({ routeKey: 'ping', eventType: 'MESSAGE', connectionId: 'c1', connectedAt, at: Date.now(),
 *   domainName: '127.0.0.1:3001', sourceIp: '127.0.0.1', body: '{"action":"ping"}' });
 */
const webSocketEvent = (parts: WebSocketEventParts) => ({
  ...(parts.headers ? { headers: { ...parts.headers }, multiValueHeaders: multiValue(parts.headers) } : {}),
  ...(parts.queryStringParameters
    ? {
        queryStringParameters: { ...parts.queryStringParameters },
        multiValueQueryStringParameters: multiValue(parts.queryStringParameters),
      }
    : {}),
  requestContext: webSocketRequestContext(parts),
  ...(parts.body !== undefined ? { body: parts.body } : {}),
  isBase64Encoded: parts.isBase64Encoded ?? false,
});

/**
 * The event a WebSocket API's `$connect` REQUEST authorizer gets.
 *
 * @example
 * webSocketAuthorizerEvent({ ...connectParts, routeKey: '$connect', eventType: 'CONNECT' });
 */
const webSocketAuthorizerEvent = (parts: WebSocketEventParts): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${parts.stage ?? 'devstack'}/${parts.routeKey}`,
    headers: { ...parts.headers },
    multiValueHeaders: multiValue(parts.headers ?? {}),
    queryStringParameters: { ...parts.queryStringParameters },
    multiValueQueryStringParameters: multiValue(parts.queryStringParameters ?? {}),
    stageVariables: {},
    requestContext: webSocketRequestContext(parts),
  }) as unknown as APIGatewayRequestAuthorizerEvent;

/** What an authorizer decided. */
type Authorization =
  | {
      readonly authorized: true;
      readonly context: Readonly<Record<string, unknown>>;
      readonly principalId?: string;
    }
  | {
      readonly authorized: false;
      /**
       * `identity-missing`: no call was made; `unauthorized`: the authorizer threw `Unauthorized`
       * (a 401); `refused`: it answered a denial or an answer it cannot read (a 403).
       */
      readonly reason: 'identity-missing' | 'unauthorized' | 'refused';
    };

/** The Lambda convention: an authorizer throws `Error('Unauthorized')` for a bad token. */
const isUnauthorizedError = (error: unknown): boolean =>
  error instanceof Error && error.message === 'Unauthorized';

/** True when an IAM policy resource (with `*` and `?` wildcards) covers the ARN. */
const resourceCovers = (resource: unknown, arn: string): boolean => {
  const resources = Array.isArray(resource) ? resource : [resource];
  return resources.some((r) => {
    if (typeof r !== 'string') return false;
    const pattern = r
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
    return new RegExp(`^${pattern}$`).test(arn);
  });
};

const actionCovers = (action: unknown): boolean => {
  const actions = Array.isArray(action) ? action : [action];
  return actions.some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke');
};

/** Reads an IAM policy answer: allowed when a statement allows the ARN and none denies it. */
const policyAllows = (policy: unknown, arn: string): boolean => {
  const statements = (policy as { Statement?: unknown } | undefined)?.Statement;
  const list = (Array.isArray(statements) ? statements : [statements]).filter(
    (s): s is { Effect?: unknown; Action?: unknown; Resource?: unknown } =>
      s !== null && typeof s === 'object',
  );
  const applies = (s: { Action?: unknown; Resource?: unknown }) =>
    actionCovers(s.Action) && resourceCovers(s.Resource, arn);
  return (
    list.some((s) => s.Effect === 'Allow' && applies(s)) &&
    !list.some((s) => s.Effect === 'Deny' && applies(s))
  );
};

/**
 * Calls an authorizer function as API Gateway does and reads its answer. A missing identity source
 * (an empty or absent value) is refused without a call, as API Gateway refuses it; a thrown
 * `Unauthorized` is the refusal `unauthorized`; any other error the authorizer throws is rethrown.
 *
 * @example
 * const answer = await authorize({
 *   invoke: (event) => functions.invoke('users-authorizer', event),
 *   identitySource: [headers.authorization],
 *   event: (identity) => httpAuthorizerEvent(parts, identity),
 * });
 * if (!answer.authorized) throw new ForbiddenError('FORBIDDEN', 'The authorizer refused this request.');
 */
const authorize = async (options: {
  readonly invoke: (event: unknown) => Promise<unknown>;
  readonly identitySource: readonly (string | undefined)[];
  /** Builds the authorizer's event from the identity source's values. */
  readonly event: (identitySource: readonly string[]) => {
    readonly routeArn?: string;
    readonly methodArn?: string;
  };
}): Promise<Authorization> => {
  const identity = options.identitySource;
  if (identity.length === 0 || identity.some((value) => value === undefined || value === '')) {
    return { authorized: false, reason: 'identity-missing' };
  }
  const event = options.event(identity as readonly string[]);
  let answer: Record<string, unknown> | null;
  try {
    answer = (await options.invoke(event)) as Record<string, unknown> | null;
  } catch (error) {
    if (isUnauthorizedError(error)) return { authorized: false, reason: 'unauthorized' };
    throw error;
  }
  const context =
    answer && typeof answer.context === 'object' && answer.context !== null
      ? (answer.context as Record<string, unknown>)
      : {};
  if (answer && typeof answer.isAuthorized === 'boolean') {
    return answer.isAuthorized ? { authorized: true, context } : { authorized: false, reason: 'refused' };
  }
  const arn = event.methodArn ?? event.routeArn ?? '';
  if (answer && policyAllows(answer.policyDocument, arn)) {
    return {
      authorized: true,
      context,
      ...(typeof answer.principalId === 'string' ? { principalId: answer.principalId } : {}),
    };
  }
  return { authorized: false, reason: 'refused' };
};

export type { Authorization, HttpRequestParts, WebSocketEventParts, WebSocketEventType };
export {
  authorize,
  httpApiEvent,
  httpAuthorizerEvent,
  requestTime,
  webSocketAuthorizerEvent,
  webSocketEvent,
};
