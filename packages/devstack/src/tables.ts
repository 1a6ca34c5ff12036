/**
 * Creates each service's table on DynamoDB Local from its declaration, the same declaration
 * Terraform reads, and refuses to go on when an existing table differs from it.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, type TableDeclaration } from '@tessera/shared/table-declaration';

type TableDescription = NonNullable<DescribeTableCommandOutput['Table']>;

const describe = async (client: DynamoDBClient, tableName: string): Promise<TableDescription | null> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? null;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
};

/** The parts of a table that must match its declaration, in a comparable form. */
const shapeOf = (table: {
  KeySchema?: ReadonlyArray<{ AttributeName?: string | undefined; KeyType?: string | undefined }> | undefined;
  GlobalSecondaryIndexes?:
    | ReadonlyArray<{
        IndexName?: string | undefined;
        KeySchema?:
          | ReadonlyArray<{ AttributeName?: string | undefined; KeyType?: string | undefined }>
          | undefined;
        Projection?:
          | { ProjectionType?: string | undefined; NonKeyAttributes?: readonly string[] | undefined }
          | undefined;
      }>
    | undefined;
  StreamSpecification?:
    | { StreamEnabled?: boolean | undefined; StreamViewType?: string | undefined }
    | undefined;
}) =>
  JSON.stringify({
    keys: (table.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`),
    indexes: (table.GlobalSecondaryIndexes ?? [])
      .map((index) => ({
        name: index.IndexName,
        keys: (index.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`),
        projection: index.Projection?.ProjectionType,
        include: [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    stream: table.StreamSpecification?.StreamEnabled ? table.StreamSpecification.StreamViewType : null,
  });

/**
 * Makes sure the table exists as declared. Creates it when missing; throws when an existing table
 * has another shape (delete the data folder, or the table, to start over).
 */
const ensureTable = async (client: DynamoDBClient, declaration: TableDeclaration, tableName: string) => {
  const wanted = createTableInput(declaration, tableName);
  const existing = await describe(client, tableName);
  if (existing) {
    if (shapeOf(existing) !== shapeOf(wanted)) {
      throw new Error(
        `Table ${tableName} exists but differs from services/${declaration.name}/table.json.\n` +
          `  existing: ${shapeOf(existing)}\n  declared: ${shapeOf(wanted)}\n` +
          'Delete the devstack data folder (TESSERA_DATA_DIR, default .tessera/) to recreate it.',
      );
    }
    return { tableName, created: false, streamArn: existing.LatestStreamArn };
  }
  await client.send(new CreateTableCommand(wanted));
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  if (declaration.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: declaration.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
  const created = await describe(client, tableName);
  return { tableName, created: true, streamArn: created?.LatestStreamArn };
};

export { ensureTable, shapeOf };
