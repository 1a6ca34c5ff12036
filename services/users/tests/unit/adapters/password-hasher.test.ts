import { describe, expect, it } from 'vitest';
import { createPasswordHasher, OWASP_ARGON2ID } from '../../../src/adapters/password-hasher.ts';

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

  it('spends a verification on a missing account', async () => {
    const hasher = createPasswordHasher();

    await expect(hasher.verifyNothing('anything')).resolves.toBeUndefined();
  });
});
