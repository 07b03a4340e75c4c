import { stream as excelStream, type CellValue as ExcelCellValue } from 'exceljs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GuardedZip, asCorrupt } from '../zip/guarded-zip';
import { Percentage, RowLimiter, SpreadsheetError, type ReadLimits, type SheetCellValue, type SheetRow } from '../sheet';
import { isPercentFormat, xlsxCellValue } from './xlsx-cell-value';

/**
 * Streams the first worksheet of an xlsx with exceljs' streaming reader. exceljs inflates the
 * zip itself (unzipper, sequentially), where bytes cannot be counted, so the archive is first
 * checked by GuardedZip (central directory) and inflated once to nothing, counting the real
 * sizes: a lying zip is refused before exceljs sees it. That pass costs CPU, not memory.
 */
export async function* readXlsxSheet(path: string, limits: ReadLimits): AsyncGenerator<SheetRow> {
  await checkRealSizes(path, limits);
  const reader = new excelStream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell a date from a number; hyperlinks are read as their shown text.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const limiter = new RowLimiter(limits);
  try {
    for await (const worksheet of reader) {
      const date1904 = isDate1904(reader);
      for await (const row of worksheet) {
        const values = row.values as readonly (ExcelCellValue | undefined)[];
        // exceljs' values are 1-based (index 0 is always empty).
        const cells = values.slice(1, Math.max(1, values.length)).map((value, index): SheetCellValue => {
          const cell = xlsxCellValue(value, date1904);
          // A number shown with a % sign is stored as its fraction (10 % as 0.1): the style tells it apart.
          return typeof cell === 'number' && isPercentFormat(row.getCell(index + 1).numFmt) ? new Percentage(cell) : cell;
        });
        const sheetRow = limiter.accept(row.number, cells);
        if (sheetRow) yield sheetRow;
      }
      break; // the first sheet only
    }
  } catch (error) {
    throw asCorrupt(error, 'the xlsx cannot be parsed');
  } finally {
    (reader as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }
}

async function checkRealSizes(path: string, limits: ReadLimits): Promise<void> {
  const zip = await GuardedZip.open(path, limits);
  try {
    if (!zip.has('xl/workbook.xml')) throw new SpreadsheetError('corrupt-file', 'the archive is not an xlsx workbook (no xl/workbook.xml)');
    for (const name of zip.entries.keys()) {
      if (name.endsWith('/')) continue;
      await pipeline(await zip.openEntry(name), discard());
    }
  } catch (error) {
    throw asCorrupt(error, 'the xlsx archive cannot be inflated');
  } finally {
    zip.close();
  }
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

function isDate1904(reader: unknown): boolean {
  const properties = (reader as { properties?: { model?: { date1904?: boolean } } }).properties;
  return properties?.model?.date1904 === true;
}
