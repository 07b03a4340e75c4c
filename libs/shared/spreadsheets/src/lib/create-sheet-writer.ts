import { createCsvWriter } from './csv/csv-writer';
import type { SheetFormat } from './sheet';
import type { SheetWriter, SheetWriterOptions } from './sheet-writer';

/**
 * Streams rows into `out` (backpressure respected). csv: UTF-8 with BOM, ',' delimiter, CRLF,
 * dates ISO YYYY-MM-DD. Every format neutralises formula injection (text starting with
 * = + - @ TAB CR gets a leading apostrophe).
 */
export function createSheetWriter(format: SheetFormat, out: NodeJS.WritableStream, _options?: SheetWriterOptions): SheetWriter {
  switch (format) {
    case 'csv':
      return createCsvWriter(out);
    case 'xlsx':
    case 'ods':
      throw new Error(`writing ${format} is not built yet`);
    default:
      throw new Error(`unknown sheet format ${String(format satisfies never)}`);
  }
}
