/**
 * The bundles' stand-in for mnemonist's LRU cache behaves like mnemonist's own for every sequence of
 * the calls the SDK's endpoint cache makes (a seeded property, differential against the real one).
 */
import fc from 'fast-check';
import MnemonistLru from 'mnemonist/lru-cache';
import { describe, expect, it } from 'vitest';
import { LRUCache } from '../../src/aws/lru-cache.ts';

type Call =
  | { op: 'get' | 'has' | 'peek'; key: number }
  | { op: 'set'; key: number; value: number }
  | { op: 'clear' };

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({
    op: fc.constantFrom('get' as const, 'has' as const, 'peek' as const),
    key: fc.integer({ min: 0, max: 6 }),
  }),
  fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 6 }), value: fc.integer() }),
  fc.constant({ op: 'clear' as const }),
);

const apply = (
  cache: {
    get(k: number): unknown;
    has(k: number): boolean;
    peek(k: number): unknown;
    set(k: number, v: number): unknown;
    clear(): void;
  },
  c: Call,
) => {
  switch (c.op) {
    case 'set':
      cache.set(c.key, c.value);
      return undefined;
    case 'clear':
      cache.clear();
      return undefined;
    default:
      return cache[c.op](c.key);
  }
};

describe('Class: LRUCache (stand-in)', () => {
  it('evicts the least recently used entry past its capacity', () => {
    const cache = new LRUCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    cache.get('a');
    cache.set('c', 3);

    expect([cache.has('a'), cache.has('b'), cache.has('c'), cache.size]).toEqual([true, false, true, 2]);
  });

  it('answers every call as mnemonist does (seed 20261203)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(call, { maxLength: 60 }), (capacity, calls) => {
        const ours = new LRUCache<number, number>(capacity);
        const theirs = new MnemonistLru<number, number>(capacity);
        for (const c of calls) expect(apply(ours, c)).toEqual(apply(theirs, c));
        expect(ours.size).toBe(theirs.size);
      }),
      { seed: 20261203, numRuns: 500 },
    );
  });
});
