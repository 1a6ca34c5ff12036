import { describe, expect, it } from 'vitest';
import type { Schemas } from '../../packages/client/src/index.ts';
import { adminAccount, client, jsonPost, newAccount, raw, uniqueEmail } from '../support/e2e.ts';

const NOBODY = '00000000-0000-4000-8000-000000000000';

describe('GET and PATCH /v1/users/me', () => {
  it('reads and renames the caller', async () => {
    const account = await newAccount('me');

    const { data: read } = await account.api.GET('/v1/users/me');
    const { data: renamed, response } = await account.api.PATCH('/v1/users/me', {
      body: { name: 'Renamed' },
    });

    expect(read).toEqual(account.user);
    expect(response.status).toBe(200);
    expect(renamed).toMatchObject({ id: account.user.id, name: 'Renamed' });
  });

  it('changes the email, after which the new one logs in and the old one is free', async () => {
    const account = await newAccount('move');
    const moved = uniqueEmail('moved');

    await account.api.PATCH('/v1/users/me', { body: { email: moved } });

    const login = await jsonPost('/v1/auth/login', { email: moved, password: account.password });
    const reuse = await jsonPost('/v1/auth/register', {
      email: account.email,
      password: account.password,
      name: 'Reuse',
    });
    expect(login.status).toBe(200);
    expect(reuse.status).toBe(201);
  });

  it('answers 409 for an email another account holds, and 400 for an empty change', async () => {
    const ada = await newAccount('ada');
    const bob = await newAccount('bob');

    const { response: taken } = await ada.api.PATCH('/v1/users/me', {
      body: { email: bob.email.toUpperCase() },
    });
    const { response: empty } = await ada.api.PATCH('/v1/users/me', { body: {} });

    expect(taken.status).toBe(409);
    expect(empty.status).toBe(400);
  });
});

describe('GET /v1/users/{userId}', () => {
  it('lets a user read themselves but not another user (403)', async () => {
    const ada = await newAccount('self');
    const bob = await newAccount('other');

    const own = await ada.api.GET('/v1/users/{userId}', { params: { path: { userId: ada.user.id } } });
    const other = await ada.api.GET('/v1/users/{userId}', { params: { path: { userId: bob.user.id } } });
    const nobody = await ada.api.GET('/v1/users/{userId}', { params: { path: { userId: NOBODY } } });

    expect(own.response.status).toBe(200);
    expect(other.response.status).toBe(403);
    expect(nobody.response.status).toBe(403);
  });

  it('lets an admin read anyone, and answers 404 for nobody and 400 for a malformed id', async () => {
    const { api: admin } = await adminAccount();
    const ada = await newAccount('read-by-admin');

    const found = await admin.GET('/v1/users/{userId}', { params: { path: { userId: ada.user.id } } });
    const missing = await admin.GET('/v1/users/{userId}', { params: { path: { userId: NOBODY } } });
    const malformed = await admin.GET('/v1/users/{userId}', { params: { path: { userId: 'not-a-uuid' } } });

    expect(found.data).toEqual(ada.user);
    expect(missing.response.status).toBe(404);
    expect(malformed.response.status).toBe(400);
    expect(malformed.error?.errors).toEqual([
      { location: 'path', field: 'userId', detail: 'must be a UUID' },
    ]);
  });
});

