import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf16Bom } from '../detect-sheet-format';
import { SpreadsheetError } from '../sheet';

/** What a csv file is written in: Excel saves "CSV UTF-8" with a BOM, plain "CSV" in the Windows code page (1250 in Poland). */
export type CsvEncoding = 'utf-8' | 'windows-1250';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * UTF-8 when every byte of the file decodes as UTF-8 (with or without BOM), else windows-1250.
 * The whole file is checked, in a streaming pass: a Polish letter may first appear on row
 * 90,000, and guessing from the head would garble it.
 */
export async function sniffCsvEncoding(path: string): Promise<CsvEncoding> {
  const head = await readHead(path, 4096);
  // UTF-16 without a BOM (and binary files) are full of NUL bytes, which text in UTF-8 or windows-1250 never holds.
  if (isUtf16Bom(head) || head.includes(0)) {
    throw new SpreadsheetError('unsupported-encoding', 'UTF-16 text (or a binary file) is not supported: save the csv as UTF-8');
  }
  if (head.subarray(0, 3).equals(UTF8_BOM)) return 'utf-8';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    if (!decodes(() => decoder.decode(chunk as Buffer, { stream: true }))) return 'windows-1250';
  }
  return decodes(() => decoder.decode()) ? 'utf-8' : 'windows-1250';
}

/** A fatal TextDecoder throws on the first byte that is not UTF-8 (ERR_ENCODING_INVALID_ENCODED_DATA). */
function decodes(decode: () => string): boolean {
  try {
    decode();
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return false;
    throw error;
  }
}

export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
