import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { createSheetWriter } from '../create-sheet-writer';
import { calendarDate } from '../sheet';
import { collectingStream, readAll, temporaryDirectory } from '../../test/sheet-test-support';

describe('writing csv', () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.remove());

  it('writes UTF-8 with BOM, ",", CRLF, ISO dates, TRUE/FALSE, quotes where needed and neutralised formulas', async () => {
    const out = collectingStream();
    const writer = createSheetWriter('csv', out.stream);

    await writer.writeRow(['Imię', 'Data urodzenia', 'Zgoda', 'Rabat', 'Uwagi']);
    await writer.writeRow(['Żaneta', calendarDate(1990, 5, 12), true, 12.5, 'dwie\nlinie, "cytat"']);
    await writer.writeRow(['=HYPERLINK("http://x")', null, false, -3, '+48 600']);
    await writer.end();

    expect(out.bytes().toString('utf8')).toBe(
      '\ufeffImię,Data urodzenia,Zgoda,Rabat,Uwagi\r\n' +
        'Żaneta,1990-05-12,TRUE,12.5,"dwie\nlinie, ""cytat"""\r\n' +
        `"'=HYPERLINK(""http://x"")",,FALSE,-3,'+48 600\r\n`,
    );
  });

  it('round-trips through the reader (cells come back as text)', async () => {
    const path = join(directory.path, 'round-trip.csv');
    const writer = createSheetWriter('csv', createWriteStream(path));
    await writer.writeRow(['Imię', 'Uwagi']);
    await writer.writeRow(['Łucja', 'a;b\nc  d']);
    await writer.end();

    expect(await readAll(path, 'csv')).toEqual([
      { number: 1, cells: ['Imię', 'Uwagi'] },
      { number: 2, cells: ['Łucja', 'a;b\nc  d'] },
    ]);
  });
});
