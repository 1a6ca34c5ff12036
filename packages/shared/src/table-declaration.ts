/**
 * A service's table declaration (`services/<name>/table.json`): the one description of its DynamoDB
 * table, read by the devstack (to create the table on DynamoDB Local) and by Terraform (with
 * `jsondecode(file(...))`), so the two cannot drift apart.
 *
 * Every table keys items on string `pk` and `sk`, expires items through the `ttl` attribute, and
 * streams new images to the outbox publisher.
 *
 * @example
 * const declaration = parseTableDeclaration(JSON.parse(await readFile('services/users/table.json', 'utf8')));
 * await dynamodb.send(new CreateTableCommand(createTableInput(declaration, 'tessera-users')));
 */
import * as z from 'zod/mini';

const attributeType = z.enum(['S', 'N', 'B']);

const globalSecondaryIndex = z.strictObject({
  name: z.string(),
  partitionKey: z.string(),
  sortKey: z.optional(z.string()),
  projection: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']),
  /** With `INCLUDE`: the attributes copied into the index besides the keys. */
  nonKeyAttributes: z.optional(z.array(z.string())),
});

const tableDeclarationSchema = z
  .strictObject({
    name: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,40}$/)),
    description: z.optional(z.string()),
    attributes: z.record(z.string(), attributeType),
    partitionKey: z.string(),
    sortKey: z.optional(z.string()),
    globalSecondaryIndexes: z._default(z.array(globalSecondaryIndex), []),
    timeToLiveAttribute: z.optional(z.string()),
    streamViewType: z.optional(z.enum(['NEW_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY', 'OLD_IMAGE'])),
  })
  .check(
    z.superRefine((table, ctx) => {
      const keys = [
        table.partitionKey,
        table.sortKey,
        ...table.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
      ].filter((key): key is string => key !== undefined);
      for (const key of keys) {
        if (!(key in table.attributes))
          ctx.addIssue({ code: 'custom', message: `key attribute ${key} is not declared` });
      }
      for (const index of table.globalSecondaryIndexes) {
        if ((index.projection === 'INCLUDE') !== (index.nonKeyAttributes !== undefined)) {
          ctx.addIssue({
            code: 'custom',
            message: `index ${index.name}: nonKeyAttributes goes with projection INCLUDE`,
          });
        }
      }
      for (const name of Object.keys(table.attributes)) {
        if (!keys.includes(name))
          ctx.addIssue({ code: 'custom', message: `attribute ${name} is declared but is no key` });
      }
    }),
  );

type TableDeclaration = z.output<typeof tableDeclarationSchema>;

const parseTableDeclaration = (json: unknown): TableDeclaration => z.parse(tableDeclarationSchema, json);

const keySchema = (partitionKey: string, sortKey: string | undefined) => [
  { AttributeName: partitionKey, KeyType: 'HASH' as const },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
];

/** The CreateTable input for a declaration: on-demand, streams as declared. */
const createTableInput = (table: TableDeclaration, tableName: string) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: Object.entries(table.attributes).map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  })),
  KeySchema: keySchema(table.partitionKey, table.sortKey),
  ...(table.globalSecondaryIndexes.length > 0
    ? {
        GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: {
            ProjectionType: index.projection,
            ...(index.nonKeyAttributes ? { NonKeyAttributes: index.nonKeyAttributes } : {}),
          },
        })),
      }
    : {}),
  ...(table.streamViewType
    ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType } }
    : {}),
});

export type { TableDeclaration };
export { createTableInput, parseTableDeclaration, tableDeclarationSchema };
