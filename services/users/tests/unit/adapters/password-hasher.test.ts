import { afterEach, describe, expect, it, vi } from 'vitest';
import * as argon2 from '../../../src/adapters/argon2.ts';
import { createPasswordHasher, DUMMY_HASH, OWASP_ARGON2ID } from '../../../src/adapters/password-hasher.ts';

// The real argon2 functions, wrapped so the tests can see every run and what it was asked.
vi.mock(import('../../../src/adapters/argon2.ts'), async (importOriginal) => {
  const real = await importOriginal();
  return { argon2id: vi.fn(real.argon2id), argon2Verify: vi.fn(real.argon2Verify) };
});

afterEach(() => {
  vi.mocked(argon2.argon2id).mockClear();
  vi.mocked(argon2.argon2Verify).mockClear();
});

const PHC_PARTS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** The parameters, salt length and output length a PHC string asks a verification for. */
const costOf = (encoded: string) => {
  const [, m, t, p, salt = '', output = ''] = PHC_PARTS.exec(encoded) ?? [];
  return {
    memorySize: Number(m),
    iterations: Number(t),
    parallelism: Number(p),
    saltBytes: Buffer.from(salt, 'base64').length,
    outputBytes: Buffer.from(output, 'base64').length,
  };
};

/** The one argon2 run since the last clear, which must be a verification: what it was asked. */
const theOnlyRun = () => {
  expect(argon2.argon2id).not.toHaveBeenCalled();
  expect(argon2.argon2Verify).toHaveBeenCalledTimes(1);
  const [options] = vi.mocked(argon2.argon2Verify).mock.calls[0] ?? [];
  if (!options) throw new Error('argon2Verify was called without options');
  return { ...options, answer: vi.mocked(argon2.argon2Verify).mock.results[0]?.value };
};

describe('Function: createPasswordHasher', () => {
  it('hashes with argon2id m=19 MiB, t=2, p=1 into a PHC string with a random salt', async () => {
    const hasher = createPasswordHasher();

    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');

    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(OWASP_ARGON2ID).toEqual({ memorySize: 19456, iterations: 2, parallelism: 1 });
  });

  it('verifies the right password and refuses a wrong one or a malformed hash', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('correct horse battery');

    await expect(hasher.verify(hash, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'correct horse batterY')).resolves.toBe(false);
    await expect(hasher.verify('plain text', 'plain text')).resolves.toBe(false);
  });

  it('asks for a re-hash when the stored parameters are not today', async () => {
    const weaker = createPasswordHasher({ memorySize: 1024, iterations: 1, parallelism: 1 });
    const current = createPasswordHasher();
    const old = await weaker.hash('correct horse battery');

    expect(current.needsRehash(old)).toBe(true);
    expect(current.needsRehash(await current.hash('x'))).toBe(false);
    await expect(current.verify(old, 'correct horse battery')).resolves.toBe(true);
  });

  it('spends exactly one verification at m=19456, t=2, p=1 on a missing account, the first one too', async () => {
    const hasher = createPasswordHasher();

    await hasher.verifyNothing('correct horse battery');

    const run = theOnlyRun();
    const real = await hasher.hash('correct horse battery');
    expect(run.password).toBe('correct horse battery');
    expect(run.hash).toBe(DUMMY_HASH);
    expect(costOf(run.hash)).toEqual({
      memorySize: 19456,
      iterations: 2,
      parallelism: 1,
      saltBytes: 16,
      outputBytes: 32,
    });
    expect(costOf(run.hash)).toEqual(costOf(real));
    // It really ran the algorithm: the verification answered, and not with a match.
    await expect(run.answer).resolves.toBe(false);
  });

  it('spends the verification at the parameters of the hasher it belongs to', async () => {
    const weaker = createPasswordHasher({ memorySize: 1024, iterations: 1, parallelism: 1 });

    await weaker.verifyNothing('anything');

    const run = theOnlyRun();
    expect(costOf(run.hash)).toMatchObject({ memorySize: 1024, iterations: 1, parallelism: 1 });
    await expect(run.answer).resolves.toBe(false);
  });
});
