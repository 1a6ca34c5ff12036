export type { HttpAdapterOptions, HttpEvent, HttpResponse } from './adapter.ts';
export { correlationIdOf, createHttpHandler, MAX_BODY_BYTES } from './adapter.ts';
export { assertPathEncoding, decodePathParameter, InvalidPathEncodingError } from './path.ts';
export type { Problem, ProblemResponse } from './problem.ts';
export { PROBLEM_CONTENT_TYPE, problemResponse, problemType } from './problem.ts';
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
} from './types.ts';
