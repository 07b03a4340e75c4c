import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpreadsheetError } from '../sheet';
import { FIXTURES, GENEROUS_LIMITS, readAll, readingError, temporaryDirectory } from '../../test/sheet-test-support';

const POLISH_HEADERS = ['Imię', 'Nazwisko', 'Telefon', 'E-mail', 'Data urodzenia', 'Płeć', 'Uwagi'];

describe('reading csv', () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.remove());

  function csvFile(name: string, content: string | Buffer): string {
    const path = join(directory.path, name);
    writeFileSync(path, content);
    return path;
  }

  it('reads UTF-8 with BOM and ",": Polish headers, a quoted cell with a line break and two spaces, the empty line skipped but counted', async () => {
    const rows = await readAll(join(FIXTURES, 'clients-utf8-bom.csv'), 'csv');

    expect(rows).toEqual([
      { number: 1, cells: POLISH_HEADERS },
      {
        number: 2,
        cells: ['Żaneta', 'Łukasiewicz', '+48 600 100 200', 'zaneta@example.com', '1990-05-12', 'K', 'Lubi ciszę, herbatę\ni  dwie spacje'],
      },
      { number: 4, cells: ['Anna', 'Kowalska', '600100201', null, '12.05.1985', 'K'] },
    ]);
  });

  it('reads windows-1250 (Polish Excel) with ";": letters decoded, a ";" inside quotes kept, a row of empty cells skipped', async () => {
    const rows = await readAll(join(FIXTURES, 'clients-windows-1250-semicolon.csv'), 'csv');

    expect(rows.map((row) => row.number)).toEqual([1, 2, 4]);
    expect(rows[0]?.cells).toEqual(POLISH_HEADERS);
    expect(rows[1]?.cells[6]).toBe('Rabat 12,5%; stała klientka');
    expect(rows[2]?.cells.slice(0, 2)).toEqual(['Grzegorz', 'Brzęczyszczykiewicz']);
  });

  it('decodes a Polish letter that first appears far beyond the head of a UTF-8 file without BOM', async () => {
    const filler = 'a,b\r\n'.repeat(50_000);
    const path = csvFile('late-letter.csv', `Imię,Nazwisko\r\n${filler}Łucja,Żak\r\n`);

    const rows = await readAll(path, 'csv');

    expect(rows).toHaveLength(50_002);
    expect(rows.at(-1)).toEqual({ number: 50_002, cells: ['Łucja', 'Żak'] });
  });

  it('sniffs TAB and ignores delimiters inside quotes', async () => {
    const path = csvFile('tabs.csv', 'Imię\tUwagi\r\n"Ola"\t"a, b; c"\r\n');

    expect(await readAll(path, 'csv')).toEqual([
      { number: 1, cells: ['Imię', 'Uwagi'] },
      { number: 2, cells: ['Ola', 'a, b; c'] },
    ]);
  });

  it('reads mixed line endings and trims trailing empty cells', async () => {
    const path = csvFile('mixed.csv', 'a,b,,\n"x",y\r\nz,,\r');

    expect(await readAll(path, 'csv')).toEqual([
      { number: 1, cells: ['a', 'b'] },
      { number: 2, cells: ['x', 'y'] },
      { number: 3, cells: ['z'] },
    ]);
  });

  it('refuses UTF-16, with or without BOM, with unsupported-encoding', async () => {
    const path = csvFile('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\r\n', 'utf16le')]));

    expect(await readingError(path, 'csv')).toMatchObject({ code: 'unsupported-encoding' });
    const withoutBom = csvFile('utf16-no-bom.csv', Buffer.from('Imię,Nazwisko\r\n', 'utf16le'));
    expect(await readingError(withoutBom, 'csv')).toMatchObject({ code: 'unsupported-encoding' });
  });

  it('refuses an unclosed quote as corrupt-file', async () => {
    const path = csvFile('unclosed.csv', 'a,b\r\n"never closed,x\r\n');

    const error = await readingError(path, 'csv');

    expect(error).toBeInstanceOf(SpreadsheetError);
    expect(error).toMatchObject({ code: 'corrupt-file' });
  });

  it('refuses a file over maxFileBytes, more non-empty rows than maxRows and more columns than maxColumns', async () => {
    const path = csvFile('limits.csv', 'a,b,c\r\n\r\n1,2,3\r\n4,5,6\r\n');

    expect(await readingError(path, 'csv', { ...GENEROUS_LIMITS, maxFileBytes: 10 })).toMatchObject({ code: 'file-too-large' });
    expect(await readingError(path, 'csv', { ...GENEROUS_LIMITS, maxRows: 2 })).toMatchObject({ code: 'too-many-rows' });
    expect(await readingError(path, 'csv', { ...GENEROUS_LIMITS, maxColumns: 2 })).toMatchObject({ code: 'too-many-columns' });
    expect(await readAll(path, 'csv', { ...GENEROUS_LIMITS, maxRows: 3, maxColumns: 3 })).toHaveLength(3);
  });

  it('stops reading when the caller breaks out of the loop', async () => {
    const path = csvFile('long.csv', 'a\r\n'.repeat(10_000));
    const { readSheet } = await import('../read-sheet');
    let seen = 0;
    for await (const row of readSheet(path, 'csv', GENEROUS_LIMITS)) {
      seen = row.number;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});
