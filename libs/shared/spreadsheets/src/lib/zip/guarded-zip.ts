import { Transform, type Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { checkFileSize } from '../file-size';
import { SpreadsheetError, type ReadLimits } from '../sheet';

/** More entries than any spreadsheet has (a workbook with images and many sheets has dozens): a central directory built to exhaust memory. */
const MAX_ENTRIES = 10_000;
/** Real sheets deflate 5–20:1; a zero-filled bomb deflates ~1000:1. Small entries are exempt (a 2 KiB XML of repeated markup may reach 100:1). */
const MAX_COMPRESSION_RATIO = 100;
const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;

/**
 * A zip opened for reading untrusted spreadsheets: before anything is inflated, the central
 * directory is read and the archive is refused when its declared sizes exceed the limits or an
 * entry compresses absurdly well; while inflating, the bytes are counted against the same budget
 * (declared sizes can lie, and yauzl also refuses an entry that inflates to another size than declared).
 */
export class GuardedZip {
  private inflatedBudget: number;

  private constructor(
    private readonly zip: ZipFile,
    readonly entries: ReadonlyMap<string, Entry>,
    limits: ReadLimits,
  ) {
    this.inflatedBudget = limits.maxUncompressedBytes;
  }

  static async open(path: string, limits: ReadLimits): Promise<GuardedZip> {
    await checkFileSize(path, limits);
    let zip: ZipFile;
    try {
      zip = await openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
    } catch (error) {
      throw new SpreadsheetError('corrupt-file', 'the file is not a readable zip archive', { cause: error });
    }
    try {
      return new GuardedZip(zip, await readCentralDirectory(zip, limits), limits);
    } catch (error) {
      zip.close();
      throw asCorrupt(error, 'the zip archive has a damaged directory');
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The inflated bytes of an entry, counted against the archive's budget; errors are SpreadsheetErrors. */
  async openEntry(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new SpreadsheetError('corrupt-file', `the archive has no ${name}`);
    let inflated: Readable;
    try {
      inflated = await this.zip.openReadStreamPromise(entry);
    } catch (error) {
      throw asCorrupt(error, `${name} cannot be read from the archive`);
    }
    const counted = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.inflatedBudget -= chunk.length;
        if (this.inflatedBudget < 0) callback(new SpreadsheetError('zip-bomb', 'the archive inflates to more than the allowed size'));
        else callback(null, chunk);
      },
    });
    inflated.on('error', (error) => counted.destroy(inflationError(error, name)));
    counted.on('close', () => inflated.destroy());
    return inflated.pipe(counted);
  }

  close(): void {
    this.zip.close();
  }
}

async function readCentralDirectory(zip: ZipFile, limits: ReadLimits): Promise<Map<string, Entry>> {
  if (zip.entryCount > MAX_ENTRIES) throw new SpreadsheetError('zip-bomb', `the archive has more than ${MAX_ENTRIES} entries`);
  const entries = new Map<string, Entry>();
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    declared += entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      throw new SpreadsheetError('zip-bomb', `the archive declares more than ${limits.maxUncompressedBytes} uncompressed bytes`);
    }
    if (entry.uncompressedSize > RATIO_CHECKED_FROM_BYTES && entry.uncompressedSize > MAX_COMPRESSION_RATIO * Math.max(entry.compressedSize, 1)) {
      throw new SpreadsheetError('zip-bomb', `an entry of the archive compresses more than ${MAX_COMPRESSION_RATIO}:1`);
    }
    if (entry.isEncrypted()) throw new SpreadsheetError('unsupported-format', 'the file is password-protected');
    entries.set(entry.fileName, entry);
  }
  return entries;
}

/** yauzl stops an entry that inflates beyond its declared size: a lying directory, refused like a bomb. */
function inflationError(error: Error, name: string): SpreadsheetError {
  if (/too many bytes in the stream/.test(error.message)) {
    return new SpreadsheetError('zip-bomb', `${name} inflates to more than its declared size`, { cause: error });
  }
  return asCorrupt(error, `${name} cannot be inflated`);
}

/** A SpreadsheetError as it is, anything else (yauzl's, zlib's) as corrupt-file. */
export function asCorrupt(error: unknown, message: string): SpreadsheetError {
  return error instanceof SpreadsheetError ? error : new SpreadsheetError('corrupt-file', message, { cause: error });
}
