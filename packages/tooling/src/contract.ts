/**
 * Reads `openapi/api.yaml` into a list of operations, the form everything that routes or checks
 * from the contract works with: the devstack gateway, the code generator, the docs page and the
 * end-to-end response checks.
 *
 * Parameter, response and header `$ref`s are resolved here; schema `$ref`s
 * (`#/components/schemas/X`) are kept, for the consumer to resolve against `schemas`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './repo.ts';

type JsonSchema = { readonly [key: string]: unknown };

const HTTP_METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'] as const;

interface ContractParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

interface ContractResponse {
  readonly status: number;
  readonly description: string;
  /** The media type of the body, or null when the response has none. */
  readonly contentType: string | null;
  readonly schema: JsonSchema | null;
  /** Header names, lower-cased. */
  readonly headers: readonly string[];
}

interface ContractOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly routeKey: string;
  readonly service: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly secured: boolean;
  readonly roles: readonly string[] | null;
  readonly parameters: readonly ContractParameter[];
  readonly requestBody: {
    readonly required: boolean;
    readonly contentType: string;
    readonly schema: JsonSchema;
  } | null;
  readonly responses: readonly ContractResponse[];
}

interface Contract {
  readonly document: JsonSchema;
  readonly schemas: Readonly<Record<string, JsonSchema>>;
  readonly operations: readonly ContractOperation[];
}

const CONTRACT_PATH = join(repoRoot, 'openapi', 'api.yaml');

const asObject = (value: unknown, where: string): JsonSchema => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where} must be an object`);
  return value as JsonSchema;
};

const resolver =
  (document: JsonSchema) =>
  (value: unknown, where: string): JsonSchema => {
    const node = asObject(value, where);
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    if (!ref.startsWith('#/')) throw new Error(`${where}: only local $refs are supported, not ${ref}`);
    let target: unknown = document;
    for (const segment of ref.slice(2).split('/')) {
      target = asObject(target, ref)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
    }
    return asObject(target, ref);
  };

const parseContract = (text: string): Contract => {
  const document = asObject(parse(text), 'the contract');
  const resolve = resolver(document);
  const components = asObject(document.components ?? {}, 'components');
  const schemas = asObject(components.schemas ?? {}, 'components.schemas') as Record<string, JsonSchema>;
  const globalSecurity = (document.security ?? []) as readonly unknown[];
  const operations: ContractOperation[] = [];

  for (const [path, rawItem] of Object.entries(asObject(document.paths, 'paths'))) {
    const item = asObject(rawItem, path);
    const shared = ((item.parameters ?? []) as unknown[]).map((p) => resolve(p, `${path} parameters`));
    for (const method of HTTP_METHODS) {
      if (!(method in item)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const op = asObject(item[method], where);
      const operationId = op.operationId;
      const service = op['x-tessera-service'];
      if (typeof operationId !== 'string') throw new Error(`${where} has no operationId`);
      if (typeof service !== 'string') throw new Error(`${where} has no x-tessera-service`);
      const own = ((op.parameters ?? []) as unknown[]).map((p) => resolve(p, `${where} parameters`));
      const byKey = new Map<string, JsonSchema>();
      for (const p of [...shared, ...own]) byKey.set(`${String(p.in)}:${String(p.name)}`, p);
      const parameters = [...byKey.values()].map((p) => ({
        name: p.in === 'header' ? String(p.name).toLowerCase() : String(p.name),
        in: p.in as ContractParameter['in'],
        required: p.required === true,
        ...(typeof p.description === 'string' ? { description: p.description } : {}),
        schema: asObject(p.schema, `${where} parameter ${String(p.name)}`),
      }));
      let requestBody: ContractOperation['requestBody'] = null;
      if (op.requestBody !== undefined) {
        const body = resolve(op.requestBody, `${where} requestBody`);
        const content = Object.entries(asObject(body.content, `${where} requestBody.content`));
        const [contentType, media] = content[0] ?? [];
        if (content.length !== 1 || contentType === undefined)
          throw new Error(`${where}: one request media type`);
        requestBody = {
          required: body.required === true,
          contentType,
          schema: asObject(asObject(media, where).schema, `${where} requestBody schema`),
        };
      }
      const responses = Object.entries(asObject(op.responses, `${where} responses`)).map(([status, raw]) => {
        const response = resolve(raw, `${where} ${status}`);
        const content = Object.entries((response.content ?? {}) as Record<string, JsonSchema>);
        const [contentType, media] = content[0] ?? [null, null];
        return {
          status: Number(status),
          description: String(response.description ?? ''),
          contentType,
          schema: media ? asObject(media.schema, `${where} ${status} schema`) : null,
          headers: Object.keys((response.headers ?? {}) as object).map((h) => h.toLowerCase()),
        };
      });
      const security = (op.security ?? globalSecurity) as readonly unknown[];
      const roles = op['x-tessera-roles'];
      operations.push({
        operationId,
        method: method.toUpperCase() as ContractOperation['method'],
        path,
        routeKey: `${method.toUpperCase()} ${path}`,
        service,
        summary: String(op.summary ?? ''),
        description: String(op.description ?? ''),
        tags: (op.tags ?? []) as string[],
        secured: security.length > 0,
        roles: Array.isArray(roles) ? roles.map(String) : null,
        parameters,
        requestBody,
        responses,
      });
    }
  }
  return { document, schemas, operations };
};

/** Loads and parses the contract (by default `openapi/api.yaml` of this repository). */
const loadContract = (path: string = CONTRACT_PATH): Contract => parseContract(readFileSync(path, 'utf8'));

export type { Contract, ContractOperation, ContractParameter, ContractResponse, JsonSchema };
export { CONTRACT_PATH, loadContract, parseContract };
