/**
 * The devstack's own clock (ADR 0033): a ticking movable clock that starts on the wall clock in a
 * fresh data folder, keeps its offset in `clock.json` on every move (written whole, where it is
 * going before it goes), reopens from it never earlier than it was (even when the wall clock went
 * back), shares each move with the functions' offset before the timers due then fire, and refuses
 * to move back or by what is not a whole number of seconds; a given clock that cannot move stays
 * the wall clock.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MovableClock, systemClock } from '../../src/clock.ts';
import {
  ClockAdvanceError,
  ClockNotMovableError,
  DevstackClock,
  MAX_ADVANCE_SECONDS,
  readClockFile,
} from '../../src/clock-host.ts';

const folders: string[] = [];
const clocks: DevstackClock[] = [];
afterEach(async () => {
  await Promise.all(clocks.splice(0).map((clock) => clock.stop()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const clockFile = () => {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-clock-'));
  folders.push(folder);
  return join(folder, 'clock.json');
};

const opened = async (options: ConstructorParameters<typeof DevstackClock>[0]) => {
  const clock = new DevstackClock(options);
  clocks.push(clock);
  await clock.start();
  return clock;
};

describe('Class: DevstackClock', () => {
  it('starts on the wall clock in a fresh data folder, and keeps each move in the file and the shared offset', async () => {
    // Prepare
    const file = clockFile();
    const time = await opened({ file });
    const fresh = time.read();

    // Act
    const moved = await time.advance(900);

    // Assess
    expect(fresh.offsetSeconds).toBe(0);
    expect(Math.abs(Date.parse(fresh.now) - Date.now())).toBeLessThan(1000);
    expect(moved.offsetSeconds).toBe(900);
    expect(moved.advancedSeconds).toBe(900);
    expect(Date.parse(moved.now) - Date.now()).toBeGreaterThan(899_000);
    expect(time.offset.ms).toBe(900_000);
    expect(readClockFile(file)).toEqual({ offsetMs: 900_000, now: expect.any(String) });
    // Written whole: no temporary file is left beside it.
    expect(readdirSync(join(file, '..'))).toEqual(['clock.json']);
  });

  it('keeps where an advance is going before it starts, so a devstack killed half-way reopens no earlier', async () => {
    // Prepare
    const file = clockFile();
    const time = await opened({ file });
    let keptHalfWay: number | undefined;
    time.clock.setTimeout(() => {
      keptHalfWay = readClockFile(file)?.offsetMs;
    }, 1_800_000);

    // Act
    await time.advance(3600);

    // Assess
    expect(keptHalfWay).toBe(3_600_000);
    expect(readClockFile(file)?.offsetMs).toBe(3_600_000);
  });

  it('reopens from its file at the offset it kept, never earlier than it was', async () => {
    // Prepare
    const file = clockFile();
    const first = await opened({ file });
    await first.advance(3600);
    const before = first.clock.now();
    await first.stop();

    // Act: the restart.
    const second = await opened({ file });

    // Assess
    expect(second.read().offsetSeconds).toBe(3600);
    expect(second.offset.ms).toBe(3_600_000);
    expect(second.clock.now()).toBeGreaterThanOrEqual(before);
  });

  it('reopens no earlier than the time its file told when the wall clock has gone back since', async () => {
    const file = clockFile();
    const told = Date.now() + 2 * 3_600_000;
    writeFileSync(file, JSON.stringify({ offsetMs: 0, now: new Date(told).toISOString() }));

    const time = await opened({ file });

    expect(time.clock.now()).toBeGreaterThanOrEqual(told);
    expect(time.offset.ms).toBeGreaterThan(2 * 3_600_000 - 1000);
  });

  it('refuses to start from a file it cannot read, rather than move time back', () => {
    const file = clockFile();
    writeFileSync(file, '{"offsetMs": -5');

    expect(() => new DevstackClock({ file })).toThrow(/clock file .*clock\.json is not JSON/);
    writeFileSync(file, JSON.stringify({ offsetMs: -5, now: 'yesterday' }));
    expect(() => new DevstackClock({ file })).toThrow(/offsetMs: .*; now: /);
  });

  it('fires the timers due on the way before an advance resolves, each seeing its own time shared', async () => {
    // Prepare
    const time = await opened({});
    const fired: Array<{ offsetMs: number; sharedMs: number }> = [];
    const at = (ms: number) =>
      time.clock.setTimeout(() => fired.push({ offsetMs: ms, sharedMs: time.offset.ms }), ms);
    at(3_600_000);
    at(600_000);
    at(7_230_000);

    // Act
    await time.advance(7200);

    // Assess: the functions a timer invokes see the time that timer fell due at (give or take the
    // milliseconds the wall clock ran meanwhile).
    expect(fired.map((f) => f.offsetMs)).toEqual([600_000, 3_600_000]);
    for (const { offsetMs, sharedMs } of fired) {
      expect(sharedMs).toBeLessThanOrEqual(offsetMs);
      expect(sharedMs).toBeGreaterThan(offsetMs - 1000);
    }
    expect(time.offset.ms).toBe(7_200_000);
  });

  it('moves by whole seconds from 1 to 400 days only, and never back', async () => {
    const time = await opened({});

    for (const seconds of [0, -1, 1.5, Number.NaN, MAX_ADVANCE_SECONDS + 1]) {
      await expect(time.advance(seconds)).rejects.toBeInstanceOf(ClockAdvanceError);
    }
    await expect(time.advance(MAX_ADVANCE_SECONDS)).resolves.toMatchObject({
      offsetSeconds: MAX_ADVANCE_SECONDS,
    });
    expect(time.read().offsetSeconds).toBe(MAX_ADVANCE_SECONDS);
  });

  it('keeps nothing once stopped', async () => {
    const file = clockFile();
    const time = await opened({ file });
    await time.advance(60);
    await time.stop();
    const kept = readFileSync(file, 'utf8');

    await time.advance(60);

    expect(readFileSync(file, 'utf8')).toBe(kept);
  });

  it('goes by a given movable clock, keeping nothing, and takes any other given clock for the wall clock', async () => {
    // Prepare
    const file = clockFile();
    const given = new MovableClock({ ticking: true });
    const movable = await opened({ clock: given, file });
    const wall = await opened({ clock: systemClock, file });

    // Act
    await movable.advance(120);

    // Assess
    expect(movable.clock).toBe(given);
    expect(movable.offset.ms).toBe(120_000);
    expect(given.offsetMs).toBe(120_000);
    expect(existsSync(file)).toBe(false);
    expect(wall.canMove).toBe(false);
    expect(wall.read().offsetSeconds).toBe(0);
    await expect(wall.advance(60)).rejects.toBeInstanceOf(ClockNotMovableError);
  });
});
