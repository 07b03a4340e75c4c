import { join } from 'node:path';
import { Workbook } from 'exceljs';
import { calendarDate, Percentage } from '../sheet';
import { CLIENTS_PADDED_ROWS, CLIENTS_RICH_ROWS } from '../../test/libreoffice-fixture-rows';
import { FIXTURES, GENEROUS_LIMITS, readAll, readingError, temporaryDirectory, writeZip } from '../../test/sheet-test-support';
import { isPercentFormat, xlsxCellValue } from './xlsx-cell-value';

describe('reading xlsx', () => {
  it('reads an xlsx LibreOffice converted from csv: Polish headers, date cells and dates as text, booleans, percentages, a cell of two lines with runs of spaces, empty rows skipped', async () => {
    expect(await readAll(join(FIXTURES, 'clients-rich.xlsx'), 'xlsx')).toEqual(CLIENTS_RICH_ROWS);
  });

  it('reads an xlsx with a merged cell and 1,024 formatted empty cells per row', async () => {
    expect(await readAll(join(FIXTURES, 'clients-padded.xlsx'), 'xlsx', { ...GENEROUS_LIMITS, maxColumns: 20 })).toEqual(CLIENTS_PADDED_ROWS);
  });

  it('refuses more non-empty rows than maxRows and more columns than maxColumns', async () => {
    const path = join(FIXTURES, 'clients-rich.xlsx');

    expect(await readingError(path, 'xlsx', { ...GENEROUS_LIMITS, maxRows: 6 })).toMatchObject({ code: 'too-many-rows' });
    expect(await readingError(path, 'xlsx', { ...GENEROUS_LIMITS, maxColumns: 9 })).toMatchObject({ code: 'too-many-columns' });
  });

  describe('workbooks exceljs writes whole', () => {
    const directory = temporaryDirectory();
    afterAll(() => directory.remove());

    it('reads the first of several sheets only', async () => {
      const workbook = new Workbook();
      workbook.addWorksheet('Klienci').addRow(['Imię', 'Anna']);
      workbook.addWorksheet('Inne').addRow(['nie czytać']);
      const path = join(directory.path, 'two-sheets.xlsx');
      await workbook.xlsx.writeFile(path);

      expect(await readAll(path, 'xlsx')).toEqual([{ number: 1, cells: ['Imię', 'Anna'] }]);
    });

    it('reads dates of a workbook in the 1904 date system (old Excel for Mac) as the days they show', async () => {
      const workbook = new Workbook();
      workbook.properties.date1904 = true;
      const sheet = workbook.addWorksheet('Klienci');
      sheet.addRow([new Date(Date.UTC(1990, 4, 12)), new Date(Date.UTC(1904, 0, 2))]).eachCell((cell) => {
        cell.numFmt = 'yyyy-mm-dd';
      });
      const path = join(directory.path, 'date1904.xlsx');
      await workbook.xlsx.writeFile(path);

      expect(await readAll(path, 'xlsx')).toEqual([{ number: 1, cells: [calendarDate(1990, 5, 12), calendarDate(1904, 1, 2)] }]);
    });

    it('tells a number formatted as a percentage (stored as its fraction) from a plain number, a formula\'s result too', async () => {
      const workbook = new Workbook();
      const sheet = workbook.addWorksheet('Klienci');
      const row = sheet.addRow([0.1, 0.125, 10, 0.1, 0.1, { formula: 'A1*2', result: 0.2 }, 0.1]);
      row.getCell(1).numFmt = '0%'; // Excel's built-in percent format (id 9)
      row.getCell(2).numFmt = '0.00%'; // and id 10
      row.getCell(4).numFmt = '0"%"'; // a literal % after the plain number: not a percentage
      row.getCell(5).numFmt = '#,##0.00'; // a plain number format
      row.getCell(6).numFmt = '0%';
      row.getCell(7).numFmt = '[Red]0.0 %;-0.0 %';
      const path = join(directory.path, 'percentages.xlsx');
      await workbook.xlsx.writeFile(path);

      const [read] = await readAll(path, 'xlsx');
      expect(read.cells).toEqual([new Percentage(0.1), new Percentage(0.125), 10, 0.1, 0.1, new Percentage(0.2), new Percentage(0.1)]);
      expect((read.cells as Percentage[]).filter((cell) => cell instanceof Percentage).map((cell) => cell.percent)).toEqual([10, 12.5, 20, 10]);
    });
  });

  it('refuses a worksheet of malformed XML as corrupt-file', async () => {
    const directory = temporaryDirectory();
    try {
      const path = join(directory.path, 'malformed.xlsx');
      await writeZip(path, [
        { name: 'xl/workbook.xml', data: '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="A" sheetId="1"/></sheets></workbook>' },
        { name: 'xl/worksheets/sheet1.xml', data: '<worksheet><sheetData><row r="1"><c r="A1" t="str"><v>x</v></row></sheetData></worksheet>' },
      ]);

      expect(await readingError(path, 'xlsx')).toMatchObject({ code: 'corrupt-file' });
    } finally {
      directory.remove();
    }
  });

  it('refuses an ods given as xlsx as corrupt-file', async () => {
    expect(await readingError(join(FIXTURES, 'clients-rich.ods'), 'xlsx')).toMatchObject({ code: 'corrupt-file' });
  });
});

