import { readCsvSheet } from './csv/csv-reader';
import { readOdsSheet } from './ods/ods-reader';
import { SpreadsheetError, type ReadLimits, type SheetFormat, type SheetRow } from './sheet';
import { readXlsxSheet } from './xlsx/xlsx-reader';

/**
 * Streams the first sheet of a file on disk (zip formats need random access to their central
 * directory, so not a network stream). Never holds the whole sheet in memory: rows are parsed
 * as the caller iterates, and a `break` stops reading and closes the file.
 */
export function readSheet(path: string, format: SheetFormat, limits: ReadLimits): AsyncIterable<SheetRow> {
  switch (format) {
    case 'csv':
      return readCsvSheet(path, limits);
    case 'xlsx':
      return readXlsxSheet(path, limits);
    case 'ods':
      return readOdsSheet(path, limits);
    default:
      return unsupported(format);
  }
}

// eslint-disable-next-line require-yield
async function* unsupported(format: never): AsyncGenerator<SheetRow> {
  throw new SpreadsheetError('unsupported-format', `unknown sheet format ${String(format)}`);
}
