import { stream as excelStream, type Worksheet } from 'exceljs';
import type { Stream } from 'node:stream';
import { finished } from 'node:stream/promises';
import { neutraliseFormula } from '../formula-injection';
import { assertWritableCell, destinationClosed, drained, withoutNonXmlCharacters } from '../output';
import type { CellValue } from '../sheet';
import type { SheetWriter } from '../sheet-writer';

const DATE_FORMAT = 'yyyy-mm-dd';

/**
 * xlsx through exceljs' streaming writer: inline strings (no shared-strings table held in
 * memory until the end), each row committed as it is written. exceljs pipes its zip into `out`
 * and does not wait, so the writer waits for 'drain' whenever `out` reports a full buffer.
 */
export function createXlsxWriter(out: NodeJS.WritableStream, sheetName: string): SheetWriter {
  const workbook = new excelStream.xlsx.WorkbookWriter({ stream: out as unknown as Stream, useSharedStrings: false, useStyles: true });
  const sheet: Worksheet = workbook.addWorksheet(xlsxSheetName(sheetName));
  return {
    async writeRow(cells) {
      // exceljs keeps accepting rows into its zip when `out` has gone away: refuse instead of buffering them.
      if ((out as { destroyed?: boolean }).destroyed) throw destinationClosed();
      const row = sheet.addRow(cells.map(xlsxValue));
      cells.forEach((cell, index) => {
        if (cell instanceof Date) row.getCell(index + 1).numFmt = DATE_FORMAT;
      });
      row.commit();
      if ((out as { writableNeedDrain?: boolean }).writableNeedDrain) await drained(out, out);
    },
    async end() {
      sheet.commit();
      await workbook.commit();
      await finished(out);
    },
  };
}

function xlsxValue(value: CellValue): CellValue {
  assertWritableCell(value);
  return typeof value === 'string' ? neutraliseFormula(withoutNonXmlCharacters(value)) : value;
}

/** Excel's rules for a sheet name: 1–31 characters, none of : \ / ? * [ ]. */
export function xlsxSheetName(name: string): string {
  const cleaned = name.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31);
  return cleaned === '' ? 'Sheet1' : cleaned;
}
