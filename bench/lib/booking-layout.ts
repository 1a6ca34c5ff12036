/**
 * What the bookings benchmark knows of the bookings table, to seed it with tens of thousands of
 * bookings in seconds rather than through tens of thousands of requests.
 *
 * Bookings and their change records are **copies of templates the bundle wrote itself** (made
 * through its API and read back through it, as the tickets capacity benchmark does): every
 * occurrence of the template's ids, times and people is replaced, so their format stays the
 * store's own. A room's **calendar day** gathers what every booking touching the day put there,
 * so it is put together from copies too: each template booking has a day of its own, and what it
 * put into that day (its *fragment*: the day's attributes but its key and `version`) is copied to
 * wherever a seeded booking of its kind falls, and the fragments of one day are merged. Only what
 * that takes is known here, from the layout the store documents
 * (`services/bookings/src/adapters/booking-store.ts`, header comment and `dayAttributes`, and ADR
 * 0026): a day's attributes beside its key are numbers, `version` (one more per write of the day)
 * and `h<hour>`, `p<cell>` and `s<cell>` (hours 0 to 23, 15-minute cells 0 to 95), so a piece
 * moved by whole cells moves its cell attributes by as many cells and its hour attributes with the
 * cells they count (or by whole hours, an hour held whole); and an hour's count adds up over the
 * bookings of the day while everything else belongs to one booking. `checkCalendarDay` holds a day
 * put together here against the same day the bundle wrote from the same bookings, so a change of
 * the store's format fails the benchmark instead of measuring a table the service would not read.
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
const CELL_MINUTES = 15;
const CELLS_PER_HOUR = 4;

/** A calendar day's attribute of the documented layout: an hour's or a cell's, by its index. */
const CALENDAR_ATTRIBUTE = /^([hps])(\d{1,2})$/;
const VERSION = 'version';

/** `2027-01-15` for the UTC day a minute falls in. */
const dayOf = (minute: number) => new Date(minute * MINUTE_MS).toISOString().slice(0, 10);

