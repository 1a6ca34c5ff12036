/**
 * A room's calendar days as the bookings table holds them (`ROOM#<id>` / `DAY#<yyyy-mm-dd>`, see
 * `booking-store.ts`): reading an item into a day's state, and the write that takes, frees or
 * replaces a day in a booking's transaction. Loaded by the store on its first calendar read or
 * booking write, so a request that only reads bookings does not load it.
 */
import type { OutcomeItem } from '@tessera/shared/store';
import { cellCountsByHour, type DayPieces, type DayState } from '#domain/calendar-cells';
import type { CalendarWrite } from '#domain/ports';

type Item = Record<string, unknown>;

const dayKey = (roomId: string, day: string) => ({ pk: `ROOM#${roomId}`, sk: `DAY#${day}` });

/**
 * A day of a room's calendar as attributes: `h<hour>` (-1 for an hour one booking holds whole, else
 * the count of cell pieces in it), `p<cell>` (a prefix's end, minutes into the cell) and `s<cell>`
 * (a suffix's start), and `version`. At most 24 hours and 2 x 96 cell attributes of a few bytes each.
 */
const toDayState = (day: string, item: Item | undefined): DayState => {
  const hours: Record<number, number> = {};
  const cells: Record<number, { prefixEnd?: number; suffixStart?: number }> = {};
  for (const [name, value] of Object.entries(item ?? {})) {
    const match = /^([hps])(\d{1,2})$/.exec(name);
    if (!match || typeof value !== 'number') continue;
    const index = Number(match[2]);
    if (match[1] === 'h') {
      if (value !== 0) hours[index] = value;
      continue;
    }
    const held = cells[index] ?? {};
    if (match[1] === 'p') held.prefixEnd = value;
    else held.suffixStart = value;
    cells[index] = held;
  }
  return { day, version: item ? Number(item.version ?? 0) : 0, hours, cells };
};

const dayAttributes = (state: DayState): Item => ({
  ...Object.fromEntries(Object.entries(state.hours).map(([hour, count]) => [`h${hour}`, count])),
  ...Object.fromEntries(
    Object.entries(state.cells).flatMap(([cell, held]) => [
      ...(held.prefixEnd === undefined ? [] : [[`p${cell}`, held.prefixEnd]]),
      ...(held.suffixStart === undefined ? [] : [[`s${cell}`, held.suffixStart]]),
    ]),
  ),
});

/**
 * The update that takes a piece: each whole hour it needs must be free (`h` absent or 0) and set to
 * -1; each hour it needs cells of must not be held whole, and counts them; each cell's prefix or
 * suffix must be free and clear of the other side's piece in that cell.
 */
const takeUpdate = (pieces: DayPieces) => {
  const conditions: string[] = [];
  const sets: string[] = [];
  const adds: string[] = ['version :one'];
  const values: Item = { ':one': 1, ':zero': 0 };
  for (const hour of pieces.fullHours) {
    conditions.push(`(attribute_not_exists(h${hour}) OR h${hour} = :zero)`);
    sets.push(`h${hour} = :whole`);
    values[':whole'] = -1;
  }
  for (const [hour, count] of cellCountsByHour(pieces)) {
    conditions.push(`(attribute_not_exists(h${hour}) OR h${hour} >= :zero)`);
    adds.push(`h${hour} :n${hour}`);
    values[`:n${hour}`] = count;
  }
  for (const piece of pieces.cells) {
    const c = piece.cell;
    if ('prefixEnd' in piece) {
      conditions.push(`attribute_not_exists(p${c}) AND (attribute_not_exists(s${c}) OR s${c} >= :p${c})`);
      sets.push(`p${c} = :p${c}`);
      values[`:p${c}`] = piece.prefixEnd;
    } else {
      conditions.push(`attribute_not_exists(s${c}) AND (attribute_not_exists(p${c}) OR p${c} <= :s${c})`);
      sets.push(`s${c} = :s${c}`);
      values[`:s${c}`] = piece.suffixStart;
    }
  }
  return {
    UpdateExpression: `${sets.length > 0 ? `SET ${sets.join(', ')} ` : ''}ADD ${adds.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeValues: values,
  };
};

/** The update that frees a piece its booking holds: no condition, the booking's version guards it. */
const freeUpdate = (pieces: DayPieces) => {
  const removes = [
    ...pieces.fullHours.map((hour) => `h${hour}`),
    ...pieces.cells.map((piece) => ('prefixEnd' in piece ? `p${piece.cell}` : `s${piece.cell}`)),
  ];
  const adds = ['version :one'];
  const values: Item = { ':one': 1 };
  for (const [hour, count] of cellCountsByHour(pieces)) {
    adds.push(`h${hour} :n${hour}`);
    values[`:n${hour}`] = -count;
  }
  return {
    UpdateExpression: `${removes.length > 0 ? `REMOVE ${removes.join(', ')} ` : ''}ADD ${adds.join(', ')}`,
    ExpressionAttributeValues: values,
  };
};

const dayWrite = (
  tableName: string,
  roomId: string,
  write: CalendarWrite,
): OutcomeItem<'taken' | 'calendar-changed'> => {
  switch (write.kind) {
    case 'take':
      return {
        Update: {
          TableName: tableName,
          Key: dayKey(roomId, write.pieces.day),
          ...takeUpdate(write.pieces),
        },
        onConditionFailed: 'taken',
      };
    case 'free':
      return {
        Update: {
          TableName: tableName,
          Key: dayKey(roomId, write.pieces.day),
          ...freeUpdate(write.pieces),
        },
      };
    case 'replace':
      return {
        Put: {
          TableName: tableName,
          Item: {
            ...dayKey(roomId, write.next.day),
            ...dayAttributes(write.next),
            version: write.expectedVersion + 1,
          },
          ...(write.expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': write.expectedVersion },
              }),
        },
        onConditionFailed: 'calendar-changed',
      };
  }
};

export { dayKey, dayWrite, toDayState };
