/**
 * The shapes of a room's day calendar (see `calendar.ts`) and the one rule the store needs to write
 * them: how many cell pieces a day's pieces put into each hour. Apart from `calendar.ts` so the store,
 * which every request loads, does not load the calendar's arithmetic with it.
 */

const CELL_MINUTES = 15;
const CELLS_PER_HOUR = 4;

/** The part of one cell a piece holds. */
type CellPiece =
  | { readonly cell: number; readonly prefixEnd: number }
  | { readonly cell: number; readonly suffixStart: number };

/** A booking's piece of one day: the hours it covers whole, and its cells in the others. */
interface DayPieces {
  readonly day: string;
  /** Minutes since the epoch of the day's 00:00. */
  readonly dayStart: number;
  readonly fullHours: readonly number[];
  readonly cells: readonly CellPiece[];
}

/** One day of a room's calendar as stored. */
interface DayState {
  readonly day: string;
  /** Goes up with every write of the day; 0 while it has never been written. */
  readonly version: number;
  /** Per hour: -1 when one booking covers it whole, otherwise how many cell pieces it holds. */
  readonly hours: Readonly<Record<number, number>>;
  readonly cells: Readonly<Record<number, { readonly prefixEnd?: number; readonly suffixStart?: number }>>;
}

const hourOfCell = (cell: number): number => Math.floor(cell / CELLS_PER_HOUR);

/** How many cell pieces a day's pieces put into each hour. */
const cellCountsByHour = (pieces: DayPieces): Map<number, number> => {
  const counts = new Map<number, number>();
  for (const piece of pieces.cells)
    counts.set(hourOfCell(piece.cell), (counts.get(hourOfCell(piece.cell)) ?? 0) + 1);
  return counts;
};

export type { CellPiece, DayPieces, DayState };
export { CELL_MINUTES, CELLS_PER_HOUR, cellCountsByHour, hourOfCell };
