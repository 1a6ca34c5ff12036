import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPieces,
  busyAcross,
  busyOf,
  conflictIn,
  type DayState,
  EMPTY,
  piecesOf,
} from '../../../src/domain/calendar.ts';
import { busyWithin, type Interval, overlaps } from '../../../src/domain/interval.ts';

const minute = (iso: string) => Date.parse(iso) / 60_000;
const DAY0 = minute('2027-03-02T00:00:00Z');

/** The calendar of a room after taking these intervals, one day state per day touched. */
const calendarOf = (intervals: readonly Interval[]): DayState[] => {
  const days = new Map<string, DayState>();
  for (const interval of intervals) {
    for (const pieces of piecesOf(interval)) {
      days.set(pieces.day, applyPieces(days.get(pieces.day) ?? EMPTY(pieces.day), pieces, 1));
    }
  }
  return [...days.values()];
};

/** Random bookings over four days, 15 minutes to two days long, none overlapping another. */
const disjointBookings = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 * 1440 }), fc.integer({ min: 15, max: 2 * 1440 })), {
    maxLength: 40,
  })
  .map((candidates) => {
    const kept: Interval[] = [];
    for (const [from, length] of candidates) {
      const interval = { start: DAY0 + from, end: DAY0 + from + length };
      if (!kept.some((other) => overlaps(other, interval))) kept.push(interval);
    }
    return kept;
  });

describe('Function: piecesOf', () => {
  it('covers whole hours as hours and the rest as prefix and suffix cells', () => {
    const [piece] = piecesOf({ start: minute('2027-03-02T09:07:00Z'), end: minute('2027-03-02T11:20:00Z') });

    expect(piece).toEqual({
      day: '2027-03-02',
      dayStart: DAY0,
      fullHours: [10],
      cells: [
        { cell: 36, suffixStart: 7 },
        { cell: 37, prefixEnd: 15 },
        { cell: 38, prefixEnd: 15 },
        { cell: 39, prefixEnd: 15 },
        { cell: 44, prefixEnd: 15 },
        { cell: 45, prefixEnd: 5 },
      ],
    });
  });

  it('splits a booking across midnight into one piece per day', () => {
    const pieces = piecesOf({ start: minute('2027-03-02T23:50:00Z'), end: minute('2027-03-03T00:05:00Z') });

    expect(pieces.map((p) => [p.day, p.fullHours, p.cells])).toEqual([
      ['2027-03-02', [], [{ cell: 95, suffixStart: 5 }]],
      ['2027-03-03', [], [{ cell: 0, prefixEnd: 5 }]],
    ]);
  });

  it('covers a 30-day booking with 31 days of at most 24 hours and 8 cells each', () => {
    const pieces = piecesOf({ start: minute('2027-03-02T10:07:00Z'), end: minute('2027-04-01T10:07:00Z') });

    expect(pieces).toHaveLength(31);
    expect(Math.max(...pieces.map((p) => p.fullHours.length))).toBe(24);
    expect(Math.max(...pieces.map((p) => p.cells.length))).toBeLessThanOrEqual(8);
  });
});

describe('The calendar model (property)', () => {
  it('shows as busy exactly the minutes its bookings hold, merged', () => {
    fc.assert(
      fc.property(disjointBookings, (bookings) => {
        const window = { start: DAY0 - 1440, end: DAY0 + 7 * 1440 };
        expect(busyAcross(calendarOf(bookings))).toEqual(busyWithin(bookings, window));
      }),
      { seed: 20261203, numRuns: 300 },
    );
  });

  it('finds a conflict for a new interval exactly when it overlaps a booking', () => {
    fc.assert(
      fc.property(
        disjointBookings,
        fc.integer({ min: 0, max: 5 * 1440 }),
        fc.integer({ min: 15, max: 600 }),
        (bookings, from, length) => {
          const wanted = { start: DAY0 + from, end: DAY0 + from + length };
          const conflict = conflictIn(calendarOf(bookings), wanted);
          expect(conflict !== undefined).toBe(bookings.some((booking) => overlaps(booking, wanted)));
        },
      ),
      { seed: 20261203, numRuns: 300 },
    );
  });

  it('comes back empty once every booking is freed, in any order', () => {
    fc.assert(
      fc.property(
        disjointBookings.chain((b) =>
          fc
            .shuffledSubarray(b, { minLength: b.length, maxLength: b.length })
            .map((order) => [b, order] as const),
        ),
        ([bookings, order]) => {
          const days = new Map(calendarOf(bookings).map((d) => [d.day, d]));
          for (const interval of order) {
            for (const pieces of piecesOf(interval)) {
              days.set(pieces.day, applyPieces(days.get(pieces.day) ?? EMPTY(pieces.day), pieces, -1));
            }
          }
          for (const day of days.values()) {
            expect(busyOf(day)).toEqual([]);
            expect(day.hours).toEqual({});
            expect(day.cells).toEqual({});
          }
        },
      ),
      { seed: 20261203, numRuns: 200 },
    );
  });
});
