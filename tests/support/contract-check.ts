/**
 * Checks every response the end-to-end tests receive against `openapi/api.yaml`:
 *
 * - the status is one the operation documents (or a 404 problem for a route that does not exist);
 * - the media type is the documented one (`application/problem+json` for errors);
 * - the body validates against the documented schema, whose closed objects also catch any field
 *   that should never leave the service (a password hash, a token hash);
 * - documented headers are present (`X-Request-Id` always, `Location`, `WWW-Authenticate`,
 *   `Retry-After`, `Cache-Control`), but for flags sent only when set (`Idempotent-Replayed: true`).
 *
 * `checkedFetch` throws on any breach, so the test that made the request fails with the reason.
 */

import { compileRoutes, matchRoute } from '../../packages/devstack/src/gateway.ts';
import { loadContract } from '../../packages/tooling/src/contract.ts';
import { createContractAjv, toAjvSchema } from '../../packages/tooling/src/contract-schemas.ts';

const contract = loadContract();
const routes = compileRoutes(contract);
const ajv = createContractAjv(contract.schemas);
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** What the devstack serves besides the contract: its reference page, the contract, `/_devstack/*`. */
const isContractPath = (path: string) =>
  path !== '/openapi.json' && path !== '/docs' && !path.startsWith('/_devstack/');

/**
 * Documented headers that are flags, sent only when set (their one value is `true`): present, they
 * must say `true`; absent, they say no. Every other documented header must be present.
 */
const FLAG_HEADERS = new Set(['idempotent-replayed']);

class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

const mediaType = (response: Response) =>
  (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';

/** Checks one response; resolves with a list of breaches (empty when it conforms). */
const breachesOf = async (method: string, url: URL, response: Response): Promise<string[]> => {
  if (!isContractPath(url.pathname)) return [];
  const breaches: string[] = [];
  const body = await response.clone().text();
  if (!response.headers.get('x-request-id')) breaches.push('no X-Request-Id header');
  const route = matchRoute(routes, method, url.pathname);
  if (!route) {
    if (response.status !== 404 || mediaType(response) !== 'application/problem+json') {
      breaches.push(
        `${method} ${url.pathname} is no operation, yet answered ${response.status} ${mediaType(response)}`,
      );
    }
    return breaches;
  }
  const { operation } = route;
  const documented = operation.responses.find((r) => r.status === response.status);
  if (!documented) {
    return [
      ...breaches,
      `${operation.operationId} answered ${response.status}, which the contract does not document`,
    ];
  }
  for (const header of documented.headers) {
    if (FLAG_HEADERS.has(header)) {
      const value = response.headers.get(header);
      if (value !== null && value !== 'true')
        breaches.push(`${operation.operationId} ${response.status} has ${header}: ${value}, not true`);
    } else if (!response.headers.has(header))
      breaches.push(`${operation.operationId} ${response.status} lacks the ${header} header`);
  }
  if (documented.contentType === null) {
    if (body !== '') breaches.push(`${operation.operationId} ${response.status} must have no body`);
    return breaches;
  }
  if (mediaType(response) !== documented.contentType) {
    breaches.push(
      `${operation.operationId} ${response.status} is ${mediaType(response)}, not ${documented.contentType}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [
      ...breaches,
      `${operation.operationId} ${response.status} body is not JSON: ${body.slice(0, 200)}`,
    ];
  }
  const key = `${operation.operationId} ${response.status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(toAjvSchema(documented.schema ?? {}) as object);
    validators.set(key, validate);
  }
  if (!validate(parsed)) {
    breaches.push(
      `${key} body breaks the schema: ${ajv.errorsText(validate.errors)} in ${body.slice(0, 500)}`,
    );
  }
  if (response.status >= 400 && (parsed as { status?: unknown }).status !== response.status) {
    breaches.push(`${key} problem.status does not match the HTTP status`);
  }
  return breaches;
};

/**
 * A `fetch` that fails when the response breaks the contract.
 *
 * @example
 * const response = await checkedFetch(`${baseUrl}/v1/users/me`, { headers });
 */
const checkedFetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
  const request = new Request(input, init);
  const response = await fetch(request);
  const breaches = await breachesOf(request.method, new URL(request.url), response);
  if (breaches.length > 0) {
    throw new ContractViolation(
      `${request.method} ${new URL(request.url).pathname}:\n  ${breaches.join('\n  ')}`,
    );
  }
  return response;
};

export { breachesOf, ContractViolation, checkedFetch, contract };
