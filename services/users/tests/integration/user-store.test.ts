import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { newEvent } from '@tessera/shared/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../tests/support/dynamodb.ts';
import { createUserStore } from '../../src/adapters/user-store.ts';
import type { UserRecord } from '../../src/domain/user.ts';

let table: Awaited<ReturnType<typeof serviceTable>>;
let store: ReturnType<typeof createUserStore>;

beforeAll(async () => {
  table = await serviceTable('users');
  store = createUserStore(table.documentClient, table.tableName);
});
afterAll(() => table.drop());

let counter = 0;
const newUser = (overrides: Partial<UserRecord> = {}): UserRecord => {
  counter++;
  const id = crypto.randomUUID();
  const email = `User${counter}-${id.slice(0, 6)}@Example.com`;
  return {
    id,
    email,
    emailKey: email.toLowerCase(),
    name: `User ${counter}`,
    role: 'user',
    passwordHash:
      '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
    version: 1,
    ...overrides,
  };
};

const registered = (user: UserRecord) =>
  newEvent(
    'user.registered',
    { userId: user.id, email: user.email, name: user.name, role: user.role, registeredAt: user.createdAt },
    { correlationId: 'it', occurredAt: new Date(user.createdAt) },
  );

const itemCount = async () =>
  (await table.documentClient.send(new ScanCommand({ TableName: table.tableName, Select: 'COUNT' }))).Count;

describe('Adapter: createUserStore', () => {
  it('creates a user with its email claim and its outbox event in one transaction', async () => {
    const user = newUser();
    const event = registered(user);

    await store.create(user, event);

    await expect(store.getById(user.id)).resolves.toEqual(user);
    await expect(store.getByEmailKey(user.emailKey)).resolves.toEqual(user);
    const outbox = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: `OUTBOX#${event.detail.eventId}`, sk: 'OUTBOX' },
      }),
    );
    expect(outbox.Item).toMatchObject({
      detailType: 'user.registered',
      detail: { data: { userId: user.id } },
    });
  });

  it('refuses a taken email and writes nothing at all', async () => {
    const first = newUser();
    await store.create(first, registered(first));
    const before = await itemCount();
    const second = newUser({ email: first.email.toUpperCase(), emailKey: first.emailKey });

    await expect(store.create(second, registered(second))).resolves.toBe('email-taken');

    await expect(store.getById(second.id)).resolves.toBeNull();
    expect(await itemCount()).toBe(before);
  });

  it('lets exactly one of many concurrent registrations of one email through', async () => {
    const email = `race-${crypto.randomUUID()}@example.com`;
    const contenders = Array.from({ length: 8 }, () => newUser({ email, emailKey: email }));

    const results = await Promise.all(contenders.map((u) => store.create(u, registered(u))));

    expect(results.filter((r) => r === 'created')).toHaveLength(1);
    expect(results.filter((r) => r === 'email-taken')).toHaveLength(contenders.length - 1);
  });

  it('moves the email claim with an email change, freeing the old address', async () => {
    const user = newUser();
    await store.create(user, registered(user));
    const next = { ...user, email: `moved-${user.email}`, emailKey: `moved-${user.emailKey}`, version: 2 };

    await expect(store.update(user, next)).resolves.toBe('updated');

    await expect(store.getByEmailKey(next.emailKey)).resolves.toMatchObject({ id: user.id });
    await expect(store.getByEmailKey(user.emailKey)).resolves.toBeNull();
    const reuse = newUser({ email: user.email, emailKey: user.emailKey });
    await expect(store.create(reuse, registered(reuse))).resolves.toBe('created');
  });

  it('refuses to move onto a taken email and leaves both users as they were', async () => {
    const ada = newUser();
    const bob = newUser();
    await store.create(ada, registered(ada));
    await store.create(bob, registered(bob));

    await expect(
      store.update(ada, { ...ada, email: bob.email, emailKey: bob.emailKey, version: 2 }),
    ).resolves.toBe('email-taken');

    await expect(store.getById(ada.id)).resolves.toEqual(ada);
    await expect(store.getByEmailKey(ada.emailKey)).resolves.toMatchObject({ id: ada.id });
  });

  it('refuses an update based on a stale version, and one of a missing user', async () => {
    const user = newUser();
    await store.create(user, registered(user));
    await store.update(user, { ...user, name: 'first', version: 2 });

    await expect(store.update(user, { ...user, name: 'second', version: 2 })).resolves.toBe('stale');
    await expect(store.update(newUser(), newUser())).resolves.toBe('stale');
    await expect(store.getById(user.id)).resolves.toMatchObject({ name: 'first' });
  });

  it('lists newest first from the index, without password hashes, and ends with no key', async () => {
    const page1 = await store.list({ limit: 3 });
    const all = [...page1.items];
    let lastKey = page1.lastKey;
    while (lastKey) {
      const page = await store.list({ limit: 3, startKey: lastKey });
      all.push(...page.items);
      lastKey = page.lastKey;
    }

    const ids = all.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(all.map((u) => u.createdAt)).toEqual([...all.map((u) => u.createdAt)].sort().reverse());
    expect(all.length).toBeGreaterThanOrEqual(8);
    const indexed = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :u',
        ExpressionAttributeValues: { ':u': 'USERS' },
      }),
    );
    expect(indexed.Items?.some((item) => 'passwordHash' in item)).toBe(false);
  });

  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
