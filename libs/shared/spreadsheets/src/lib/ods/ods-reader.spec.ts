import { join } from 'node:path';
import { calendarDate, Percentage } from '../sheet';
import { CLIENTS_PADDED_ROWS, CLIENTS_RICH_ROWS } from '../../test/libreoffice-fixture-rows';
import { FIXTURES, GENEROUS_LIMITS, readAll, readingError, temporaryDirectory, writeOds, writeZip } from '../../test/sheet-test-support';

describe('reading ods', () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.remove());
  const file = (name: string) => join(directory.path, name);

  it('reads an ods LibreOffice converted from csv: Polish headers, date cells and dates as text, booleans, percentages, a cell of two lines with runs of spaces, empty rows skipped', async () => {
    expect(await readAll(join(FIXTURES, 'clients-rich.ods'), 'ods')).toEqual(CLIENTS_RICH_ROWS);
  });

  it('reads a sheet LibreOffice padded to 1,048,576 rows × 1,024 columns without materialising the padding', async () => {
    const rows = await readAll(join(FIXTURES, 'clients-padded.ods'), 'ods', { ...GENEROUS_LIMITS, maxRows: 20, maxColumns: 20 });

    expect(rows).toEqual(CLIENTS_PADDED_ROWS);
  });

  it('reads text markup: text:s with and without text:c, spans, links, line breaks, several paragraphs; annotations ignored', async () => {
    const path = file('markup.ods');
    await writeOds(
      path,
      '<table:table table:name="A"><table:table-row>' +
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="3"/>b<text:s/>c</text:p></table:table-cell>' +
        '<table:table-cell office:value-type="string"><text:p><text:span>Ża</text:span>neta <text:a xlink:href="mailto:x@example.com">x@example.com</text:a></text:p></table:table-cell>' +
        '<table:table-cell office:value-type="string"><text:p>jeden<text:line-break/>dwa</text:p><text:p>trzy</text:p><text:p/></table:table-cell>' +
        '<table:table-cell office:value-type="string"><office:annotation><dc:creator>Ktoś</dc:creator><text:p>notatka</text:p></office:annotation><text:p>widoczne</text:p></table:table-cell>' +
        '</table:table-row></table:table>',
    );

    expect(await readAll(path, 'ods')).toEqual([{ number: 1, cells: ['a   b c', 'Żaneta x@example.com', 'jeden\ndwa\ntrzy\n', 'widoczne'] }]);
  });

  it('reads value types: float, percentage, currency, date (with time), boolean, time as its text, and only the first table', async () => {
    const path = file('values.ods');
    await writeOds(
      path,
      '<table:table table:name="A"><table:table-row>' +
        '<table:table-cell office:value-type="float" office:value="12.5"><text:p>12,5</text:p></table:table-cell>' +
        '<table:table-cell office:value-type="percentage" office:value="0.15"><text:p>15%</text:p></table:table-cell>' +
        '<table:table-cell office:value-type="currency" office:currency="PLN" office:value="99.99"><text:p>99,99 zł</text:p></table:table-cell>' +
        '<table:table-cell office:value-type="date" office:date-value="1990-05-12T13:45:00"><text:p>12.05.1990 13:45</text:p></table:table-cell>' +
        '<table:table-cell office:value-type="boolean" office:boolean-value="false"><text:p>FALSE</text:p></table:table-cell>' +
        '<table:table-cell office:value-type="time" office:time-value="PT10H30M00S"><text:p>10:30</text:p></table:table-cell>' +
        '</table:table-row></table:table>' +
        '<table:table table:name="B"><table:table-row><table:table-cell office:value-type="string"><text:p>second sheet</text:p></table:table-cell></table:table-row></table:table>',
    );

    expect(await readAll(path, 'ods')).toEqual([{ number: 1, cells: [12.5, new Percentage(0.15), 99.99, calendarDate(1990, 5, 12), false, '10:30'] }]);
  });

  it('expands repeated non-empty rows and columns, keeps covered cells as empty, numbers rows across repeated empty ones', async () => {
    const path = file('repeats.ods');
    await writeOds(
      path,
      '<table:table table:name="A">' +
        '<table:table-header-rows><table:table-row><table:table-cell office:value-type="string"><text:p>Nagłówek</text:p></table:table-cell></table:table-row></table:table-header-rows>' +
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>' +
        '<table:table-row table:number-rows-repeated="2">' +
        '<table:table-cell table:number-columns-repeated="2"/>' +
        '<table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>x</text:p></table:table-cell><table:covered-table-cell/>' +
        '<table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>' +
        '<table:table-cell table:number-columns-repeated="16000"/>' +
        '</table:table-row>' +
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>' +
        '</table:table>',
    );

    expect(await readAll(path, 'ods', { ...GENEROUS_LIMITS, maxColumns: 10 })).toEqual([
      { number: 1, cells: ['Nagłówek'] },
      { number: 1002, cells: [null, null, 'x', null, 7, 7, 7] },
      { number: 1003, cells: [null, null, 'x', null, 7, 7, 7] },
    ]);
  });

  it('counts repeated rows and columns against the limits before materialising them', async () => {
    const path = file('huge-repeats.ods');
    await writeOds(
      path,
      '<table:table table:name="A">' +
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>' +
        '</table:table>',
    );
    const wide = file('wide.ods');
    await writeOds(
      wide,
      '<table:table table:name="A"><table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>',
    );

    const { readSheet } = await import('../read-sheet');
    const yielded: number[] = [];
    const refusal = await (async () => {
      try {
        for await (const row of readSheet(path, 'ods', { ...GENEROUS_LIMITS, maxRows: 1000 })) yielded.push(row.number);
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(refusal).toMatchObject({ code: 'too-many-rows' });
    expect(yielded).toEqual([]);
    expect(await readingError(wide, 'ods', { ...GENEROUS_LIMITS, maxColumns: 100 })).toMatchObject({ code: 'too-many-columns' });
  });

  it('reads a content.xml that binds the ODF namespaces to other prefixes than LibreOffice does', async () => {
    const path = file('prefixes.ods');
    const content =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<o:document-content xmlns:o="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
      'xmlns:t="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><o:body><o:spreadsheet><table name="A">' +
      '<table-row number-rows-repeated="2"><table-cell/></table-row>' +
      '<table-row><table-cell number-columns-repeated="2" o:value-type="float" o:value="3"><t:p>3</t:p></table-cell><table-cell o:value-type="string"><t:p>a<t:s t:c="2"/>b</t:p></table-cell></table-row>' +
      '</table></o:spreadsheet></o:body></o:document-content>';
    await writeZip(path, [
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', compress: false },
      { name: 'content.xml', data: content },
    ]);

    expect(await readAll(path, 'ods')).toEqual([{ number: 3, cells: [3, 3, 'a  b'] }]);
  });

  it('refuses malformed content.xml, a zip without content.xml and an xlsx given as ods as corrupt-file', async () => {
    const malformed = file('malformed.ods');
    await writeOds(malformed, '<table:table table:name="A"><table:table-row><table:table-cell></table:table-row></table:table>');
    const empty = file('no-content.ods');
    await writeZip(empty, [{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', compress: false }]);

    expect(await readingError(malformed, 'ods')).toMatchObject({ code: 'corrupt-file' });
    expect(await readingError(empty, 'ods')).toMatchObject({ code: 'corrupt-file' });
    expect(await readingError(join(FIXTURES, 'clients-rich.xlsx'), 'ods')).toMatchObject({ code: 'corrupt-file' });
  });
});
