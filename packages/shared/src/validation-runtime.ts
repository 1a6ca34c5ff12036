/**
 * Run-time helpers the generated request validators import (see `scripts/generate.ts`).
 */

/** Length of a string in Unicode code points, as JSON Schema's `minLength` and `maxLength` count. */
const ucs2length = (value: string): number => {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
};

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):?(\d{2}))$/;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/**
 * RFC 3339 `date-time` with a required offset (`T` or a space between date and time): a real calendar date, hours 0-23, minutes 0-59,
 * seconds 0-59 (60 only at 23:59 UTC, a leap second).
 */
const isDateTime = (value: string): boolean => {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const maxDay = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month];
  if (maxDay === undefined || month < 1 || day < 1 || day > maxDay) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  const sign = match[7];
  const offsetHours = Number(match[8] ?? 0);
  const offsetMinutes = Number(match[9] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return false;
  if (second === 60) {
    // A leap second is only ever 23:59:60 in UTC.
    const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
    const utcMinuteOfDay = (((hour * 60 + minute - offset) % 1440) + 1440) % 1440;
    if (utcMinuteOfDay !== 23 * 60 + 59) return false;
  }
  return true;
};

/** The shape generated validators call: `format.validate(value)`. */
const dateTimeFormat = { validate: isDateTime } as const;

export { dateTimeFormat, isDateTime, ucs2length };
