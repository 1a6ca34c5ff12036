import { describe, expect, it } from 'vitest';
import { client, jsonPost, login, newAccount, PASSWORD, raw, uniqueEmail } from '../support/e2e.ts';

const problemOf = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('POST /v1/auth/register', () => {
  it('creates an account with role user and answers 201 with its Location', async () => {
    const email = uniqueEmail('register');

    const { data, response } = await client().POST('/v1/auth/register', {
      body: { email, password: PASSWORD, name: 'Ada Lovelace' },
    });

    expect(response.status).toBe(201);
    expect(data).toMatchObject({ email, name: 'Ada Lovelace', role: 'user' });
    expect(response.headers.get('location')).toBe(`/v1/users/${data?.id}`);
  });

  it('answers 409 for an email taken in another case, and creates nothing', async () => {
    const email = uniqueEmail('taken');
    await client().POST('/v1/auth/register', { body: { email, password: PASSWORD, name: 'First' } });

    const { response, error } = await client().POST('/v1/auth/register', {
      body: { email: email.toUpperCase(), password: 'another fine passphrase', name: 'Second' },
    });

    expect(response.status).toBe(409);
    expect(error).toMatchObject({ type: 'urn:tessera:problem:email-taken', status: 409 });
    await expect(login(email, 'another fine passphrase')).rejects.toThrow(/401/);
  });

  it('answers 400 naming password for a common password, and one too short', async () => {
    const common = await jsonPost('/v1/auth/register', {
      email: uniqueEmail(),
      password: 'qwertyuiop',
      name: 'X',
    });
    const short = await jsonPost('/v1/auth/register', { email: uniqueEmail(), password: 'short', name: 'X' });

    expect(common.status).toBe(400);
    expect((await problemOf(common)).errors).toEqual([
      { location: 'body', field: 'password', detail: 'is one of the most common passwords' },
    ]);
    expect(short.status).toBe(400);
    expect((await problemOf(short)).errors).toEqual([
      { location: 'body', field: 'password', detail: 'must be at least 8 characters long' },
    ]);
  });

  it('answers 400 naming each bad field, unknown ones included', async () => {
    const response = await jsonPost('/v1/auth/register', {
      email: 'not-an-email',
      password: PASSWORD,
      role: 'admin',
    });

    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual(
      expect.arrayContaining([
        { location: 'body', field: 'email', detail: 'must be a valid email address' },
        { location: 'body', field: 'name', detail: 'is required' },
        { location: 'body', field: 'role', detail: 'is not allowed' },
      ]),
    );
  });

  it('answers 400 for a name of white space only', async () => {
    const response = await jsonPost('/v1/auth/register', {
      email: 'blank-name@example.com',
      password: PASSWORD,
      name: ' \t ',
    });

    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      { location: 'body', field: 'name', detail: 'must not be blank' },
    ]);
  });

  it('answers 400 for malformed JSON, 415 for a body that is not JSON, 413 for one over 64 KiB', async () => {
    const malformed = await raw('/v1/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": "a@b.co",',
    });
    const notJson = await raw('/v1/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'email=a@b.co',
    });
    const tooLarge = await jsonPost('/v1/auth/register', {
      email: uniqueEmail(),
      password: PASSWORD,
      name: 'x'.repeat(70_000),
    });

    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).type).toBe('urn:tessera:problem:malformed-json');
    expect(notJson.status).toBe(415);
    expect(tooLarge.status).toBe(413);
  });

  it.each(['a#b', 'a/b', "o'neil+tag"])(
    'accepts an email with %s in its local part, as the contract does, and logs it in',
    async (local) => {
      // Prepare
      const email = `${local}-${crypto.randomUUID().slice(0, 8)}@example.c0m`;

      // Act
      const { response } = await client().POST('/v1/auth/register', {
        body: { email, password: PASSWORD, name: 'Odd' },
      });

      // Assess
      expect(response.status).toBe(201);
      await expect(login(email, PASSWORD)).resolves.toMatchObject({ tokenType: 'Bearer' });
    },
  );

  it('never answers with a password hash or salt', async () => {
    const response = await jsonPost('/v1/auth/register', {
      email: uniqueEmail(),
      password: PASSWORD,
      name: 'Hashless',
    });
    const text = await response.text();

    expect(response.status).toBe(201);
    expect(text).not.toMatch(/argon2|passwordHash|salt/i);
  });
});

