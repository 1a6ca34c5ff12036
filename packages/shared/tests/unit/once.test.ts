import { describe, expect, it } from 'vitest';
import { once } from '../../src/once.ts';

describe('Function: once', () => {
  it('runs the work once and shares its result, also with callers who come while it runs', async () => {
    // Prepare
    let runs = 0;
    const load = once(async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { value: 42 };
    });

    // Act
    const [a, b] = await Promise.all([load(), load()]);
    const c = await load();

    // Assess
    expect(runs).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('does not keep a failure: the next call tries again', async () => {
    // Prepare
    let runs = 0;
    const load = once(async () => {
      runs++;
      if (runs === 1) throw new Error('transient');
      return 'ok';
    });

    // Act
    const first = await load().catch((error: Error) => error.message);
    const second = await load();

    // Assess
    expect([first, second, runs]).toEqual(['transient', 'ok', 2]);
  });
});
