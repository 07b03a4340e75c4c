/** The three formats a salon's spreadsheet comes in: Excel, LibreOffice/OpenOffice and plain text. */
export type SheetFormat = 'csv' | 'xlsx' | 'ods';

export const SHEET_FORMATS: readonly SheetFormat[] = ['csv', 'xlsx', 'ods'];

/** A cell as the spreadsheet holds it: text, number, boolean, a calendar date (a Date at UTC midnight), or null when empty. */
export type CellValue = string | number | boolean | Date | null;

/**
 * A number the spreadsheet formats as a percentage: an ods cell of value-type "percentage", an
 * xlsx number whose number format shows a % sign. The file stores the fraction (10 % is 0.1) and the
 * user sees and means the percent; a plain number of the same value would read 0.1, so the readers
 * give these cells apart and each caller decides what a percentage means for its column (a discount
 * of 10 %, say). Only read: the writers write plain numbers.
 */
export class Percentage {
  constructor(readonly fraction: number) {}

  /** The number shown before the % sign: 0.075 → 7.5 (the binary noise of × 100 rounded away). */
  get percent(): number {
    return Number((this.fraction * 100).toPrecision(15));
  }

  /** As the spreadsheet shows it, without its decimal places: "7.5%". */
  toString(): string {
    return `${this.percent}%`;
  }
}

/** A cell as a reader yields it: a CellValue, or a Percentage. */
export type SheetCellValue = CellValue | Percentage;

/**
 * One row of the first sheet; `number` is the 1-based row number the spreadsheet program shows
 * (so a per-row report points at the line the user sees). Empty rows are not yielded, and
 * trailing empty cells are trimmed: `cells[i] ?? null` reads any column.
 */
export interface SheetRow {
  readonly number: number;
  readonly cells: readonly SheetCellValue[];
}

/** What a reader accepts before it refuses the file; the caller configures them (an upload is untrusted input). */
export interface ReadLimits {
  /** The file on disk. */
  readonly maxFileBytes: number;
  /** Zip formats: all entries inflated together, declared and actually inflated. */
  readonly maxUncompressedBytes: number;
  /** Non-empty rows of the first sheet. */
  readonly maxRows: number;
  /** Columns of any row, up to its last non-empty cell. */
  readonly maxColumns: number;
}

export type SpreadsheetErrorCode =
  | 'file-too-large'
  | 'zip-bomb'
  | 'corrupt-file'
  | 'too-many-rows'
  | 'too-many-columns'
  | 'unsupported-format'
  | 'unsupported-encoding';

/**
 * Why a file cannot be read. The message names the limit or the structural fault, never a
 * cell's content: the file holds personal data and messages end up in logs and reports.
 */
export class SpreadsheetError extends Error {
  constructor(
    readonly code: SpreadsheetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SpreadsheetError';
  }
}

/** The MIME type to send a written sheet with (the csv writer writes UTF-8). */
export const SHEET_CONTENT_TYPES: Record<SheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
};

/** A cell is empty when it holds nothing or only an empty text. */
export function isEmptyCell(value: SheetCellValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}

/** The cells up to the last non-empty one, with empty text as null; [] for an empty row. */
export function trimRow(cells: readonly (SheetCellValue | undefined)[]): SheetCellValue[] {
  let end = cells.length;
  while (end > 0 && isEmptyCell(cells[end - 1])) end--;
  const trimmed: SheetCellValue[] = new Array(end);
  for (let i = 0; i < end; i++) {
    const value = cells[i];
    trimmed[i] = value === undefined || value === '' ? null : value;
  }
  return trimmed;
}

/** Counts yielded rows and refuses the first row or column over the limits. */
export class RowLimiter {
  private rows = 0;

  constructor(private readonly limits: ReadLimits) {}

  /** The row to yield, or undefined for an empty row (not counted). */
  accept(number: number, cells: readonly (SheetCellValue | undefined)[]): SheetRow | undefined {
    const trimmed = trimRow(cells);
    if (trimmed.length === 0) return undefined;
    this.checkColumns(trimmed.length);
    this.rows++;
    if (this.rows > this.limits.maxRows) {
      throw new SpreadsheetError('too-many-rows', `the sheet has more than ${this.limits.maxRows} non-empty rows`);
    }
    return { number, cells: trimmed };
  }

  /** Refuses up front when `count` more non-empty rows would pass maxRows (an ods row repeated a million times). */
  checkRoomFor(count: number): void {
    if (this.rows + count > this.limits.maxRows) {
      throw new SpreadsheetError('too-many-rows', `the sheet has more than ${this.limits.maxRows} non-empty rows`);
    }
  }

  checkColumns(columns: number): void {
    if (columns > this.limits.maxColumns) {
      throw new SpreadsheetError('too-many-columns', `a row has more than ${this.limits.maxColumns} columns`);
    }
  }
}

/** A Date at UTC midnight of the given calendar day. */
export function calendarDate(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

/** The calendar day of a Date as YYYY-MM-DD (UTC, the way dates are carried here). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
