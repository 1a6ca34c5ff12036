/**
 * Stands in for `mnemonist/lru-cache` in the Lambda bundles (an esbuild alias in
 * `packages/tooling/src/build.ts`, ADR 0017).
 *
 * The DynamoDB client's endpoint discovery keeps its discovered endpoints in mnemonist's LRU cache,
 * which carries about 7 KiB of typed-array plumbing (and `obliterator`) into every bundle with a
 * DynamoDB client, for a cache that holds at most a handful of entries and is only filled when
 * endpoint discovery is turned on. A `Map` keeps insertion order, which is all an LRU of this size
 * needs: a read moves the entry to the end, a write past the capacity drops the first.
 */
class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, without making it the most recently used. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}

export { LRUCache };
// The SDK imports the cache as mnemonist's default export.
// biome-ignore lint/style/noDefaultExport: the module it stands in for has only a default export.
export default LRUCache;
