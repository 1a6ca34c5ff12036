/**
 * Intervals of time as bookings hold them: half-open `[start, end)` in whole minutes, so a booking
 * that ends at 10:00 and one that starts at 10:00 do not overlap. Pure: no clock, no store.
 */
import type { FieldError } from '@tessera/shared/errors';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** An interval in minutes since the Unix epoch, `start` included, `end` excluded. */
interface Interval {
  readonly start: number;
  readonly end: number;
}

/** The rules of a booking's interval (seed 000's, as the bookings issue states them). */
const RULES = {
  minMinutes: 15,
  maxMinutes: 30 * DAY_MINUTES,
  maxDaysAhead: 365,
  /** The widest window of an availability read or a free-room search. */
  maxWindowDays: 31,
} as const;

// RFC 3339 with the UTC designator, as the contract's `format: date-time` and `Z`.
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

type TimeReading = { readonly minute: number } | { readonly problem: string };

/** Reads a timestamp that must be UTC and on a whole minute. */
const readMinute = (value: string): TimeReading => {
  if (!UTC_TIMESTAMP.test(value))
    return { problem: 'must be a UTC time ending in Z, such as 2027-01-15T09:00:00Z' };
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return { problem: 'is not a valid time' };
  if (ms % MINUTE_MS !== 0) return { problem: 'must be on a whole minute (no seconds)' };
  return { minute: ms / MINUTE_MS };
};

/** Reads a window bound: any UTC time, rounded down to its minute. */
const readInstant = (value: string): TimeReading => {
  if (!UTC_TIMESTAMP.test(value)) return { problem: 'must be a UTC time ending in Z' };
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return { problem: 'is not a valid time' };
  return { minute: Math.floor(ms / MINUTE_MS) };
};

const toIso = (minute: number): string => new Date(minute * MINUTE_MS).toISOString();

const minuteOf = (date: Date): number => Math.floor(date.getTime() / MINUTE_MS);

/**
 * Checks a booking's interval against every rule, relative to `now`, and answers it or the list of
 * broken rules, each naming its field (`startTime`, `endTime`).
 */
const checkBookingInterval = (
  input: { readonly startTime: string; readonly endTime: string },
  now: Date,
  fields: { readonly start: string; readonly end: string } = { start: 'startTime', end: 'endTime' },
): { readonly interval: Interval } | { readonly errors: readonly FieldError[] } => {
  const errors: FieldError[] = [];
  const fail = (field: string, detail: string) => errors.push({ location: 'body', field, detail });
  const start = readMinute(input.startTime);
  const end = readMinute(input.endTime);
  if ('problem' in start) fail(fields.start, `${fields.start} ${start.problem}.`);
  if ('problem' in end) fail(fields.end, `${fields.end} ${end.problem}.`);
  if ('minute' in start && 'minute' in end) {
    const nowMs = now.getTime();
    const startMs = start.minute * MINUTE_MS;
    if (startMs <= nowMs) fail(fields.start, `${fields.start} must be in the future.`);
    else if (startMs > nowMs + RULES.maxDaysAhead * DAY_MINUTES * MINUTE_MS)
      fail(fields.start, `${fields.start} must be at most ${RULES.maxDaysAhead} days ahead.`);
    const minutes = end.minute - start.minute;
    if (minutes <= 0) fail(fields.end, `${fields.end} must be after ${fields.start}.`);
    else if (minutes < RULES.minMinutes)
      fail(fields.end, `A booking lasts at least ${RULES.minMinutes} minutes; this one lasts ${minutes}.`);
    else if (minutes > RULES.maxMinutes) fail(fields.end, 'A booking lasts at most 30 days.');
  }
  if (errors.length > 0 || !('minute' in start) || !('minute' in end)) return { errors };
  return { interval: { start: start.minute, end: end.minute } };
};

/** Checks a read window (`[from, to)`, at most 31 days), naming the query parameters that break it. */
const checkWindow = (
  input: { readonly from: string; readonly to: string },
  names: { readonly from: string; readonly to: string },
): { readonly interval: Interval } | { readonly errors: readonly FieldError[] } => {
  const errors: FieldError[] = [];
  const from = readInstant(input.from);
  const to = readInstant(input.to);
  if ('problem' in from)
    errors.push({ location: 'query', field: names.from, detail: `${names.from} ${from.problem}.` });
  if ('problem' in to)
    errors.push({ location: 'query', field: names.to, detail: `${names.to} ${to.problem}.` });
  if (!('minute' in from) || !('minute' in to)) return { errors };
  if (to.minute <= from.minute)
    return {
      errors: [{ location: 'query', field: names.to, detail: `${names.to} must be after ${names.from}.` }],
    };
  if (to.minute - from.minute > RULES.maxWindowDays * DAY_MINUTES)
    return {
      errors: [
        {
          location: 'query',
          field: names.to,
          detail: `${names.to} must be at most ${RULES.maxWindowDays} days after ${names.from}.`,
        },
      ],
    };
  return { interval: { start: from.minute, end: to.minute } };
};

/** Half-open intervals overlap when each starts before the other ends. */
const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

const sameInterval = (a: Interval, b: Interval): boolean => a.start === b.start && a.end === b.end;

/** The UTC days (`YYYY-MM-DD`) an interval touches, in order. */
const daysOf = (interval: Interval): string[] => {
  const days: string[] = [];
  const last = Math.floor((interval.end - 1) / DAY_MINUTES);
  for (let day = Math.floor(interval.start / DAY_MINUTES); day <= last; day++) {
    days.push(new Date(day * DAY_MINUTES * MINUTE_MS).toISOString().slice(0, 10));
  }
  return days;
};

/** Intervals in order of start, those that overlap or touch merged into one. */
const mergeIntervals = (intervals: readonly Interval[]): Interval[] => {
  const merged: Interval[] = [];
  for (const interval of [...intervals].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, interval.end) };
    else merged.push(interval);
  }
  return merged;
};

/** The busy time of `intervals` inside `window`: clipped to it, adjacent and overlapping ones merged, in order. */
const busyWithin = (intervals: readonly Interval[], window: Interval): Interval[] => {
  const clipped = intervals
    .filter((interval) => overlaps(interval, window))
    .map((interval) => ({
      start: Math.max(interval.start, window.start),
      end: Math.min(interval.end, window.end),
    }));
  return mergeIntervals(clipped);
};

const durationMinutes = (interval: Interval): number => interval.end - interval.start;

export type { Interval };
export {
  busyWithin,
  checkBookingInterval,
  checkWindow,
  DAY_MINUTES,
  daysOf,
  durationMinutes,
  MINUTE_MS,
  mergeIntervals,
  minuteOf,
  overlaps,
  RULES,
  sameInterval,
  toIso,
};
