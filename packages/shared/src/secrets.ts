/**
 * Secret material named by a reference, loaded once and cached:
 *
 * - `ssm:<parameter name>` reads an SSM Parameter Store parameter (decrypted), as in AWS;
 * - `file:<absolute path>` reads a file, as in the devstack, which generates its secrets once into
 *   its data folder.
 *
 * The SSM reader (`aws/ssm-get-parameter.ts`, one signed request) is imported only when an `ssm:`
 * reference is first read, so code paths that never need a secret do not pay for it at cold start.
 *
 * @example
 * const keys = await loadSecret('ssm:/tessera/prod/users/jwt-signing-keys');
 */
import { readFile } from 'node:fs/promises';
import { ServiceUnavailableError } from './errors.ts';
import { once } from './once.ts';

const loaders = new Map<string, () => Promise<string>>();

/**
 * SSM's own faults, throttling, a timeout or a network failure pass: the request that needed the
 * secret answers 503 with `Retry-After`. A refusal (no such parameter, no permission) is a
 * deployment fault and stays an internal error.
 */
const isTransient = (error: unknown): boolean => {
  const { name, status, code } = (error ?? {}) as { name?: unknown; status?: unknown; code?: unknown };
  if (name === 'SsmError') return Number(status) >= 500 || /Throttl/.test(String(code));
  return (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    (name === 'TypeError' && error instanceof Error && /fetch failed/.test(error.message))
  );
};

const readSsm = async (name: string): Promise<string> => {
  const { getParameter } = await import('./aws/ssm-get-parameter.ts');
  try {
    return await getParameter(name);
  } catch (error) {
    if (isTransient(error)) {
      throw new ServiceUnavailableError(
        'SECRET_UNAVAILABLE',
        'A dependency did not answer in time; try again shortly.',
        2,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
};

const read = (reference: string): Promise<string> => {
  if (reference.startsWith('ssm:')) return readSsm(reference.slice('ssm:'.length));
  if (reference.startsWith('file:'))
    return readFile(reference.slice('file:'.length), 'utf8').then((s) => s.trim());
  return Promise.reject(new Error('A secret reference starts with ssm: or file:'));
};

/** Loads a secret once; a failed load is not kept, so the next call tries again. */
const loadSecret = (reference: string): Promise<string> => {
  let load = loaders.get(reference);
  if (!load) {
    load = once(() => read(reference));
    loaders.set(reference, load);
  }
  return load();
};

/** True for a string `loadSecret` understands; used by config schemas. */
const isSecretReference = (value: string): boolean => /^(ssm:\/.+|file:\/.+)$/.test(value);

export { isSecretReference, loadSecret };
