import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, GENEROUS_LIMITS, readingError, temporaryDirectory, writeZip } from '../../test/sheet-test-support';
import type { SheetFormat } from '../sheet';

const ODS_MIMETYPE = { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', compress: false };
const FORMATS: readonly SheetFormat[] = ['xlsx', 'ods'];

describe('zip archives refused before parsing', () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.remove());
  const file = (name: string) => join(directory.path, name);

  it.each(FORMATS)('%s: refuses a zip bomb (a huge zero-filled entry) by its declared size', async (format) => {
    const path = file(`bomb-size.${format}`);
    await writeZip(path, [ODS_MIMETYPE, { name: 'content.xml', data: Buffer.alloc(64 * 1024 * 1024) }, { name: 'xl/workbook.xml', data: '<x/>' }]);

    expect(await readingError(path, format, { ...GENEROUS_LIMITS, maxUncompressedBytes: 32 * 1024 * 1024 })).toMatchObject({ code: 'zip-bomb' });
  });

  it.each(FORMATS)('%s: refuses an entry that compresses more than 100:1 even within the size budget', async (format) => {
    const path = file(`bomb-ratio.${format}`);
    await writeZip(path, [ODS_MIMETYPE, { name: 'content.xml', data: Buffer.alloc(8 * 1024 * 1024) }, { name: 'xl/workbook.xml', data: '<x/>' }]);

    expect(await readingError(path, format)).toMatchObject({ code: 'zip-bomb' });
  });

  it.each(FORMATS)('%s: refuses an entry that inflates beyond the size its directory declares', async (format) => {
    const path = file(`lying.${format}`);
    const xml = `<?xml version="1.0"?><x>${'<y>abcdefghij</y>'.repeat(10_000)}</x>`;
    await writeZip(path, [ODS_MIMETYPE, { name: 'content.xml', data: xml }, { name: 'xl/workbook.xml', data: xml }]);
    writeFileSync(path, withDeclaredSizes(readFileSync(path), 100));

    expect(await readingError(path, format)).toMatchObject({ code: 'zip-bomb' });
  });

  it.each(FORMATS)('%s: refuses a truncated file as corrupt-file and a file over maxFileBytes as file-too-large', async (format) => {
    const whole = readFileSync(join(FIXTURES, `clients-rich.${format}`));
    const path = file(`truncated.${format}`);
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));

    expect(await readingError(path, format)).toMatchObject({ code: 'corrupt-file' });
    expect(await readingError(join(FIXTURES, `clients-rich.${format}`), format, { ...GENEROUS_LIMITS, maxFileBytes: 1000 })).toMatchObject({
      code: 'file-too-large',
    });
  });

  it.each(FORMATS)('%s: refuses a text file as corrupt-file', async (format) => {
    expect(await readingError(join(FIXTURES, 'clients-rich.csv'), format)).toMatchObject({ code: 'corrupt-file' });
  });
});

/** The archive with every entry's uncompressed size (local header and central directory) overwritten: a zip that lies. */
function withDeclaredSizes(zip: Buffer, size: number): Buffer {
  const patched = Buffer.from(zip);
  for (let offset = 0; offset + 4 <= patched.length; offset++) {
    const signature = patched.readUInt32LE(offset);
    if (signature === 0x04034b50 && patched.readUInt16LE(offset + 8) === 8) patched.writeUInt32LE(size, offset + 22);
    if (signature === 0x02014b50 && patched.readUInt16LE(offset + 10) === 8) patched.writeUInt32LE(size, offset + 24);
  }
  return patched;
}
