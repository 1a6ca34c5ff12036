/**
 * The devstack clock: a movable clock that stands still until advanced (what the tests of the
 * other parts use instead of waiting), fires the timers due on the way in order, never goes back,
 * and, ticking, runs with the wall clock at an exact offset, telling its listeners of each jump (the
 * devstack's clock, ADR 0033); and the system clock's abortable sleep.
 */
import { describe, expect, it, vi } from 'vitest';
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

  it('jumps far at a bounded cost with a poll loop running, still stopping at each timer set before', async () => {
    // Prepare: a loop that looks every 20 s for as long as the clock runs, and a reminder.
    const clock = new MovableClock({ start: START });
    let polls = 0;
    let running = true;
    const poll = async () => {
      while (running) {
        await clock.sleep(20_000);
        polls++;
      }
    };
    const polling = poll();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now() - START), 200 * 24 * 3600 * 1000);
    const started = Date.now();

    // Act: 400 days.
    await clock.advance(400 * 24 * 3600 * 1000);
    running = false;
    await clock.advance(20_000);
    await polling;

    // Assess
    expect(Date.now() - started).toBeLessThan(5000);
    expect(seen).toEqual([200 * 24 * 3600 * 1000]);
    expect(polls).toBeGreaterThanOrEqual(1000);
    expect(polls).toBeLessThan(1010);
    expect(clock.now() - START).toBe(400 * 24 * 3600 * 1000 + 20_000);
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

  it('starts exactly aheadMs ahead of the wall clock when ticking, and keeps that offset until moved', async () => {
    // Prepare
    const clock = new MovableClock({ ticking: true, aheadMs: 3_600_000 });
    const first = clock.offsetMs;
    await new Promise((resolve) => setTimeout(resolve, 15));

    // Act
    const later = clock.offsetMs;
    await clock.advance(900_000);

    // Assess
    expect(first).toBe(3_600_000);
    expect(later).toBe(3_600_000);
    expect(clock.offsetMs).toBe(4_500_000);
    expect(Math.abs(clock.now() - Date.now() - 4_500_000)).toBeLessThanOrEqual(1);
  });

  it('ends an advance exactly that much further ahead of the wall clock when ticking, whatever ran on the way', async () => {
    const clock = new MovableClock({ ticking: true });
    clock.setTimeout(() => {
      const busyUntil = Date.now() + 20;
      while (Date.now() < busyUntil) {
        // A timer that takes real time to run.
      }
    }, 600_000);

    await clock.advance(3_600_000);

    expect(clock.offsetMs).toBe(3_600_000);
  });

  it('tells its listeners of each jump before the timers due then fire, and stops telling once asked', async () => {
    // Prepare
    const clock = new MovableClock({ start: START });
    const seen: string[] = [];
    const stop = clock.onMove(() => seen.push(`move ${clock.now() - START}`));
    clock.setTimeout(() => seen.push(`timer ${clock.now() - START}`), 1000);
    clock.setTimeout(() => seen.push(`timer ${clock.now() - START}`), 2000);

    // Act
    await clock.advance(5000);
    stop();
    await clock.advance(1000);

    // Assess
    expect(seen).toEqual(['move 1000', 'timer 1000', 'move 2000', 'timer 2000', 'move 5000']);
  });

  it('keeps timers of equal due time in the order they were set', async () => {
    const clock = new MovableClock({ start: START });
    const fired: number[] = [];
    for (const [i, ms] of [500, 100, 500, 100, 300].entries()) clock.setTimeout(() => fired.push(i), ms);

    await clock.advance(1000);

    expect(fired).toEqual([1, 3, 4, 0, 2]);
  });

  it('waits for a timer beyond the longest delay Node takes in steps, without firing it early', async () => {
    // Prepare
    const clock = new MovableClock({ ticking: true });
    const nodeTimers = vi.spyOn(globalThis, 'setTimeout');
    let fired = false;

    // Act: 30 days, beyond the 2^31 - 1 ms that Node would cut to 1 ms.
    const timer = clock.setTimeout(
      () => {
        fired = true;
      },
      30 * 24 * 3600 * 1000,
    );
    const delays = nodeTimers.mock.calls.map(([, delay]) => delay);
    nodeTimers.mockRestore();
    await new Promise((resolve) => setTimeout(resolve, 20));
    clock.clearTimeout(timer);

    // Assess
    expect(delays).toEqual([2 ** 31 - 1]);
    expect(fired).toBe(false);
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
