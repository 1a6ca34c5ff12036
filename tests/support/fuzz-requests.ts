/**
 * Requests for the fuzz test, generated from the contract with fast-check: for any operation, a
 * caller (anonymous, each role, a forged token), path parameters (known ids, random UUIDs, junk,
 * broken percent-encoding), query parameters and headers from their schemas or not, and a body that
 * fits the operation's schema, breaks it one way, or is no JSON at all (wrong media type, too large,
 * malformed). Nothing here knows a service: a new operation in the contract is fuzzed the day it
 * lands.
 */
import fc from 'fast-check';
import type { Contract, ContractOperation, JsonSchema } from '../../packages/tooling/src/contract.ts';

const SCHEMA_REF = '#/components/schemas/';

interface FuzzRequest {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** What the generator may draw on: tokens per caller and ids that exist. */
interface FuzzFixtures {
  readonly tokens: Readonly<Record<'user' | 'provider' | 'admin', string>>;
  /** Ids that exist, by path parameter name (`ticketId`, `userId`). */
  readonly ids: Readonly<Record<string, readonly string[]>>;
  /** Values worth sending as headers, by header name (`if-match`: `"1"`). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /**
   * Values worth sending in bodies and queries, by property or parameter name (`roomId`: a room
   * that exists; `startTime`: a time a booking may start), drawn as often as one from the schema.
   */
  readonly fields?: Readonly<Record<string, readonly unknown[]>>;
}

type Fields = FuzzFixtures['fields'];

const resolve = (contract: Contract, schema: JsonSchema): JsonSchema => {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_REF)) return schema;
  return contract.schemas[ref.slice(SCHEMA_REF.length)] ?? {};
};

const junkString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    "' OR '1'='1",
    '%',
    '%ZZ',
    '%E0%A4%A',
    '😀'.repeat(30),
  ),
  fc.string({ minLength: 300, maxLength: 600 }),
);

/** Values that fit a schema (mostly), for bodies, queries and headers. */
const schemaValue = (
  contract: Contract,
  raw: JsonSchema,
  depth = 0,
  fields: Fields = undefined,
): fc.Arbitrary<unknown> => {
  const schema = resolve(contract, raw);
  const options: fc.Arbitrary<unknown>[] = [];
  if (Array.isArray(schema.oneOf)) {
    return fc.oneof(
      ...(schema.oneOf as JsonSchema[]).map((s) => schemaValue(contract, s, depth + 1, fields)),
    );
  }
  if (Array.isArray(schema.enum)) options.push(fc.constantFrom(...(schema.enum as unknown[])));
  else {
    switch (schema.type) {
      case 'string': {
        const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
        const max = typeof schema.maxLength === 'number' ? Math.min(schema.maxLength, 80) : 40;
        if (schema.format === 'uuid') options.push(fc.uuid());
        else if (schema.format === 'email') options.push(fc.emailAddress());
        else if (schema.format === 'date-time')
          options.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
        else options.push(fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(max, min, 1) }));
        break;
      }
      case 'integer': {
        const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
        const max = typeof schema.maximum === 'number' ? schema.maximum : 1000;
        options.push(fc.integer({ min, max }));
        break;
      }
      case 'number':
        options.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
        break;
      case 'boolean':
        options.push(fc.boolean());
        break;
      case 'array':
        if (depth < 3)
          options.push(
            fc.array(schemaValue(contract, (schema.items ?? {}) as JsonSchema, depth + 1, fields), {
              maxLength: 3,
            }),
          );
        break;
      case 'object': {
        if (depth >= 3) break;
        const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
        const required = new Set((schema.required ?? []) as string[]);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, property] of properties) {
          const value = schemaValue(contract, property, depth + 1, fields);
          const known = fields?.[name];
          record[name] = known?.length ? fc.oneof(fc.constantFrom(...known), value) : value;
        }
        options.push(
          fc.record(record, {
            requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)),
          }),
        );
        break;
      }
      default:
        break;
    }
  }
  if (schema.nullable === true) options.push(fc.constant(null));
  return options.length > 0 ? fc.oneof(...options) : fc.jsonValue({ maxDepth: 2 });
};

