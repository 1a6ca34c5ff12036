import { describe, expect, it } from 'vitest';
import {
  busyWithin,
  checkBookingInterval,
  checkWindow,
  daysOf,
  type Interval,
  overlaps,
  toIso,
} from '../../../src/domain/interval.ts';

const NOW = new Date('2027-03-01T12:00:00.000Z');
const minute = (iso: string) => Date.parse(iso) / 60_000;
const span = (from: string, to: string): Interval => ({ start: minute(from), end: minute(to) });

const fieldsOf = (result: ReturnType<typeof checkBookingInterval>) =>
  'errors' in result ? result.errors.map((e) => e.field) : [];

describe('Function: checkBookingInterval', () => {
  it('accepts a future interval on whole minutes, answering it in epoch minutes', () => {
    const result = checkBookingInterval(
      { startTime: '2027-03-02T09:00:00Z', endTime: '2027-03-02T10:07:00.000Z' },
      NOW,
    );

    expect(result).toEqual({ interval: span('2027-03-02T09:00:00Z', '2027-03-02T10:07:00Z') });
  });

  it.each([
    [
      'an offset instead of Z',
      { startTime: '2027-03-02T09:00:00+01:00', endTime: '2027-03-02T10:00:00Z' },
      ['startTime'],
    ],
    ['seconds', { startTime: '2027-03-02T09:00:30Z', endTime: '2027-03-02T10:00:00Z' }, ['startTime']],
    ['milliseconds', { startTime: '2027-03-02T09:00:00Z', endTime: '2027-03-02T10:00:00.001Z' }, ['endTime']],
    [
      'a start in the past',
      { startTime: '2027-03-01T11:00:00Z', endTime: '2027-03-01T13:00:00Z' },
      ['startTime'],
    ],
    ['a start now', { startTime: '2027-03-01T12:00:00Z', endTime: '2027-03-01T13:00:00Z' }, ['startTime']],
    [
      'a start 366 days ahead',
      { startTime: '2028-03-01T13:00:00Z', endTime: '2028-03-01T14:00:00Z' },
      ['startTime'],
    ],
    [
      'an end before the start',
      { startTime: '2027-03-02T10:00:00Z', endTime: '2027-03-02T09:00:00Z' },
      ['endTime'],
    ],
    [
      'an end at the start',
      { startTime: '2027-03-02T10:00:00Z', endTime: '2027-03-02T10:00:00Z' },
      ['endTime'],
    ],
    ['14 minutes', { startTime: '2027-03-02T10:00:00Z', endTime: '2027-03-02T10:14:00Z' }, ['endTime']],
    [
      '30 days and a minute',
      { startTime: '2027-03-02T10:00:00Z', endTime: '2027-04-01T10:01:00Z' },
      ['endTime'],
    ],
    ['both times unreadable', { startTime: 'soon', endTime: 'later' }, ['startTime', 'endTime']],
  ])('refuses %s, naming the field', (_case, input, fields) => {
    expect(fieldsOf(checkBookingInterval(input, NOW))).toEqual(fields);
  });

  it.each([
    ['exactly 15 minutes', '2027-03-02T10:00:00Z', '2027-03-02T10:15:00Z'],
    ['exactly 30 days', '2027-03-02T10:00:00Z', '2027-04-01T10:00:00Z'],
    ['a start exactly 365 days ahead', '2028-02-29T12:00:00Z', '2028-02-29T13:00:00Z'],
  ])('accepts %s', (_case, startTime, endTime) => {
    expect('interval' in checkBookingInterval({ startTime, endTime }, NOW)).toBe(true);
  });

  it('names the fields it is told to, for a reschedule', () => {
    const result = checkBookingInterval({ startTime: 'x', endTime: '2027-03-02T10:00:00Z' }, NOW, {
      start: 'body.startTime',
      end: 'body.endTime',
    });

    expect(fieldsOf(result)).toEqual(['body.startTime']);
  });
});

describe('Function: checkWindow', () => {
  const names = { from: 'from', to: 'to' };

  it('takes any UTC bounds, down to the minute', () => {
    expect(checkWindow({ from: '2027-03-02T00:00:30Z', to: '2027-03-03T00:00:00Z' }, names)).toEqual({
      interval: span('2027-03-02T00:00:00Z', '2027-03-03T00:00:00Z'),
    });
  });

  it.each([
    ['an end before the start', '2027-03-03T00:00:00Z', '2027-03-02T00:00:00Z'],
    ['more than 31 days', '2027-03-01T00:00:00Z', '2027-04-01T00:01:00Z'],
  ])('refuses %s, naming the end', (_case, from, to) => {
    const result = checkWindow({ from, to }, names);
    expect('errors' in result && result.errors.map((e) => [e.location, e.field])).toEqual([['query', 'to']]);
  });
});

describe('Function: overlaps', () => {
  it('treats intervals as half-open: one ending at 10:00 and one starting at 10:00 do not overlap', () => {
    const first = span('2027-03-02T09:00:00Z', '2027-03-02T10:00:00Z');
    const second = span('2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z');

    expect(overlaps(first, second)).toBe(false);
    expect(overlaps(second, first)).toBe(false);
  });

  it.each([
    ['the same interval', '09:00', '10:00'],
    ['one inside', '09:15', '09:45'],
    ['one around', '08:00', '11:00'],
    ['one across the start', '08:30', '09:01'],
    ['one across the end', '09:59', '10:30'],
  ])('finds %s', (_case, from, to) => {
    const booked = span('2027-03-02T09:00:00Z', '2027-03-02T10:00:00Z');
    const other = span(`2027-03-02T${from}:00Z`, `2027-03-02T${to}:00Z`);

    expect(overlaps(booked, other)).toBe(true);
    expect(overlaps(other, booked)).toBe(true);
  });
});

describe('Function: daysOf', () => {
  it('lists the UTC days an interval touches, its end excluded', () => {
    expect(daysOf(span('2027-03-02T23:00:00Z', '2027-03-04T00:00:00Z'))).toEqual([
      '2027-03-02',
      '2027-03-03',
    ]);
    expect(daysOf(span('2027-03-02T23:00:00Z', '2027-03-04T00:01:00Z'))).toEqual([
      '2027-03-02',
      '2027-03-03',
      '2027-03-04',
    ]);
  });

  it('touches 31 days for a 30-day booking that starts mid-day', () => {
    expect(daysOf(span('2027-03-02T10:00:00Z', '2027-04-01T10:00:00Z'))).toHaveLength(31);
  });
});

describe('Function: busyWithin', () => {
  it('clips to the window, merges what touches, and orders by start', () => {
    const window = span('2027-03-02T00:00:00Z', '2027-03-03T00:00:00Z');
    const busy = busyWithin(
      [
        span('2027-03-02T12:00:00Z', '2027-03-02T13:00:00Z'),
        span('2027-03-01T22:00:00Z', '2027-03-02T01:00:00Z'),
        span('2027-03-02T13:00:00Z', '2027-03-02T14:00:00Z'),
        span('2027-03-02T23:00:00Z', '2027-03-04T00:00:00Z'),
        span('2027-03-05T00:00:00Z', '2027-03-05T01:00:00Z'),
      ],
      window,
    );

    expect(busy.map((i) => [toIso(i.start), toIso(i.end)])).toEqual([
      ['2027-03-02T00:00:00.000Z', '2027-03-02T01:00:00.000Z'],
      ['2027-03-02T12:00:00.000Z', '2027-03-02T14:00:00.000Z'],
      ['2027-03-02T23:00:00.000Z', '2027-03-03T00:00:00.000Z'],
    ]);
  });
});
