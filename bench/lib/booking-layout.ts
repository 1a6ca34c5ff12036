/**
 * What the bookings benchmark knows of the bookings table, to seed it with tens of thousands of
 * bookings in seconds rather than through tens of thousands of requests.
 *
 * Bookings and their change records are **copies of templates the bundle wrote itself** (made
 * through its API and read back through it, as the tickets capacity benchmark does): every
 * occurrence of the template's ids, times and people is replaced, so their format stays the
 * store's own. A room's **calendar day** cannot be copied that way, since it gathers the intervals
 * of every booking touching the day; it is built here from the layout the store documents
 * (`services/bookings/src/adapters/booking-store.ts`, header comment, and ADR 0026): the key of a
 * day the bundle wrote with the room and the day replaced, `version`, and `intervals`, each live
 * booking's interval as two big-endian uint32 epoch minutes. `checkCalendarTemplate` holds that
 * layout against a day the bundle wrote, so a change of the store's format fails the benchmark
 * instead of measuring a table the service would not read.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An item as DynamoDB's JSON protocol carries it (what the AWS stand-in records): marshalled, a
 * binary as base64 text. `toSdkItem` turns one into what the SDK client sends.
 */
type Item = Record<string, AttributeValue>;

/** Whole minutes since the epoch, `[start, end)`, as the service keeps intervals. */
interface Minutes {
  readonly start: number;
  readonly end: number;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** The attributes of a calendar day beside its key, and their types, as the store documents them. */
const DAY_ATTRIBUTES: Readonly<Record<string, keyof AttributeValue>> = { version: 'N', intervals: 'B' };

/** `2027-01-15` for the UTC day a minute falls in. */
const dayOf = (minute: number) => new Date(minute * MINUTE_MS).toISOString().slice(0, 10);

/** The UTC days an interval touches (its end excluded), as the service counts them. */
const daysTouched = (interval: Minutes): string[] => {
  const days: string[] = [];
  for (
    let day = Math.floor(interval.start / DAY_MINUTES);
    day <= Math.floor((interval.end - 1) / DAY_MINUTES);
    day++
  ) {
    days.push(dayOf(day * DAY_MINUTES));
  }
  return days;
};

const isoOf = (minute: number) => new Date(minute * MINUTE_MS).toISOString();

/** The intervals as the store encodes them: 8 bytes each, start and end, big-endian uint32, base64. */
const encodeIntervals = (intervals: readonly Minutes[]): string => {
  const bytes = Buffer.alloc(intervals.length * 8);
  intervals.forEach((interval, i) => {
    bytes.writeUInt32BE(interval.start, i * 8);
    bytes.writeUInt32BE(interval.end, i * 8 + 4);
  });
  return bytes.toString('base64');
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A copy of an item (marshalled) with every occurrence of each key of `swaps` replaced by its value,
 * in one pass, so a replacement is never replaced again.
 *
 * @example
 * copyWithSwaps(template, new Map([[template.id, randomUUID()]]))
 */
const copyWithSwaps = <T>(item: T, swaps: ReadonlyMap<string, string>): T => {
  const from = [...swaps.keys()].filter((key) => key.length > 0);
  if (from.length === 0) return structuredClone(item);
  const pattern = new RegExp(
    from
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  return JSON.parse(JSON.stringify(item).replace(pattern, (found) => swaps.get(found) ?? found)) as T;
};

/**
 * Checks a calendar day the bundle wrote against the documented layout: its attributes are its
 * key's and those of `DAY_ATTRIBUTES`, of those types, its key names the room and the day, and its
 * intervals are `live` encoded as the layout says. Throws, naming what differs.
 */
const checkCalendarTemplate = (
  day: Item,
  expected: {
    readonly keyAttributes: readonly string[];
    readonly roomId: string;
    readonly day: string;
    readonly live: readonly Minutes[];
  },
) => {
  const problems: string[] = [];
  const names = Object.keys(day).sort();
  const documented = [...expected.keyAttributes, ...Object.keys(DAY_ATTRIBUTES)].sort();
  if (JSON.stringify(names) !== JSON.stringify(documented))
    problems.push(`its attributes are ${names.join(', ')}, not ${documented.join(', ')}`);
  for (const [name, type] of Object.entries(DAY_ATTRIBUTES)) {
    if (day[name] && day[name][type] === undefined) problems.push(`${name} is not of type ${type}`);
  }
  const key = JSON.stringify(expected.keyAttributes.map((name) => day[name]));
  if (!key.includes(expected.roomId) || !key.includes(expected.day))
    problems.push(`its key ${key} does not name the room and the day`);
  const intervals = day.intervals?.B;
  const actual = typeof intervals === 'string' ? intervals : Buffer.from(intervals ?? []).toString('base64');
  if (actual !== encodeIntervals(expected.live))
    problems.push(
      `its intervals are ${actual}, not ${encodeIntervals(expected.live)} (big-endian uint32 minutes)`,
    );
  if (problems.length > 0)
    throw new Error(
      `The bookings store's calendar day is not the documented layout the bench seeds (bench/lib/booking-layout.ts): ${problems.join('; ')}`,
    );
};

/**
 * A calendar day for seeding: the template day's key with its room and day replaced, at `version`,
 * holding `live` (sorted by start; none: no `intervals`, as the store writes an empty day).
 */
const calendarDay = (
  template: { readonly item: Item; readonly roomId: string; readonly day: string },
  day: { readonly roomId: string; readonly day: string; readonly version: number; readonly live: Minutes[] },
): Item => {
  const keyOnly: Item = Object.fromEntries(
    Object.entries(template.item).filter(([name]) => !(name in DAY_ATTRIBUTES)),
  );
  const live = [...day.live].sort((a, b) => a.start - b.start);
  return {
    ...copyWithSwaps(
      keyOnly,
      new Map([
        [template.roomId, day.roomId],
        [template.day, day.day],
      ]),
    ),
    version: { N: String(day.version) },
    ...(live.length > 0 ? { intervals: { B: encodeIntervals(live) as unknown as Uint8Array } } : {}),
  };
};

const sdkValue = (value: AttributeValue): AttributeValue => {
  const wire = value as { B?: unknown; BS?: unknown[]; M?: Item; L?: AttributeValue[] };
  if (typeof wire.B === 'string') return { B: Buffer.from(wire.B, 'base64') };
  if (wire.BS)
    return { BS: wire.BS.map((b) => (typeof b === 'string' ? Buffer.from(b, 'base64') : (b as Uint8Array))) };
  if (wire.M) return { M: toSdkItem(wire.M) };
  if (wire.L) return { L: wire.L.map(sdkValue) };
  return value;
};

/** An item of the wire (binaries as base64 text) as the SDK client sends it (binaries as bytes). */
const toSdkItem = (item: Item): Item =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, sdkValue(value)]));

export type { Item, Minutes };
export {
  calendarDay,
  checkCalendarTemplate,
  copyWithSwaps,
  DAY_MINUTES,
  dayOf,
  daysTouched,
  encodeIntervals,
  isoOf,
  MINUTE_MS,
  toSdkItem,
};
