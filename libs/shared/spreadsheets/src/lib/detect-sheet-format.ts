import type { SheetFormat } from './sheet';

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

const FORMAT_OF_EXTENSION: Readonly<Record<string, SheetFormat>> = {
  csv: 'csv',
  txt: 'csv',
  tsv: 'csv',
  xlsx: 'xlsx',
  ods: 'ods',
};

/**
 * The format from the bytes (zip + mimetype entry / [Content_Types].xml, else text → csv),
 * agreeing with the file name's extension when given; undefined when unknown. `head` is the
 * start of the file (4 KiB is plenty: both zip formats name their marker entry first).
 */
export function detectSheetFormat(head: Buffer, fileName?: string): SheetFormat | undefined {
  const fromBytes = formatOfBytes(head);
  if (fromBytes === undefined || fileName === undefined) return fromBytes;
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension === undefined) return fromBytes;
  return FORMAT_OF_EXTENSION[extension] === fromBytes ? fromBytes : undefined;
}

function formatOfBytes(head: Buffer): SheetFormat | undefined {
  if (head.length >= 4 && head.subarray(0, 4).equals(ZIP_SIGNATURE)) return formatOfZip(head);
  return looksLikeText(head) ? 'csv' : undefined;
}

function formatOfZip(head: Buffer): SheetFormat | undefined {
  // ODF puts an uncompressed `mimetype` entry first, so its content sits right after the local header.
  if (head.length >= 30) {
    const nameLength = head.readUInt16LE(26);
    const extraLength = head.readUInt16LE(28);
    const name = head.toString('latin1', 30, 30 + nameLength);
    if (name === 'mimetype') {
      const start = 30 + nameLength + extraLength;
      const mimetype = head.toString('latin1', start, start + ODS_MIMETYPE.length);
      return mimetype === ODS_MIMETYPE ? 'ods' : undefined;
    }
  }
  // OOXML: Excel names [Content_Types].xml first; other writers start with the xl/ or _rels/ parts.
  const text = head.toString('latin1');
  return text.includes('[Content_Types].xml') || text.includes('xl/') ? 'xlsx' : undefined;
}

/** Text has no NUL bytes; UTF-16 (which has them) is refused by the csv reader with its own code. */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  if (isUtf16Bom(head)) return true;
  return !head.includes(0);
}

export function isUtf16Bom(head: Buffer): boolean {
  return head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}
