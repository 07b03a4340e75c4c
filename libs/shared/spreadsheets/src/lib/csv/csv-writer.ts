import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../formula-injection';
import { assertWritableCell, endAndFinish, writeRespectingBackpressure } from '../output';
import { isoDate, type CellValue } from '../sheet';
import type { SheetWriter } from '../sheet-writer';

const UTF8_BOM = '\ufeff';

/**
 * csv as Excel opens it without an import dialog: UTF-8 with BOM (else Excel reads the Polish
 * letters as windows-1250), ',' delimiter, CRLF, dates as ISO YYYY-MM-DD, booleans TRUE/FALSE.
 */
export function createCsvWriter(out: NodeJS.WritableStream): SheetWriter {
  let started = false;
  return {
    async writeRow(cells) {
      const line = stringify([cells.map(csvText)], { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
      await writeRespectingBackpressure(out, started ? line : UTF8_BOM + line);
      started = true;
    },
    async end() {
      if (!started) await writeRespectingBackpressure(out, UTF8_BOM);
      await endAndFinish(out);
    },
  };
}

function csvText(value: CellValue): string {
  assertWritableCell(value);
  if (value === null) return '';
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return neutraliseFormula(value);
}
