import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createSheetWriter } from './create-sheet-writer';
import { detectSheetFormat } from './detect-sheet-format';
import { neutraliseFormula } from './formula-injection';
import { isoDate, trimRow, type CellValue, type SheetFormat, type SheetRow } from './sheet';
import { LIBRARY_SAMPLE_ROWS } from '../test/library-sample';
import { FIXTURES, readAll, temporaryDirectory } from '../test/sheet-test-support';

/** What reading gives back of written rows: formulas neutralised, empty rows skipped, trailing empties trimmed; csv as text. */
function expectedRows(rows: readonly (readonly CellValue[])[], format: SheetFormat): SheetRow[] {
  const asRead = (cell: CellValue): CellValue => {
    if (typeof cell === 'string') return neutraliseFormula(cell);
    if (format !== 'csv' || cell === null) return cell;
    if (cell instanceof Date) return isoDate(cell);
    if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
    return String(cell);
  };
  return rows.map((cells, index) => ({ number: index + 1, cells: trimRow(cells.map(asRead)) })).filter((row) => row.cells.length > 0);
}

describe('round trips', () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.remove());

  it.each<SheetFormat>(['csv', 'xlsx', 'ods'])('%s: what the writer writes, the reader reads back, and detectSheetFormat recognises', async (format) => {
    const path = join(directory.path, `sample.${format}`);
    const writer = createSheetWriter(format, createWriteStream(path), { sheetName: 'Klienci [2026]' });
    for (const row of LIBRARY_SAMPLE_ROWS) await writer.writeRow(row);
    await writer.end();

    expect(await readAll(path, format)).toEqual(expectedRows(LIBRARY_SAMPLE_ROWS, format));
    expect(detectSheetFormat(readFileSync(path).subarray(0, 4096), `klienci.${format}`)).toBe(format);
  });

  it.each<SheetFormat>(['xlsx', 'ods'])('%s: what the writer wrote, LibreOffice opened and saved again, reads back the same', async (format) => {
    const rows = await readAll(join(FIXTURES, `library-sample-resaved-by-libreoffice.${format}`), format);

    // LibreOffice itself drops a TAB inside a cell when it saves ods (it shows it, and keeps it in xlsx).
    const asSavedByLibreOffice = LIBRARY_SAMPLE_ROWS.map((cells) =>
      cells.map((cell) => (format === 'ods' && typeof cell === 'string' ? cell.replace(/\t/g, '') : cell)),
    );
    expect(rows).toEqual(expectedRows(asSavedByLibreOffice, format));
  });

  it.each<SheetFormat>(['xlsx', 'ods'])('detectSheetFormat recognises the %s LibreOffice writes, and refuses it under another extension', (format) => {
    const head = readFileSync(join(FIXTURES, `clients-rich.${format}`)).subarray(0, 4096);

    expect(detectSheetFormat(head)).toBe(format);
    expect(detectSheetFormat(head, `klienci.${format.toUpperCase()}`)).toBe(format);
    expect(detectSheetFormat(head, 'klienci.csv')).toBeUndefined();
  });

  it.each<SheetFormat>(['csv', 'xlsx', 'ods'])('%s: the writer waits for a slow destination instead of buffering the sheet', async (format) => {
    let written = 0;
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        setImmediate(callback);
      },
    });
    const writer = createSheetWriter(format, slow);
    for (let i = 0; i < 5_000; i++) {
      await writer.writeRow([`Klient ${i}`, 'Kowalski', '+48 600 100 200', 'klient@example.com', i, 'uwagi '.repeat(10)]);
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
    }
    await writer.end();

    expect(written).toBeGreaterThan(50_000);
    expect(maxBuffered).toBeLessThan(256 * 1024);
  });

  it.each<SheetFormat>(['csv', 'xlsx', 'ods'])('%s: writing fails instead of waiting forever when the destination goes away', async (format) => {
    const gone = new Writable({
      highWaterMark: 1024,
      write(_chunk: Buffer, _encoding, callback) {
        setImmediate(callback);
      },
    });
    const writer = createSheetWriter(format, gone);
    let rowsWritten = 0;
    const writing = (async () => {
      for (let i = 0; i < 100_000; i++) {
        await writer.writeRow([`Klient ${i}`, 'uwagi '.repeat(20)]);
        rowsWritten++;
        if (i === 200) gone.destroy();
      }
    })();

    await expect(writing).rejects.toThrow();
    expect(rowsWritten).toBeLessThan(100_000);
  });
});