/** A body that fits the schema, or breaks it one way: a field dropped, one added, one of another type. */
const bodyValue = (
  contract: Contract,
  schema: JsonSchema,
  fields: Fields = undefined,
): fc.Arbitrary<unknown> => {
  const fitting = schemaValue(contract, schema, 0, fields);
  return fc.oneof(
    { weight: 4, arbitrary: fitting },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fitting, fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }))
        .map(([value, key, extra]) =>
          typeof value === 'object' && value !== null && !Array.isArray(value)
            ? { ...value, [key]: extra }
            : value,
        ),
    },
    {
      weight: 1,
      arbitrary: fitting.map((value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
        const [first] = Object.keys(value);
        if (first === undefined) return value;
        const { [first]: _dropped, ...rest } = value as Record<string, unknown>;
        return rest;
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fitting, fc.jsonValue({ maxDepth: 1 })).map(([value, other]) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return other;
        const [first] = Object.keys(value);
        return first === undefined ? value : { ...value, [first]: other };
      }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
};

const brokenEncoding = fc.constantFrom('%E0%A4%A', '%ZZ', '%', '%C3%28', 'a%2', '%ED%A0%80');

const pathValue = (fixtures: FuzzFixtures, name: string): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fixtures.ids[name]?.length ? fc.constantFrom(...(fixtures.ids[name] ?? [])) : fc.uuid(),
    },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: junkString.map((s) => encodeURIComponent(s)) },
    { weight: 1, arbitrary: brokenEncoding },
  );

const caller = (fixtures: FuzzFixtures): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(fixtures.tokens.user),
    fc.constant(fixtures.tokens.provider),
    fc.constant(fixtures.tokens.admin),
    fc.constantFrom('Bearer not-a-token', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(3000)}`, 'Bearer a.b.c'),
    // A real token with its signature cut short: well formed, forged.
    fc.constant(fixtures.tokens.user.slice(0, -4)),
  );

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The request parts of one operation. */
const requestFor = (
  contract: Contract,
  op: ContractOperation,
  fixtures: FuzzFixtures,
): fc.Arbitrary<FuzzRequest> => {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');

  const path = fc
    .tuple(...pathParams.map((p) => pathValue(fixtures, p.name)))
    .map((values) => pathParams.reduce((out, p, i) => out.replace(`{${p.name}}`, values[i] ?? ''), op.path));

  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        fc.option(
          fc.oneof(
            ...(fixtures.fields?.[p.name]?.length
              ? [{ weight: 3, arbitrary: fc.constantFrom(...(fixtures.fields[p.name] ?? [])).map(asText) }]
              : []),
            { weight: 3, arbitrary: schemaValue(contract, p.schema).map(asText) },
            { weight: 1, arbitrary: junkString },
          ),
          {
            nil: undefined,
            freq: 2,
          },
        ),
      ),
    )
    .map((values) => {
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const value = values[i];
        if (value !== undefined) search.append(p.name, value);
      });
      const text = search.toString();
      return text ? `?${text}` : '';
    });

  const headers = fc
    .tuple(
      caller(fixtures),
      ...headerParams.map((p) =>
        fc.option(
          fc.oneof(
            ...(fixtures.headers?.[p.name]?.length
              ? [fc.constantFrom(...(fixtures.headers[p.name] ?? []))]
              : []),
            schemaValue(contract, p.schema).map(asText),
            junkString.filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
          ),
          { nil: undefined },
        ),
      ),
    )
    .map(([authorization, ...values]) => {
      const out: Record<string, string> = {};
      if (authorization !== undefined) out.authorization = authorization;
      headerParams.forEach((p, i) => {
        const value = values[i];
        if (value !== undefined) out[p.name] = value;
      });
      return out;
    });

  const body: fc.Arbitrary<{ readonly body?: string; readonly contentType?: string }> = op.requestBody
    ? fc.oneof(
        {
          weight: 6,
          arbitrary: bodyValue(contract, op.requestBody.schema, fixtures.fields).map((v) => ({
            body: JSON.stringify(v),
            contentType: 'application/json',
          })),
        },
        { weight: 1, arbitrary: fc.constant({}) },
        {
          weight: 1,
          arbitrary: fc
            .string({ maxLength: 30 })
            .map((text) => ({ body: `{${text}`, contentType: 'application/json' })),
        },
        {
          weight: 1,
          arbitrary: bodyValue(contract, op.requestBody.schema, fixtures.fields).map((v) => ({
            body: JSON.stringify(v),
            contentType: 'text/plain',
          })),
        },
        {
          weight: 1,
          arbitrary: fc.constant({
            body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
            contentType: 'application/json',
          }),
        },
      )
    : fc.constant({});

  return fc.tuple(path, query, headers, body).map(([p, q, h, b]) => ({
    operationId: op.operationId,
    method: op.method,
    path: `${p}${q}`,
    headers: { ...h, ...(b.contentType ? { 'content-type': b.contentType } : {}) },
    ...(b.body === undefined ? {} : { body: b.body }),
  }));
};

/** A request for any operation of the contract, each operation as likely as the next. */
const anyRequest = (contract: Contract, fixtures: FuzzFixtures): fc.Arbitrary<FuzzRequest> =>
  fc.oneof(...contract.operations.map((op) => requestFor(contract, op, fixtures)));

export type { FuzzFixtures, FuzzRequest };
export { anyRequest, requestFor };