describe('POST /v1/auth/login', () => {
  it('answers a Bearer pair with a 15-minute access token and no-store caching', async () => {
    const account = await newAccount('login');

    const { data, response } = await client().POST('/v1/auth/login', {
      body: { email: account.email.toUpperCase(), password: account.password },
    });

    expect(response.status).toBe(200);
    expect(data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(data?.refreshToken.length).toBeGreaterThanOrEqual(43);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an unknown email and a wrong password with the same status and body', async () => {
    const account = await newAccount('same');

    const unknown = await jsonPost('/v1/auth/login', { email: uniqueEmail('nobody'), password: PASSWORD });
    const wrong = await jsonPost('/v1/auth/login', { email: account.email, password: 'not the password' });

    const strip = ({ requestId: _r, instance: _i, ...rest }: Record<string, unknown>) => rest;
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(strip(await problemOf(unknown))).toEqual(strip(await problemOf(wrong)));
  });

  it('locks the account after 10 failures within 15 minutes, even for the right password', async () => {
    const account = await newAccount('lockout');
    for (let i = 0; i < 10; i++) {
      const failed = await jsonPost('/v1/auth/login', {
        email: account.email,
        password: `wrong password ${i}`,
      });
      expect(failed.status).toBe(401);
    }

    const locked = await jsonPost('/v1/auth/login', { email: account.email, password: account.password });
    const other = await newAccount('unlocked');

    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await problemOf(locked)).type).toBe('urn:tessera:problem:login-locked');
    expect(other.tokens.tokenType).toBe('Bearer');
  });

  it('locks an email with no account the same way, so a 429 does not tell that an account exists', async () => {
    const account = await newAccount('lock-known');
    const nobody = uniqueEmail('lock-nobody');
    const failTenTimes = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++)
        statuses.push((await jsonPost('/v1/auth/login', { email, password: `wrong password ${i}` })).status);
      return statuses;
    };

    const failures = await Promise.all([failTenTimes(account.email), failTenTimes(nobody)]);
    const known = await jsonPost('/v1/auth/login', { email: account.email, password: account.password });
    const unknown = await jsonPost('/v1/auth/login', { email: nobody, password: account.password });

    expect(failures).toEqual([Array(10).fill(401), Array(10).fill(401)]);
    expect([known.status, unknown.status]).toEqual([429, 429]);
    expect(Number(unknown.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(unknown.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    const strip = ({ requestId: _r, instance: _i, ...rest }: Record<string, unknown>) => rest;
    expect(strip(await problemOf(unknown))).toEqual(strip(await problemOf(known)));
  });
});

describe('POST /v1/auth/login, attempts arriving at once', () => {
  it('lets at most 10 of a burst of wrong guesses reach the password check, and then refuses the right one', async () => {
    // Prepare: 30 stays below a deployed stage's burst limit, so every answer is the service's own.
    const account = await newAccount('burst');
    const guesses = Array.from({ length: 30 }, (_, i) => ({
      email: account.email,
      password: `guess number ${i}`,
    }));

    // Act
    const answers = await Promise.all(guesses.map((body) => jsonPost('/v1/auth/login', body)));
    const right = await jsonPost('/v1/auth/login', { email: account.email, password: account.password });

    // Assess
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    expect(right.status).toBe(429);
    expect((await problemOf(right)).type).toBe('urn:tessera:problem:login-locked');
  });
});

describe('POST /v1/auth/refresh and /v1/auth/logout', () => {
  it('rotates the refresh token, and the new access token works', async () => {
    const account = await newAccount('rotate');

    const { data, response } = await client().POST('/v1/auth/refresh', {
      body: { refreshToken: account.tokens.refreshToken },
    });

    expect(response.status).toBe(200);
    expect(data?.refreshToken).not.toBe(account.tokens.refreshToken);
    const me = await client(data?.accessToken).GET('/v1/users/me');
    expect(me.data?.id).toBe(account.user.id);
  });

  it('revokes the whole family, newest token included, when a spent token comes back', async () => {
    const account = await newAccount('reuse');
    const { data: next } = await client().POST('/v1/auth/refresh', {
      body: { refreshToken: account.tokens.refreshToken },
    });

    const replay = await jsonPost('/v1/auth/refresh', { refreshToken: account.tokens.refreshToken });
    const newest = await jsonPost('/v1/auth/refresh', { refreshToken: next?.refreshToken });

    expect(replay.status).toBe(401);
    expect(newest.status).toBe(401);
  });

  it('logs out: 204, and the family is gone; an unknown token gets 204 too', async () => {
    const account = await newAccount('logout');

    const out = await jsonPost('/v1/auth/logout', { refreshToken: account.tokens.refreshToken });
    const unknown = await jsonPost('/v1/auth/logout', { refreshToken: 'never-issued-token' });
    const after = await jsonPost('/v1/auth/refresh', { refreshToken: account.tokens.refreshToken });

    expect(out.status).toBe(204);
    expect(unknown.status).toBe(204);
    expect(after.status).toBe(401);
  });
});
