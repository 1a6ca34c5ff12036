/**
 * Password hashing with argon2id at OWASP's first recommended setting: m = 19 MiB, t = 2, p = 1,
 * a 16-byte random salt and a 32-byte output.
 *
 * Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), so the parameters are
 * stored beside each hash and can be raised later: `needsRehash` tells login to re-hash an old one.
 * The implementation is WebAssembly (hash-wasm), so the same bundle runs on arm64 Lambda and on any
 * laptop without a native module (ADR 0005). It is loaded on the first hash, so requests that never
 * touch a password do not pay for it at cold start.
 *
 * A login for an email with no account verifies against `DUMMY_HASH`, so it costs exactly what a
 * wrong password costs: one argon2id run with today's parameters, on the first such login too.
 */
import { randomBytes } from 'node:crypto';
import { once } from '@tessera/shared/once';
import type { PasswordHasher } from '#domain/ports';

interface Argon2Parameters {
  /** KiB */
  readonly memorySize: number;
  readonly iterations: number;
  readonly parallelism: number;
}

const OWASP_ARGON2ID: Argon2Parameters = { memorySize: 19 * 1024, iterations: 2, parallelism: 1 };
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * argon2id at `OWASP_ARGON2ID` (16-byte salt, 32-byte output, like every real hash) of a random
 * password that was thrown away. It is not a secret: no password is known to match it, and
 * `verifyNothing` ignores the answer anyway. It is made ahead of time so that an unknown email never
 * pays for a hash on top of the verification.
 */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$fkogJrWTc74rAk1Fm0GY7Q$MCMbEFtfDMi7sF7vKN01mudt2fvHe5ITHdRoJidEqyQ';

const loadArgon2 = once(() => import('./argon2.ts'));

/**
 * The dummy for a hasher's parameters: `DUMMY_HASH` itself at today's, else its salt and output under
 * the given parameters, which costs one verification at those (raising them needs no new constant).
 */
const dummyHashFor = ({ memorySize, iterations, parallelism }: Argon2Parameters) =>
  DUMMY_HASH.replace(/m=\d+,t=\d+,p=\d+/, `m=${memorySize},t=${iterations},p=${parallelism}`);

const createPasswordHasher = (parameters: Argon2Parameters = OWASP_ARGON2ID): PasswordHasher => {
  const hash = async (password: string) =>
    (await loadArgon2()).argon2id({
      password,
      salt: randomBytes(16),
      hashLength: 32,
      outputType: 'encoded',
      ...parameters,
    });
  const dummy = dummyHashFor(parameters);

  return {
    hash,
    async verify(encoded, password) {
      if (!PHC.test(encoded)) return false;
      return (await loadArgon2()).argon2Verify({ password, hash: encoded });
    },
    async verifyNothing(password) {
      await (await loadArgon2()).argon2Verify({ password, hash: dummy });
    },
    needsRehash(encoded) {
      const match = PHC.exec(encoded);
      if (!match) return true;
      const [, m, t, p] = match.map(Number);
      return m !== parameters.memorySize || t !== parameters.iterations || p !== parameters.parallelism;
    },
  };
};

export type { Argon2Parameters };
export { createPasswordHasher, DUMMY_HASH, OWASP_ARGON2ID };
