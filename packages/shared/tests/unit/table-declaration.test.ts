import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTableInput, parseTableDeclaration } from '../../src/table-declaration.ts';

const users = JSON.parse(
  readFileSync(new URL('../../../../services/users/table.json', import.meta.url), 'utf8'),
);

describe('Function: createTableInput', () => {
  it('builds an on-demand table with its keys, index, projection and stream from the declaration', () => {
    const input = createTableInput(parseTableDeclaration(users), 'tessera-users');

    expect(input).toMatchObject({
      TableName: 'tessera-users',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: expect.not.arrayContaining(['passwordHash']),
          },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    });
  });
});

describe('Function: parseTableDeclaration', () => {
  it('refuses a key whose attribute is not declared', () => {
    expect(() => parseTableDeclaration({ ...users, partitionKey: 'id' })).toThrow(
      /key attribute id is not declared/,
    );
  });

  it('refuses a declared attribute that is no key', () => {
    expect(() =>
      parseTableDeclaration({ ...users, attributes: { ...users.attributes, email: 'S' } }),
    ).toThrow(/attribute email is declared but is no key/);
  });

  it('refuses INCLUDE without the attributes to include', () => {
    const index = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'INCLUDE' };
    expect(() => parseTableDeclaration({ ...users, globalSecondaryIndexes: [index] })).toThrow(
      /nonKeyAttributes/,
    );
  });

  it('refuses unknown fields', () => {
    expect(() => parseTableDeclaration({ ...users, billing: 'PROVISIONED' })).toThrow();
  });
});