describe('xlsx cell values', () => {
  it('takes a number format with a % sign outside quotes and escapes for a percentage', () => {
    for (const format of ['0%', '0.00%', '#,##0.0 %', '[Red]0%;-0%', '0.0%;[Red]-0.0%']) expect({ format, percent: isPercentFormat(format) }).toEqual({ format, percent: true });
    for (const format of [undefined, 'General', '0.00', '0"%"', '0\\%', '"%"@', '0;"-"%']) expect({ format, percent: isPercentFormat(format) }).toEqual({ format, percent: false });
  });

  it('shows a percentage as the percent the spreadsheet shows, without binary noise', () => {
    expect([new Percentage(0.075).percent, new Percentage(0.1).percent, new Percentage(0.29).percent, new Percentage(1).percent]).toEqual([7.5, 10, 29, 100]);
    expect(String(new Percentage(0.125))).toBe('12.5%');
  });

  it('takes the text of rich text and hyperlinks, the result of formulas and the code of errors', () => {
    expect(xlsxCellValue({ richText: [{ text: 'Ża' }, { text: 'neta' }] }, false)).toBe('Żaneta');
    expect(xlsxCellValue({ text: 'x@example.com', hyperlink: 'mailto:x@example.com' }, false)).toBe('x@example.com');
    expect(xlsxCellValue({ formula: 'A1*2', result: 4 }, false)).toBe(4);
    expect(xlsxCellValue({ formula: 'A1', result: { error: '#REF!' } }, false)).toBe('#REF!');
    expect(xlsxCellValue({ formula: 'A1' } as never, false)).toBeNull();
    expect(xlsxCellValue({ formula: 'TRUE()', result: 1 } as never, false)).toBe(true);
    expect(xlsxCellValue({ formula: 'FALSE()' } as never, false)).toBe(false);
    expect(xlsxCellValue({ error: '#N/A' }, false)).toBe('#N/A');
    expect(xlsxCellValue('', false)).toBeNull();
  });

  it('turns a date-time into its calendar day at UTC midnight', () => {
    expect(xlsxCellValue(new Date(Date.UTC(1990, 4, 12, 13, 45)), false)).toEqual(calendarDate(1990, 5, 12));
  });

  it("moves dates before 1 March 1900 one day forward in the 1900 system (Excel's fake 29 February 1900), not in the 1904 system", () => {
    // exceljs turns serial 1 (Excel: 1 January 1900) into 31 December 1899.
    expect(xlsxCellValue(new Date(Date.UTC(1899, 11, 31)), false)).toEqual(calendarDate(1900, 1, 1));
    expect(xlsxCellValue(new Date(Date.UTC(1900, 2, 1)), false)).toEqual(calendarDate(1900, 3, 1));
    expect(xlsxCellValue(new Date(Date.UTC(1899, 11, 31)), true)).toEqual(calendarDate(1899, 12, 31));
  });
});
