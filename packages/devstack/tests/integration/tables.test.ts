import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamodbClient, tableDeclarationOf } from '../../../../tests/support/dynamodb.ts';
import { ensureTable } from '../../src/tables.ts';

describe('Devstack: ensureTable', () => {
  it('creates each service table as declared, with TTL, and finds it again on the next start', async () => {
    const client = dynamodbClient();
    const usersTable = tableDeclarationOf('users');
    const name = `it-tables-${crypto.randomUUID().slice(0, 8)}`;

    const created = await ensureTable(client, usersTable, name);
    const again = await ensureTable(client, usersTable, name);

    expect(created).toMatchObject({ created: true, streamArn: expect.stringContaining(name) });
    expect(again).toMatchObject({ created: false, streamArn: created.streamArn });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['gsi1']);
    await client.send(new DeleteTableCommand({ TableName: name }));
  });

  it('refuses to start on a table that differs from its declaration', async () => {
    const client = dynamodbClient();
    const usersTable = tableDeclarationOf('users');
    const name = `it-tables-${crypto.randomUUID().slice(0, 8)}`;
    const [index] = usersTable.globalSecondaryIndexes;
    if (!index) throw new Error('the users table has an index');
    const { nonKeyAttributes: _, ...allProjected } = index;
    await ensureTable(
      client,
      { ...usersTable, globalSecondaryIndexes: [{ ...allProjected, projection: 'ALL' }] },
      name,
    );

    await expect(ensureTable(client, usersTable, name)).rejects.toThrow(
      /differs from services\/users\/table.json/,
    );
    await client.send(new DeleteTableCommand({ TableName: name }));
  });
});
