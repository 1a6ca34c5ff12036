/**
 * A port whose adapter loads on its first call. The composition root hands use cases ready
 * dependencies, and still keeps an adapter (and the code behind it) out of the cold start until a
 * request needs it: every method of the stand-in awaits the adapter once, then calls it.
 *
 * Only for ports whose every method is async (a sync method cannot wait for the load).
 *
 * @example
 * const sessions = lazyPort(async () => (await import('#adapters/session-store')).createSessionStore(client, table));
 * await sessions.getRefreshToken(hash); // loads the module on the first call only
 */
import { once } from './once.ts';

/** An interface whose every member is an async method. */
type AsyncPort<T> = { readonly [K in keyof T]: (...args: never[]) => Promise<unknown> };

const lazyPort = <T extends AsyncPort<T>>(load: () => Promise<T>): T => {
  const adapter = once(load);
  return new Proxy({} as T, {
    get(_target, name) {
      // Not a thenable: `await port` must answer the port itself.
      if (name === 'then' || typeof name === 'symbol') return undefined;
      return async (...args: unknown[]) => {
        const loaded = await adapter();
        const method = loaded[name as keyof T] as unknown;
        if (typeof method !== 'function') throw new TypeError(`The adapter has no method ${String(name)}`);
        return (method as (...a: unknown[]) => Promise<unknown>).apply(loaded, args);
      };
    },
  });
};

export type { AsyncPort };
export { lazyPort };
