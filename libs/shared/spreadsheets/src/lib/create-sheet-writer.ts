import { createCsvWriter } from './csv/csv-writer';
import { createOdsWriter } from './ods/ods-writer';
import type { SheetFormat } from './sheet';
import type { SheetWriter, SheetWriterOptions } from './sheet-writer';
import { createXlsxWriter } from './xlsx/xlsx-writer';

/**
 * Streams rows into `out` (backpressure respected). csv: UTF-8 with BOM, ',' delimiter, CRLF,
 * dates ISO YYYY-MM-DD. Every format neutralises formula injection (text starting with
 * = + - @ TAB CR gets a leading apostrophe). end() ends `out`.
 */
export function createSheetWriter(format: SheetFormat, out: NodeJS.WritableStream, options?: SheetWriterOptions): SheetWriter {
  const sheetName = options?.sheetName ?? 'Sheet1';
  switch (format) {
    case 'csv':
      return createCsvWriter(out);
    case 'xlsx':
      return createXlsxWriter(out, sheetName);
    case 'ods':
      return createOdsWriter(out, sheetName);
    default:
      throw new Error(`unknown sheet format ${String(format satisfies never)}`);
  }
}
