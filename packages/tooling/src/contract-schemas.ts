/**
 * Ajv over the contract's schemas: OpenAPI 3.0 schemas become JSON Schema that Ajv compiles
 * (`$ref: '#/components/schemas/X'` -> `$ref: 'X'`, OpenAPI-only keywords dropped; `nullable` is
 * understood by Ajv itself). The code generator compiles request validators with it; the end-to-end
 * tests compile response validators with it.
 */

import { EMAIL_PATTERN } from '@tessera/shared/email';
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './contract.ts';

const SCHEMA_REF = '#/components/schemas/';
const OPENAPI_ONLY_KEYWORDS = new Set(['example', 'xml', 'externalDocs', 'discriminator']);

/** Rewrites one OpenAPI schema into JSON Schema that an Ajv from `createContractAjv` compiles. */
const toAjvSchema = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(toAjvSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (OPENAPI_ONLY_KEYWORDS.has(key)) continue;
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF)
        ? value.slice(SCHEMA_REF.length)
        : toAjvSchema(value);
  }
  return out;
};

/**
 * An Ajv that knows every component schema by its name, with the formats the contract uses; `email`
 * is Tessera's one definition (packages/shared/src/email.ts), which the event schemas use too.
 */
const createContractAjv = (schemas: Readonly<Record<string, JsonSchema>>, options: Options = {}): Ajv => {
  const ajv = new Ajv({ allErrors: true, strict: true, ...options });
  addFormats.default(ajv, ['uuid', 'date-time']);
  ajv.addFormat('email', EMAIL_PATTERN);
  for (const [name, schema] of Object.entries(schemas))
    ajv.addSchema({ ...(toAjvSchema(schema) as object), $id: name });
  return ajv;
};

export { createContractAjv, SCHEMA_REF, toAjvSchema };
