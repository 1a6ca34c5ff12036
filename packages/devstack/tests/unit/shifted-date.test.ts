/**
 * The functions' shifted `Date` (ADR 0033), in real worker threads: a `FunctionHost` given a
 * `SharedClockOffset` runs a small bundle whose `Date.now()` and `new Date()` answer the wall clock
 * plus the offset, seeing a move at the next invocation with no message and no wait, while the rest
 * of `Date` is the engine's own (parsing, `UTC`, `instanceof`, dates Node makes), timers and the
 * context's remaining time run on real time, and a timed-out worker's replacement shares the offset.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SharedClockOffset } from '../../src/clock-offset.ts';
import { FunctionHost, withClockOffset } from '../../src/function-host.ts';

const HOUR = 3_600_000;
const folder = mkdtempSync(join(tmpdir(), 'tessera-shifted-date-'));
const bundle = join(folder, 'index.mjs');
writeFileSync(
  bundle,
  `
import { statSync } from 'node:fs';
export const handler = async () => ({ now: Date.now(), date: new Date().toISOString(), parsed: new Date(0).getTime() });
export const facts = async () => {
  class Stamp extends Date {}
  const stamp = new Stamp();
  return {
    instance: new Date() instanceof Date,
    engineMade: statSync('.').mtime instanceof Date,
    constructorLink: new Date().constructor === Date,
    sameCopy: new Date(new Date(0)).getTime(),
    fromParts: new Date(2026, 0, 2, 3, 4, 5, 6).getTime() === new Date('2026-01-02T03:04:05.006').getTime(),
    parse: Date.parse('2026-03-01T08:00:00Z'),
    utc: Date.UTC(2026, 2, 1, 8),
    invalid: Number.isNaN(new Date(undefined).getTime()),
    name: Date.name,
    length: Date.length,
    nowName: Date.now.name,
    called: Date(),
    isoNow: new Date().toISOString(),
    subclass: stamp instanceof Stamp && stamp instanceof Date && typeof stamp.getTime() === 'number',
    subclassNow: stamp.getTime(),
    tag: Object.prototype.toString.call(new Date()),
  };
};
export const timer = async (_event, context) => {
  const started = performance.now();
  const before = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { realMs: performance.now() - started, dateMs: Date.now() - before, remaining: context.getRemainingTimeInMillis() };
};
export const slow = () => new Promise((resolve) => setTimeout(resolve, 5000));
`,
);

const hosts: FunctionHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const hostWith = (offset: SharedClockOffset | undefined, timeoutMs = 10_000) => {
  const host = new FunctionHost({ name: 'clocked', bundle, environment: {}, timeoutMs, clockOffset: offset });
  hosts.push(host);
  return host;
};

interface Told {
  readonly now: number;
  readonly date: string;
  readonly parsed: number;
}

describe('Class: SharedClockOffset', () => {
  it('holds whole milliseconds and refuses what is not a number', () => {
    const offset = new SharedClockOffset();

    offset.set(1500.4);

    expect(offset.ms).toBe(1500);
    expect(() => offset.set(Number.NaN)).toThrow(RangeError);
    expect(offset.ms).toBe(1500);
  });
});

describe('Class: FunctionHost, with a clock offset', () => {
  it('tells the wall clock plus the offset, and sees a move at the next invocation', async () => {
    // Prepare
    const offset = new SharedClockOffset();
    const host = hostWith(offset);
    await host.start();

    // Act
    const before = (await host.invoke('handler', {})) as Told;
    const wallBefore = Date.now();
    offset.set(HOUR);
    const after = (await host.invoke('handler', {})) as Told;
    const wallAfter = Date.now();

    // Assess
    expect(Math.abs(before.now - wallBefore)).toBeLessThan(1000);
    expect(after.now - wallAfter).toBeGreaterThan(HOUR - 1000);
    expect(after.now - wallAfter).toBeLessThanOrEqual(HOUR);
    expect(Date.parse(after.date) - after.now).toBeGreaterThanOrEqual(0);
    expect(Date.parse(after.date) - after.now).toBeLessThan(1000);
    expect(after.parsed).toBe(0);
  });

  it('leaves the rest of Date as it was: parsing, UTC, instanceof, subclasses, dates Node makes', async () => {
    const offset = new SharedClockOffset();
    offset.set(24 * HOUR);
    const host = hostWith(offset);

    const facts = (await host.invoke('facts', {})) as Record<string, unknown>;

    expect(facts).toMatchObject({
      instance: true,
      engineMade: true,
      constructorLink: true,
      sameCopy: 0,
      fromParts: true,
      parse: Date.parse('2026-03-01T08:00:00Z'),
      utc: Date.parse('2026-03-01T08:00:00Z'),
      invalid: true,
      name: 'Date',
      length: 7,
      nowName: 'now',
      subclass: true,
      tag: '[object Date]',
    });
    // Date() as a function, and a subclass made with no arguments, tell the shifted time too.
    const shifted = Date.now() + 24 * HOUR;
    expect(Math.abs(Date.parse(String(facts.called)) - shifted)).toBeLessThan(2000);
    expect(Math.abs(Date.parse(String(facts.isoNow)) - shifted)).toBeLessThan(1000);
    expect(Math.abs(Number(facts.subclassNow) - shifted)).toBeLessThan(1000);
  });

  it('keeps timers and the remaining time on real time', async () => {
    const offset = new SharedClockOffset();
    offset.set(HOUR);
    const host = hostWith(offset, 10_000);

    const measured = (await host.invoke('timer', {})) as {
      realMs: number;
      dateMs: number;
      remaining: number;
    };

    expect(measured.realMs).toBeGreaterThanOrEqual(45);
    expect(measured.realMs).toBeLessThan(1000);
    expect(measured.dateMs).toBeLessThan(1000);
    expect(measured.remaining).toBeGreaterThan(8000);
    expect(measured.remaining).toBeLessThanOrEqual(10_000);
  });

  it('gives the worker that replaces a timed-out one the same offset', async () => {
    // Prepare
    const offset = new SharedClockOffset();
    offset.set(HOUR);
    const host = hostWith(offset, 200);
    await host.start();

    // Act
    await expect(host.invoke('slow', {})).rejects.toMatchObject({ name: 'FunctionTimeoutError' });
    const replaced = (await host.invoke('handler', {})) as Told;
    offset.set(2 * HOUR);
    const moved = (await host.invoke('handler', {})) as Told;

    // Assess
    expect(replaced.now - Date.now()).toBeGreaterThan(HOUR - 1000);
    expect(moved.now - Date.now()).toBeGreaterThan(2 * HOUR - 1000);
  });

  it('runs on real time with no offset, and takes the offset of withClockOffset when given none', async () => {
    // Prepare
    const offset = new SharedClockOffset();
    offset.set(HOUR);
    const plain = hostWith(undefined);
    const ambient = withClockOffset(offset, () => hostWith(undefined));

    // Act
    const real = (await plain.invoke('handler', {})) as Told;
    const shifted = (await ambient.invoke('handler', {})) as Told;

    // Assess
    expect(Math.abs(real.now - Date.now())).toBeLessThan(1000);
    expect(shifted.now - Date.now()).toBeGreaterThan(HOUR - 1000);
  });
});
