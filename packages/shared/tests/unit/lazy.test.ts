import { describe, expect, it } from 'vitest';
import { lazyPort } from '../../src/lazy.ts';

interface Counter {
  add(n: number): Promise<number>;
  total(): Promise<number>;
}

const counter = (): Counter => {
  let sum = 0;
  return {
    async add(n) {
      sum += n;
      return sum;
    },
    async total() {
      return sum;
    },
  };
};

describe('Function: lazyPort', () => {
  it('loads the adapter on the first call only, and calls it with the arguments', async () => {
    // Prepare
    let loads = 0;
    const port = lazyPort(async () => {
      loads++;
      return counter();
    });

    // Act
    const before = loads;
    await port.add(2);
    await Promise.all([port.add(3), port.total()]);

    // Assess
    expect(before).toBe(0);
    expect(loads).toBe(1);
    await expect(port.total()).resolves.toBe(5);
  });

  it('can be awaited as a value without being taken for a promise', async () => {
    const port = lazyPort(async () => counter());

    const awaited = await port;

    expect(awaited).toBe(port);
  });

  it('tries the load again after a failed one', async () => {
    // Prepare
    let attempts = 0;
    const port = lazyPort(async () => {
      attempts++;
      if (attempts === 1) throw new Error('not yet');
      return counter();
    });

    // Act
    const first = port.total();

    // Assess
    await expect(first).rejects.toThrow('not yet');
    await expect(port.add(1)).resolves.toBe(1);
  });
});
