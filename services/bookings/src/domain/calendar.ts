/**
 * A room's calendar for one UTC day, as cells that conditions can guard one by one (ADR 0026).
 *
 * A live booking's part of a day (its *piece*) is split into the day's whole hours it covers and,
 * in the hours it covers only in part, 15-minute cells. A booking lasts at least 15 minutes, so in
 * any cell its piece either starts at the cell's start (a *prefix*, ending at `prefixEnd` minutes
 * into the cell, 15 for the whole cell) or ends at the cell's end (a *suffix*, starting at
 * `suffixStart`). A cell holds at most one of each, and they do not overlap when
 * `prefixEnd <= suffixStart`; an hour is either whole (one booking covers it all) or counts the
 * cell pieces inside it. So "nothing overlaps" is a condition on the few cells and hours a booking
 * touches, and bookings of one day that touch different cells never fail each other's conditions.
 * Pure: no store, no clock.
 */
import {
  CELL_MINUTES,
  CELLS_PER_HOUR,
  type CellPiece,
  cellCountsByHour,
  type DayPieces,
  type DayState,
} from './calendar-cells.ts';
import { DAY_MINUTES, type Interval, mergeIntervals, overlaps } from './interval.ts';

const dayName = (dayIndex: number): string =>
  new Date(dayIndex * DAY_MINUTES * 60_000).toISOString().slice(0, 10);

const dayIndexOf = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 60_000 / DAY_MINUTES;

/** Splits an interval into its pieces, one per UTC day it touches. */
const piecesOf = (interval: Interval): DayPieces[] => {
  const pieces: DayPieces[] = [];
  const lastDay = Math.floor((interval.end - 1) / DAY_MINUTES);
  for (let dayIndex = Math.floor(interval.start / DAY_MINUTES); dayIndex <= lastDay; dayIndex++) {
    const dayStart = dayIndex * DAY_MINUTES;
    const from = Math.max(interval.start, dayStart) - dayStart;
    const to = Math.min(interval.end, dayStart + DAY_MINUTES) - dayStart;
    const fullHours: number[] = [];
    const cells: CellPiece[] = [];
    for (let hour = Math.floor(from / 60); hour * 60 < to; hour++) {
      if (from <= hour * 60 && hour * 60 + 60 <= to) {
        fullHours.push(hour);
        continue;
      }
      for (let cell = hour * CELLS_PER_HOUR; cell < (hour + 1) * CELLS_PER_HOUR; cell++) {
        const cellFrom = cell * CELL_MINUTES;
        const cellTo = cellFrom + CELL_MINUTES;
        if (to <= cellFrom || cellTo <= from) continue;
        if (from > cellFrom) {
          if (to < cellTo)
            throw new RangeError('A piece shorter than a cell: a booking lasts at least 15 minutes.');
          cells.push({ cell, suffixStart: from - cellFrom });
        } else {
          cells.push({ cell, prefixEnd: Math.min(to, cellTo) - cellFrom });
        }
      }
    }
    pieces.push({ day: dayName(dayIndex), dayStart, fullHours, cells });
  }
  return pieces;
};

/** The busy time of a day, in minutes since the epoch, merged, by start. */
const busyOf = (state: DayState): Interval[] => {
  const start = dayIndexOf(state.day) * DAY_MINUTES;
  const busy: Interval[] = [];
  for (const [hour, count] of Object.entries(state.hours)) {
    if (count === -1) busy.push({ start: start + Number(hour) * 60, end: start + Number(hour) * 60 + 60 });
  }
  for (const [cell, held] of Object.entries(state.cells)) {
    const cellStart = start + Number(cell) * CELL_MINUTES;
    if (held.prefixEnd !== undefined) busy.push({ start: cellStart, end: cellStart + held.prefixEnd });
    if (held.suffixStart !== undefined)
      busy.push({ start: cellStart + held.suffixStart, end: cellStart + CELL_MINUTES });
  }
  return mergeIntervals(busy);
};

/** The busy time of several days, merged across midnight. */
const busyAcross = (states: readonly DayState[]): Interval[] => mergeIntervals(states.flatMap(busyOf));

/** The first busy stretch of these days that `interval` overlaps, if any. */
const conflictIn = (states: readonly DayState[], interval: Interval): Interval | undefined =>
  busyAcross(states).find((busy) => overlaps(busy, interval));

const EMPTY = (day: string): DayState => ({ day, version: 0, hours: {}, cells: {} });

/** A day's state with a piece taken (`sign` 1) or freed (`sign` -1); the caller has checked the overlap. */
const applyPieces = (state: DayState, pieces: DayPieces, sign: 1 | -1): DayState => {
  const hours: Record<number, number> = { ...state.hours };
  const cells: Record<number, { prefixEnd?: number; suffixStart?: number }> = Object.fromEntries(
    Object.entries(state.cells).map(([cell, held]) => [cell, { ...held }]),
  );
  for (const hour of pieces.fullHours) {
    if (sign === 1) hours[hour] = -1;
    else delete hours[hour];
  }
  for (const [hour, count] of cellCountsByHour(pieces)) {
    const next = (hours[hour] ?? 0) + sign * count;
    if (next === 0) delete hours[hour];
    else hours[hour] = next;
  }
  for (const piece of pieces.cells) {
    const held = cells[piece.cell] ?? {};
    if ('prefixEnd' in piece) {
      if (sign === 1) held.prefixEnd = piece.prefixEnd;
      else delete held.prefixEnd;
    } else if (sign === 1) held.suffixStart = piece.suffixStart;
    else delete held.suffixStart;
    if (held.prefixEnd === undefined && held.suffixStart === undefined) delete cells[piece.cell];
    else cells[piece.cell] = held;
  }
  return { day: state.day, version: state.version, hours, cells };
};

export type { CellPiece, DayPieces, DayState };
export { applyPieces, busyAcross, busyOf, CELL_MINUTES, cellCountsByHour, conflictIn, EMPTY, piecesOf };
