import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readSheet } from '../lib/read-sheet';
import type { ReadLimits, SheetFormat, SheetRow } from '../lib/sheet';

export const FIXTURES = join(__dirname, 'fixtures');

export const GENEROUS_LIMITS: ReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 200,
};

export async function readAll(path: string, format: SheetFormat, limits: ReadLimits = GENEROUS_LIMITS): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheet(path, format, limits)) rows.push(row);
  return rows;
}

/** The error reading rejects with (the test fails when reading succeeds). */
export async function readingError(path: string, format: SheetFormat, limits: ReadLimits = GENEROUS_LIMITS): Promise<unknown> {
  try {
    await readAll(path, format, limits);
  } catch (error) {
    return error;
  }
  throw new Error('expected reading to fail');
}

/** A directory of its own per test file, removed afterwards. */
export function temporaryDirectory(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'spreadsheets-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A writable that keeps what it is given, for asserting on a writer's bytes. */
export function collectingStream(): { readonly stream: Writable; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** A zip written by yazl, for archives no spreadsheet program would make (bombs, odd markup). */
export async function writeZip(path: string, entries: readonly { name: string; data: string | Buffer; compress?: boolean }[]): Promise<void> {
  const { ZipFile } = await import('yazl');
  const { createWriteStream } = await import('node:fs');
  const { finished } = await import('node:stream/promises');
  const zip = new ZipFile();
  for (const entry of entries) {
    zip.addBuffer(typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data, entry.name, { compress: entry.compress ?? true });
  }
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await finished(out);
}

/** An ods whose content.xml holds the given table markup, namespaces declared as LibreOffice does. */
export async function writeOds(path: string, tablesXml: string): Promise<void> {
  const content =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
    'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">' +
    `<office:body><office:spreadsheet>${tablesXml}</office:spreadsheet></office:body></office:document-content>`;
  await writeZip(path, [
    { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', compress: false },
    { name: 'content.xml', data: content },
  ]);
}
