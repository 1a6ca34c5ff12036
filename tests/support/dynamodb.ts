/**
 * Integration-test tables on the run's DynamoDB Local: each call makes a fresh table from a
 * service's own declaration, with a unique name, so test files never see each other's data; and,
 * for the e2e suite, the tables of its devstack.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../packages/devstack/src/dynamodb-local.ts';
import { ensureTable } from '../../packages/devstack/src/tables.ts';
import { loadServiceManifests } from '../../packages/tooling/src/manifests.ts';

const endpoint = () => inject('dynamodbEndpoint');

const dynamodbClient = () =>
  new DynamoDBClient({ endpoint: endpoint(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

/** The table declaration of a service, as its manifest names it. */
const tableDeclarationOf = (service: string) => {
  const declaration = loadServiceManifests().find((manifest) => manifest.name === service)?.tableDeclaration;
  if (!declaration) throw new Error(`no table declaration for ${service}`);
  return declaration;
};

/** A fresh table shaped by `services/<service>/table.json`. */
const serviceTable = async (service: string) => {
  const declaration = tableDeclarationOf(service);
  const client = dynamodbClient();
  const tableName = `it-${service}-${randomUUID().slice(0, 8)}`;
  const { streamArn } = await ensureTable(client, declaration, tableName);
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    tableName,
    streamArn,
    client,
    documentClient,
    declaration,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
};

/**
 * The table the e2e suite's devstack made for a service (`<tablePrefix><table name>`), on the run's
 * DynamoDB Local, to check what the API answered against what is stored. Devstack only: call it
 * from files under `tests/e2e/devstack/`. Destroy `client` when done.
 */
const devstackTable = (service: string) => {
  const devstack = inject('devstack');
  if (!devstack) throw new Error('the devstack tables exist only when the e2e suite runs on the devstack');
  const client = dynamodbClient();
  return {
    tableName: `${devstack.tablePrefix}${tableDeclarationOf(service).name}`,
    client,
    documentClient: DynamoDBDocumentClient.from(client),
  };
};

export { devstackTable, dynamodbClient, endpoint, serviceTable, tableDeclarationOf };
