import { describe, expect, it } from 'vitest';
import { amountFor, isKnownCurrency } from '../../../src/domain/pricing.ts';

describe('Function: amountFor', () => {
  it.each([
    [60, 1000, 1000],
    [15, 1000, 250],
    [67, 1000, 1117], // 1116.67 rounds up
    [61, 1, 2], // 1.0167 rounds up
    [1, 59, 1], // 0.98 rounds up
    [90, 3, 5], // 4.5 rounds up
    [120, 7, 14], // exact stays exact
  ])('%i minutes at %i per hour cost %i', (minutes, pricePerHour, amount) => {
    expect(amountFor(minutes, pricePerHour)).toBe(amount);
  });

  it('stays exact at the largest booking and price the contract allows', () => {
    // 30 days at 10^8 minor units an hour: 720 hours.
    expect(amountFor(30 * 24 * 60, 100_000_000)).toBe(72_000_000_000);
    expect(amountFor(30 * 24 * 60 - 1, 100_000_000)).toBe(71_998_333_334);
  });

  it('refuses what is no duration or no price', () => {
    expect(() => amountFor(0, 100)).toThrow(RangeError);
    expect(() => amountFor(60, 0)).toThrow(RangeError);
    expect(() => amountFor(1.5, 100)).toThrow(RangeError);
  });
});

describe('Function: isKnownCurrency', () => {
  it.each(['EUR', 'USD', 'JPY', 'BHD', 'CHF'])('knows %s', (code) => {
    expect(isKnownCurrency(code)).toBe(true);
  });

  it.each(['XYZ', 'EU', 'eur', 'EURO'])('refuses %s', (code) => {
    expect(isKnownCurrency(code)).toBe(false);
  });
});
