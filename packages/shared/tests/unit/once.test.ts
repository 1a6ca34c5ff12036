import { describe, expect, it } from 'vitest';
import { memo, once } from '../../src/once.ts';

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

describe('Function: memo', () => {
  it('builds the value on the first call only, and not at all when never called', () => {
    // Prepare
    let builds = 0;
    const value = memo(() => {
      builds++;
      return { built: builds };
    });
    const before = builds;

    // Act
    const first = value();
    const second = value();

    // Assess
    expect(before).toBe(0);
    expect(builds).toBe(1);
    expect(second).toBe(first);
  });

  it('does not keep a failure: the next call builds again', () => {
    let builds = 0;
    const value = memo(() => {
      builds++;
      if (builds === 1) throw new Error('not yet');
      return 'built';
    });

    expect(() => value()).toThrow('not yet');
    expect(value()).toBe('built');
  });
});
