import type { CellValue } from './sheet';

/** Rows into a stream, one at a time; the caller awaits each writeRow (backpressure) and then end(). */
export interface SheetWriter {
  writeRow(cells: readonly CellValue[]): Promise<void>;
  /** Finishes the file and ends `out`; resolves when everything is flushed. */
  end(): Promise<void>;
}

export interface SheetWriterOptions {
  /** The sheet's name in xlsx/ods (ignored for csv); 'Sheet1' when not given. */
  readonly sheetName?: string;
}
