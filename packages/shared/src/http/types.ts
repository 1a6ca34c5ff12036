/**
 * Types shared by the HTTP adapter and the code generated from `openapi/api.yaml`.
 *
 * `scripts/generate.ts` writes, per service, an `operations` table of `OperationSpec` (with the
 * compiled validators) and an `Operations` interface of `OperationTypes` (the request and response
 * shapes). Handlers are typed from the latter, so a handler that returns a body the contract does
 * not allow fails the type-check.
 */
import type { Principal, Role } from '../auth.ts';

type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One error as reported by a generated (Ajv standalone) validator. */
interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** A generated validator: true when valid, with `errors` set otherwise. May coerce and fill defaults. */
type ValidateFunction = ((data: unknown) => boolean) & { errors?: readonly SchemaError[] | null };

/** The generated validators of one operation (`generated/operations/<operationId>.js`). */
interface OperationValidators {
  /** Validates `{ path, query, header }`, coercing strings and filling defaults. */
  readonly params: ValidateFunction;
  readonly body: ValidateFunction | undefined;
}

/** What the adapter needs to know about one operation at run time. */
interface OperationSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly secured: boolean;
  /** The only roles allowed to call, or null when any signed-in caller (or anyone) may. */
  readonly roles: readonly Role[] | null;
  readonly params: {
    readonly path: readonly string[];
    readonly query: readonly string[];
    readonly header: readonly string[];
  };
  readonly body: { readonly required: boolean } | null;
  /** Loads the operation's validators; the adapter loads them once, on the operation's first request. */
  readonly validators: () => Promise<OperationValidators>;
}

/** The compile-time shape of one operation, generated from the contract. */
interface OperationTypes {
  readonly secured: boolean;
  readonly path: object;
  readonly query: object;
  readonly header: object;
  readonly body: unknown;
  /** Non-error responses by status; `undefined` when the response has no body. */
  readonly responses: Readonly<Record<number, unknown>>;
}

/** A validated request as a handler sees it. */
interface HttpRequest<T extends OperationTypes> {
  readonly path: T['path'];
  readonly query: T['query'];
  readonly header: T['header'];
  readonly body: T['body'];
  /** Always set on secured operations. */
  readonly principal: T['secured'] extends true ? Principal : Principal | null;
  readonly correlationId: string;
}

type ResponseFor<Status, Body> = [Body] extends [undefined]
  ? {
      readonly status: Status;
      readonly body?: undefined;
      readonly headers?: Readonly<Record<string, string>>;
    }
  : { readonly status: Status; readonly body: Body; readonly headers?: Readonly<Record<string, string>> };

/** What a handler returns: one of the operation's documented non-error responses. */
type HttpResult<T extends OperationTypes> = {
  [S in keyof T['responses'] & number]: ResponseFor<S, T['responses'][S]>;
}[keyof T['responses'] & number];

type OperationHandler<T extends OperationTypes> = (request: HttpRequest<T>) => Promise<HttpResult<T>>;

/** One handler per operation of a service; a missing or extra handler fails the type-check. */
type OperationHandlers<Ops extends { [K in keyof Ops]: OperationTypes }> = {
  readonly [K in keyof Ops]: OperationHandler<Ops[K]>;
};

export type {
  HttpMethod,
  HttpRequest,
  HttpResult,
  OperationHandler,
  OperationHandlers,
  OperationSpec,
  OperationTypes,
  OperationValidators,
  SchemaError,
  ValidateFunction,
};