describe('PATCH /v1/users/{userId}', () => {
  it('lets an admin make someone a provider, which their next token carries', async () => {
    const { api: admin } = await adminAccount();
    const ada = await newAccount('promote');

    const { data, response } = await admin.PATCH('/v1/users/{userId}', {
      params: { path: { userId: ada.user.id } },
      body: { role: 'provider' },
    });
    const { data: refreshed } = await client().POST('/v1/auth/refresh', {
      body: { refreshToken: ada.tokens.refreshToken },
    });
    const me = await client(refreshed?.accessToken).GET('/v1/users/me');

    expect(response.status).toBe(200);
    expect(data?.role).toBe('provider');
    expect(me.data?.role).toBe('provider');
  });

  it('refuses a non-admin (403), and an admin changing their own role (403)', async () => {
    const ada = await newAccount('climber');
    const { api: admin } = await adminAccount();
    const { data: adminSelf } = await admin.GET('/v1/users/me');

    const climb = await ada.api.PATCH('/v1/users/{userId}', {
      params: { path: { userId: ada.user.id } },
      body: { role: 'admin' },
    });
    const own = await admin.PATCH('/v1/users/{userId}', {
      params: { path: { userId: adminSelf?.id ?? '' } },
      body: { role: 'user' },
    });

    expect(climb.response.status).toBe(403);
    expect(own.response.status).toBe(403);
    expect(own.error?.type).toBe('urn:tessera:problem:own-role-change');
  });

  it('answers concurrent role changes of one user 200 or a documented 409, and keeps one of the roles', async () => {
    // Prepare
    const { api: admin } = await adminAccount();
    const ada = await newAccount('racing-roles');
    const roles = ['provider', 'user', 'admin', 'provider', 'user', 'admin'] as const;

    // Act: the contract-checked client fails on any status the operation does not declare.
    const answers = await Promise.all(
      roles.map((role) =>
        admin.PATCH('/v1/users/{userId}', { params: { path: { userId: ada.user.id } }, body: { role } }),
      ),
    );
    const { data: after } = await admin.GET('/v1/users/{userId}', {
      params: { path: { userId: ada.user.id } },
    });

    // Assess
    const statuses = answers.map(({ response }) => response.status);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(statuses).toContain(200);
    const won = answers.filter(({ response }) => response.status === 200).map(({ data }) => data?.role);
    expect(won).toContain(after?.role);
  });

  it('answers 400 for a role that does not exist', async () => {
    const { api: admin } = await adminAccount();
    const ada = await newAccount('bad-role');

    const { response, error } = await admin.PATCH('/v1/users/{userId}', {
      params: { path: { userId: ada.user.id } },
      body: { role: 'root' as never },
    });

    expect(response.status).toBe(400);
    expect(error?.errors?.[0]).toMatchObject({ location: 'body', field: 'role' });
  });
});

describe('Paths with broken percent-encoding', () => {
  it.each(['/v1/users/%ZZ', '/v1/tickets/%E0%A4%A'])(
    'answers 400 naming the parameter for %s',
    async (path) => {
      // Prepare
      const ada = await newAccount('encoding');

      // Act
      const response = await raw(path, { headers: { authorization: `Bearer ${ada.tokens.accessToken}` } });

      // Assess
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { errors?: Array<{ location: string; field: string }> };
      expect(problem.errors?.[0]).toMatchObject({
        location: 'path',
        field: path.includes('users') ? 'userId' : 'ticketId',
      });
    },
  );
});

describe('GET /v1/users', () => {
  it('pages through every user exactly once, newest first, ending with a null cursor', async () => {
    const { api: admin } = await adminAccount();
    const created = await Promise.all(Array.from({ length: 5 }, (_, i) => newAccount(`page-${i}`)));

    const seen: string[] = [];
    const createdAt: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await admin.GET('/v1/users', {
        params: { query: { limit: 3, ...(cursor ? { cursor } : {}) } },
      });
      const data: Schemas['UserList'] | undefined = page.data;
      if (!data) throw new Error('no page');
      seen.push(...data.items.map((u) => u.id));
      createdAt.push(...data.items.map((u) => u.createdAt));
      cursor = data.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 1000);

    expect(new Set(seen).size).toBe(seen.length);
    for (const account of created) expect(seen).toContain(account.user.id);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
  });

  it('refuses a non-admin with 403', async () => {
    const ada = await newAccount('lister');

    const { response } = await ada.api.GET('/v1/users');

    expect(response.status).toBe(403);
  });

  it.each([
    ['limit=0', 'limit', 'must be at least 1'],
    ['limit=101', 'limit', 'must be at most 100'],
    ['limit=ten', 'limit', 'must be an integer'],
    ['cursor=forged.cursor', 'cursor', 'is not a cursor from this list'],
  ])('answers 400 naming the parameter for %s', async (query, field, detail) => {
    const { accessToken } = await adminAccount();

    const response = await raw(`/v1/users?${query}`, { headers: { authorization: `Bearer ${accessToken}` } });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([
      { location: 'query', field, detail },
    ]);
  });
});
