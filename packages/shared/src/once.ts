/**
 * Runs an async piece of work once and shares its result: loading a module on first need, reading
 * a secret, building a client. A failure is not kept, so the next call tries again.
 *
 * @example
 * const argon2 = once(() => import('./argon2.ts'));
 * const { argon2id } = await argon2();
 */
const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
};

/**
 * The synchronous sibling of `once`: builds a value on first use and keeps it (a zod schema that
 * most cold starts never need, say).
 *
 * @example
 * const schema = memo(() => z.strictObject({ id: z.uuid() }));
 * z.parse(schema(), input);
 */
const memo = <T>(make: () => T): (() => T) => {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: make() };
    return built.value;
  };
};

export { memo, once };
