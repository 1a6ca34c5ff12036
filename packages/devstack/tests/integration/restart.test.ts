/**
 * What `npm start` keeps in its data folder survives a restart: DynamoDB Local started by the
 * devstack's own starter in its persistent mode (`-sharedDb -dbPath`, under `<data>/dynamodb`, as
 * `startDevstack` lays it out) keeps tables and items, and the generated secrets (one file per
 * secret a manifest declares) are not generated again. Java starts twice here, on its own ports,
 * beside the run's shared in-memory instance.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { loadManifests } from '@tessera/tooling/manifests';
import { afterAll, describe, expect, it } from 'vitest';
import { tableDeclarationOf } from '../../../../tests/support/dynamodb.ts';
import {
  type DynamoDbLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../../src/dynamodb-local.ts';
import { freePort, isPortFree } from '../../src/ports.ts';
import { ensureSecrets } from '../../src/secrets.ts';
import { ensureTable } from '../../src/tables.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-restart-'));
const running: DynamoDbLocal[] = [];

afterAll(async () => {
  await Promise.all(running.splice(0).map((dynamodb) => dynamodb.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts DynamoDB Local on the data folder and a client for it. */
const start = async () => {
  const port = await freePort();
  const dynamodb = await startDynamoDbLocal({ port, dataDir: join(dataDir, 'dynamodb') });
  running.push(dynamodb);
  const client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const stop = async () => {
    client.destroy();
    await dynamodb.stop();
    running.splice(running.indexOf(dynamodb), 1);
  };
  return { port, dynamodb, client, stop };
};

describe('Devstack: a restart on the same data folder', () => {
  it('keeps the tables and their items in DynamoDB Local', { timeout: 60_000 }, async () => {
    const usersTable = tableDeclarationOf('users');
    const tableName = 'tessera-users';
    const key = { pk: { S: 'USER#restart' }, sk: { S: 'PROFILE' } };

    const first = await start();
    const created = await ensureTable(first.client, usersTable, tableName);
    await first.client.send(
      new PutItemCommand({ TableName: tableName, Item: { ...key, name: { S: 'Ada' } } }),
    );
    await first.stop();
    // The Java process is gone: its port takes no connections.
    expect(first.dynamodb.process.exitCode !== null || first.dynamodb.process.signalCode !== null).toBe(true);
    expect(await isPortFree(first.port, '127.0.0.1')).toBe(true);

    const second = await start();
    const again = await ensureTable(second.client, usersTable, tableName);
    const { Item } = await second.client.send(
      new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    await second.stop();

    expect(created.created).toBe(true);
    expect(again).toMatchObject({ created: false, tableName });
    expect(Item).toEqual({ ...key, name: { S: 'Ada' } });
  });

  it('generates the secrets once and leaves them byte for byte on the next start', () => {
    const manifests = loadManifests();
    const first = ensureSecrets(dataDir, manifests);
    const jwtKeys = join(dataDir, 'secrets', 'users', 'jwt-private-keys');
    const cursorSecret = join(dataDir, 'secrets', 'users', 'cursor-secret');
    const keysBefore = readFileSync(jwtKeys);
    const cursorBefore = readFileSync(cursorSecret);

    const second = ensureSecrets(dataDir, manifests);

    expect(second).toEqual(first);
    expect(first).toContainEqual({
      service: 'users',
      id: 'jwt-private-keys',
      kind: 'jwk-private-set',
      path: jwtKeys,
    });
    expect(first).toContainEqual({
      service: 'users',
      id: 'cursor-secret',
      kind: 'random',
      path: cursorSecret,
    });
    expect(readFileSync(jwtKeys).equals(keysBefore)).toBe(true);
    expect(readFileSync(cursorSecret).equals(cursorBefore)).toBe(true);
    // A real ES256 key set, readable by its owner only.
    expect(JSON.parse(keysBefore.toString('utf8'))).toMatchObject({
      keys: [{ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', d: expect.any(String) }],
    });
    expect(cursorBefore.length).toBeGreaterThanOrEqual(43);
    expect(statSync(jwtKeys).mode & 0o777).toBe(0o600);
  });

  it('makes different secrets for a different data folder', () => {
    const other = mkdtempSync(join(tmpdir(), 'tessera-restart-other-'));
    try {
      const manifests = loadManifests();
      ensureSecrets(dataDir, manifests);
      ensureSecrets(other, manifests);
      const read = (root: string, id: string) => readFileSync(join(root, 'secrets', 'users', id), 'utf8');

      expect(read(other, 'jwt-private-keys')).not.toBe(read(dataDir, 'jwt-private-keys'));
      expect(read(other, 'cursor-secret')).not.toBe(read(dataDir, 'cursor-secret'));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
