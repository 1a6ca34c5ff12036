/**
 * The two argon2 functions the password hasher uses, imported by name so the bundle keeps only
 * them; `password-hasher.ts` loads this module on its first hash.
 */
export { argon2id, argon2Verify } from 'hash-wasm';
