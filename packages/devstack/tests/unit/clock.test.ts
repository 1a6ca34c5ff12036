/**
 * The devstack clock: a movable clock that stands still until advanced (what the tests of the
 * other parts use instead of waiting), fires the timers due on the way in order, never goes back,
 * and, ticking, runs with the wall clock; and the system clock's abortable sleep.
 */
import { describe, expect, it } from 'vitest';
import { MovableClock, systemClock } from '../../src/clock.ts';

const START = Date.parse('2026-03-01T08:00:00Z');

describe('Class: MovableClock', () => {
  it('tells the time it was set to until it is advanced', async () => {
    const clock = new MovableClock({ start: START });

    const before = clock.now();
    await new Promise((resolve) => setTimeout(resolve, 5));

    expect(before).toBe(START);
    expect(clock.now()).toBe(START);
  });

  it('fires the timers due on the way, in order, each seeing its own due time', async () => {
    // Prepare
    const clock = new MovableClock({ start: START });
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['late', clock.now()]), 3000);
    clock.setTimeout(() => fired.push(['early', clock.now()]), 1000);
    clock.setTimeout(() => fired.push(['beyond', clock.now()]), 10_000);

    // Act
    await clock.advance(5000);

    // Assess
    expect(fired).toEqual([
      ['early', START + 1000],
      ['late', START + 3000],
    ]);
    expect(clock.now()).toBe(START + 5000);
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires a timer set by a timer when it falls due within the same advance', async () => {
    const clock = new MovableClock({ start: START });
    const fired: number[] = [];
    const retry = async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        await clock.sleep(1000);
        fired.push(clock.now() - START);
      }
    };
    const done = retry();

    await clock.advance(3500);
    await done;

    expect(fired).toEqual([1000, 2000, 3000]);
  });

  it('wakes a sleeper at once when its signal aborts, and clears a cleared timer', async () => {
    const clock = new MovableClock({ start: START });
    const controller = new AbortController();
    let fired = false;
    const timer = clock.setTimeout(() => {
      fired = true;
    }, 100);
    const sleeping = clock.sleep(60_000, controller.signal);

    controller.abort();
    clock.clearTimeout(timer);
    await sleeping;
    await clock.advance(120_000);

    expect(fired).toBe(false);
    expect(clock.now()).toBe(START + 120_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires a timer already due soon, without an advance', async () => {
    const clock = new MovableClock({ start: START });

    await clock.sleep(0);

    expect(clock.now()).toBe(START);
  });

  it('refuses to go back', async () => {
    const clock = new MovableClock({ start: START });
    await clock.advance(1000);

    await expect(clock.advance(-1)).rejects.toThrow(/forward only/);
    await expect(clock.advanceTo(START)).rejects.toThrow(/forward only: 2026-03-01T08:00:00.000Z is before/);
    expect(clock.now()).toBe(START + 1000);
    expect(clock.advancedMs).toBe(1000);
  });

  it('runs with the wall clock when ticking, and an advance adds to it', async () => {
    const clock = new MovableClock({ start: START, ticking: true });
    const woke = clock.sleep(10);

    await woke;
    const ran = clock.now() - START;
    await clock.advance(60_000);

    expect(ran).toBeGreaterThanOrEqual(10);
    expect(clock.now() - START).toBeGreaterThanOrEqual(60_010);
    expect(clock.now() - START).toBeLessThan(70_000);
  });
});

describe('Function: systemClock.sleep', () => {
  it('resolves at once when its signal is aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = systemClock.sleep(60_000, controller.signal);

    controller.abort();
    await sleeping;

    expect(Date.now() - started).toBeLessThan(1000);
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(50);
  });
});
