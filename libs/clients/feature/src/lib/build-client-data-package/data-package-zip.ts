import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { ZipFile } from 'yazl';

/** One file of the package as the manifest lists it. */
export interface PackageFile {
  readonly path: string;
  readonly sha256: string;
  readonly byteLength: number;
}

/** What a finished zip is: its size and digest, as stored. */
export interface WrittenZip {
  readonly byteLength: number;
  readonly sha256: string;
}

type Chunk = Buffer | string;

/**
 * A zip written as it is filled (yazl), each entry streamed from its source and hashed on the
 * way (SHA-256 and size, for the manifest): no entry and no zip is ever whole in memory. The
 * output is handed to `upload` (the object store's streaming put) as it is produced; entries are
 * written one after the other, so `add` resolves once its entry has gone through.
 */
export class DataPackageZip {
  private readonly zip = new ZipFile();
  private readonly files: PackageFile[] = [];
  private readonly uploaded: Promise<void>;
  private readonly digest = createHash('sha256');
  private byteLength = 0;
  private output!: Transform;

  constructor(
    upload: (zip: Readable) => Promise<void>,
    private readonly mtime: Date,
  ) {
    // Hashes what goes out as it goes, without a second reader of the stream.
    const output = (this.output = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.digest.update(chunk);
        this.byteLength += chunk.length;
        callback(null, chunk);
      },
    }));
    (this.zip.outputStream as Readable).pipe(output);
    this.uploaded = upload(output);
    // Nobody awaits it until the end; a failure then ends every add at once (below).
    this.uploaded.catch(() => undefined);
  }

  /** Adds `path` from `source`, hashing it as yazl reads it; resolves when the entry is written. */
  async add(path: string, source: AsyncIterable<Chunk> | Iterable<Chunk>, options: { compress?: boolean } = {}): Promise<void> {
    const hash = createHash('sha256');
    let byteLength = 0;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    async function* hashing(): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        hash.update(bytes);
        byteLength += bytes.length;
        yield bytes;
      }
      finished();
    }
    const input = Readable.from(hashing(), { objectMode: false });
    const failed = new Promise<never>((_, reject) => input.once('error', reject));
    this.zip.addReadStream(input, path, { mtime: this.mtime, compress: options.compress ?? true });
    await Promise.race([done, failed, this.uploaded.then(() => Promise.reject(new Error('the upload ended before the zip did')))]);
    this.files.push({ path, sha256: hash.digest('hex'), byteLength });
  }

  /** The files added so far (the manifest's list). */
  get written(): readonly PackageFile[] {
    return this.files;
  }

  /**
   * Gives up: the upload is ended where it stands, so the store holds a truncated object (or an
   * incomplete upload) the caller removes. Ended rather than destroyed: the MinIO client waits for
   * the end of the stream it reads and never hears of an error on it.
   */
  async abort(): Promise<void> {
    (this.zip.outputStream as Readable).unpipe(this.output);
    this.output.end();
    await this.uploaded.catch(() => undefined);
  }

  /** Ends the zip and waits for the upload: the stored zip's size and digest. */
  async finish(): Promise<WrittenZip> {
    this.zip.end();
    await this.uploaded;
    return { byteLength: this.byteLength, sha256: this.digest.digest('hex') };
  }
}