/** Minutes into its UTC day. */
const minuteOfDay = (minute: number) => ((minute % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;

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

/** The key attributes of a table (partition, then sort). */
interface KeyNames {
  readonly keyAttributes: readonly string[];
}

/** What one template booking put into its day of its own, and where it starts in that day. */
interface DayFragment {
  /** The day's attributes but its key and `version`, as the bundle wrote them. */
  readonly attributes: Item;
  /** The day's `version`: the writes the booking made to it (2 for one taken and freed). */
  readonly writes: number;
  /** The template booking's start, in minutes into its day. */
  readonly startMinute: number;
}

/**
 * What a template booking put into its day, from that day as the bundle wrote it (it alone on the
 * day). Throws when the day holds an attribute beside its key that the documented layout does not
 * name, or one that is not a number.
 */
const fragmentOf = (day: Item, template: KeyNames & { readonly start: number }): DayFragment => {
  const problems: string[] = [];
  const attributes: Item = {};
  for (const [name, value] of Object.entries(day)) {
    if (template.keyAttributes.includes(name) || name === VERSION) continue;
    if (!CALENDAR_ATTRIBUTE.test(name)) problems.push(`it holds ${name}, not an h, p or s attribute`);
    else if (value.N === undefined) problems.push(`${name} is not a number`);
    else attributes[name] = structuredClone(value);
  }
  if (day[VERSION]?.N === undefined) problems.push('its version is not a number');
  if (problems.length > 0)
    throw new Error(
      `The bookings store's calendar day is not the documented layout the bench seeds (bench/lib/booking-layout.ts): ${problems.join('; ')}`,
    );
  return { attributes, writes: Number(day[VERSION]?.N), startMinute: minuteOfDay(template.start) };
};

/**
 * The attributes a fragment's piece puts into its day when its booking starts at `startMinute`
 * of a day instead: its cell attributes moved by as many cells, its hour counts to the hours of
 * the cells they count, an hour it holds whole (or counts no cell of) by whole hours. Throws when
 * the move is not by whole cells, or by whole hours for a piece holding an hour whole, or leaves
 * the day.
 */
const relocated = (fragment: DayFragment, startMinute: number): Item => {
  const shift = startMinute - fragment.startMinute;
  const problem = (what: string) =>
    new Error(`a calendar piece moved by ${shift} minutes (to ${startMinute} into its day) ${what}`);
  if (shift % CELL_MINUTES !== 0) throw problem('is not moved by whole 15-minute cells');
  const cellShift = shift / CELL_MINUTES;
  const attributes: Item = {};
  const cellsOfHour = new Map<number, number[]>();
  const entries = Object.entries(fragment.attributes).map(([name, value]) => {
    const match = CALENDAR_ATTRIBUTE.exec(name) as RegExpExecArray;
    return { kind: match[1] as 'h' | 'p' | 's', index: Number(match[2]), value };
  });
  for (const { kind, index, value } of entries) {
    if (kind === 'h') continue;
    const cell = index + cellShift;
    if (cell < 0 || cell >= DAY_MINUTES / CELL_MINUTES) throw problem(`moves cell ${index} out of the day`);
    attributes[`${kind}${cell}`] = structuredClone(value);
    const hour = Math.floor(index / CELLS_PER_HOUR);
    cellsOfHour.set(hour, [...(cellsOfHour.get(hour) ?? []), cell]);
  }
  for (const { kind, index, value } of entries) {
    if (kind !== 'h') continue;
    const cells = cellsOfHour.get(index);
    let hour: number;
    if (cells) {
      const hours = new Set(cells.map((cell) => Math.floor(cell / CELLS_PER_HOUR)));
      if (hours.size !== 1) throw problem(`splits the cells hour ${index} counts over hours`);
      hour = [...hours][0] as number;
    } else {
      if (shift % 60 !== 0) throw problem(`does not move hour ${index} (${value.N}) by whole hours`);
      hour = index + shift / 60;
    }
    if (hour < 0 || hour >= 24) throw problem(`moves hour ${index} out of the day`);
    attributes[`h${hour}`] = structuredClone(value);
  }
  return attributes;
};

/**
 * The attributes of a day holding several pieces: an hour's counts add up, every other attribute
 * is one piece's. Throws when two pieces hold the same cell side or one holds an hour whole that
 * another uses (a double booking the plan should not make).
 */
const mergePieces = (pieces: readonly Item[]): Item => {
  const merged: Item = {};
  for (const piece of pieces) {
    for (const [name, value] of Object.entries(piece)) {
      const held = merged[name];
      if (!held) {
        merged[name] = structuredClone(value);
        continue;
      }
      // An hour's count of 0 (its cells all freed) may be taken whole, as the store's condition allows.
      const [a, b] = [Number(held.N), Number(value.N)];
      if (!name.startsWith('h') || ((a < 0 || b < 0) && a !== 0 && b !== 0))
        throw new Error(`two seeded bookings of one day both hold ${name}`);
      merged[name] = { N: String(a + b) };
    }
  }
  return merged;
};

/**
 * A calendar day for seeding: the template day's key with its room and day replaced, the merged
 * pieces of its bookings (`mergePieces`), and its `version` (the writes of all of them).
 */
const calendarDay = (
  template: { readonly item: Item; readonly roomId: string; readonly day: string } & KeyNames,
  day: { readonly roomId: string; readonly day: string; readonly version: number; readonly pieces: Item },
): Item => {
  const keyOnly: Item = Object.fromEntries(
    Object.entries(template.item).filter(([name]) => template.keyAttributes.includes(name)),
  );
  return {
    ...copyWithSwaps(
      keyOnly,
      new Map([
        [template.roomId, day.roomId],
        [template.day, day.day],
      ]),
    ),
    ...structuredClone(day.pieces),
    [VERSION]: { N: String(day.version) },
  };
};

/**
 * Holds a day put together here (`calendarDay`) against the same day as the bundle wrote it from the
 * same bookings: the same attributes, of the same types and values. Throws, naming what differs.
 */
const checkCalendarDay = (written: Item, built: Item) => {
  const names = [...new Set([...Object.keys(written), ...Object.keys(built)])].sort();
  const differences = names
    .filter((name) => JSON.stringify(written[name]) !== JSON.stringify(built[name]))
    .map(
      (name) =>
        `${name}: the bundle wrote ${JSON.stringify(written[name]) ?? 'nothing'}, the bench builds ${JSON.stringify(built[name]) ?? 'nothing'}`,
    );
  if (differences.length > 0)
    throw new Error(
      `The bookings store's calendar day is not the documented layout the bench seeds (bench/lib/booking-layout.ts): ${differences.join('; ')}`,
    );
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

export type { DayFragment, Item, Minutes };
export {
  calendarDay,
  checkCalendarDay,
  copyWithSwaps,
  DAY_MINUTES,
  dayOf,
  daysTouched,
  fragmentOf,
  isoOf,
  MINUTE_MS,
  mergePieces,
  minuteOfDay,
  relocated,
  toSdkItem,
};
