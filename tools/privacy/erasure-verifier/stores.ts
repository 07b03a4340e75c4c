import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import mongoose from 'mongoose';
import * as yauzl from 'yauzl';
import { BytePatterns, Hits, addHits } from './byte-patterns';

/** One line of the verifier's table: a store, what was scanned in it, and what was found. */
export interface StoreScan {
  readonly store: string;
  /** What was scanned, e.g. "3 files, 1.2 MB" or "412 documents in 37 collections". */
  readonly scanned: string;
  readonly hits: Hits;
  /** Why nothing was scanned (the file or server is not there); a skipped store is not a pass. */
  readonly missing?: string;
}

/** The raw bytes of files: the SQLite event store with its WAL and SHM, the H2 file, logs. */
export async function scanFiles(store: string, files: readonly string[], patterns: BytePatterns): Promise<StoreScan> {
  const present = files.filter((file) => existsSync(file) && statSync(file).isFile());
  if (present.length === 0) return { store, scanned: '0 files', hits: new Map(), missing: `none of ${files.length} file(s) exists` };
  const hits: Hits = new Map();
  let bytes = 0;
  for (const file of present) bytes += (await patterns.countInFile(file, hits)).bytes;
  return { store, scanned: `${present.length} files, ${formatBytes(bytes)}`, hits };
}

/**
 * Every file under a directory, at any depth (Kafka's partitions, MinIO's data dir, the logs);
 * `includeTop` picks the entries of the directory itself (a test's own topics' partitions).
 */
export async function scanDirectory(
  store: string,
  directory: string,
  patterns: BytePatterns,
  includeTop: (name: string) => boolean = () => true,
): Promise<StoreScan> {
  if (!existsSync(directory)) return { store, scanned: '0 files', hits: new Map(), missing: `${directory} does not exist` };
  const files = filesUnder(directory, includeTop);
  const hits: Hits = new Map();
  let bytes = 0;
  let scanned = 0;
  for (const file of files) {
    // A segment may be deleted (retention, a test removing its topics) while we walk.
    const result = await patterns.countInFile(file, hits).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (result) {
      bytes += result.bytes;
      scanned += 1;
    }
  }
  return { store, scanned: `${scanned} files, ${formatBytes(bytes)}`, hits };
}

function filesUnder(directory: string, includeTop: (name: string) => boolean): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile
    }
    for (const entry of entries) {
      if (dir === directory && !includeTop(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(directory);
  return files;
}

/**
 * Every document of every collection of every database, as the server hands it out (raw BSON,
 * where strings are UTF-8): read models, their versions kept after a rebuild, key bindings,
 * checkpoints, dead letters, whatever a context wrote.
 */
export async function scanMongo(url: string, patterns: BytePatterns): Promise<StoreScan> {
  const store = 'MongoDB (every database, every collection)';
  let connection: mongoose.Connection;
  try {
    connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  } catch {
    return { store, scanned: '0 documents', hits: new Map(), missing: 'the server does not answer' };
  }
  try {
    const client = connection.getClient();
    const { databases } = await client.db('admin').admin().listDatabases();
    const hits: Hits = new Map();
    let documents = 0;
    let collections = 0;
    for (const { name } of databases) {
      const database = client.db(name);
      for (const { name: collection } of await database.listCollections({}, { nameOnly: true }).toArray()) {
        collections += 1;
        for await (const raw of database.collection(collection).find({}, { raw: true })) {
          documents += 1;
          patterns.count(raw as unknown as Buffer, hits);
        }
      }
    }
    return { store, scanned: `${documents} documents in ${collections} collections of ${databases.length} databases`, hits };
  } finally {
    await connection.close();
  }
}

export interface ObjectStoreSettings {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  /** The buckets to scan; every bucket when absent. */
  readonly buckets?: readonly string[];
}

/**
 * Every object and every version of it (the photo bucket is versioned), read through the S3 API;
 * a zip (a data package) is scanned entry by entry, uncompressed. An object or version whose name
 * holds the client's id counts as a hit of kind `object-of-client`: the photos and packages of an
 * erased client must be gone, whatever bytes they hold.
 */
export async function scanObjectStore(settings: ObjectStoreSettings, patterns: BytePatterns, clientId?: string): Promise<StoreScan> {
  const store = 'MinIO (every object version, S3 API)';
  const { buckets: only, ...connection } = settings;
  const client = new Client(connection);
  let buckets: string[];
  try {
    buckets = only ? [...only] : (await client.listBuckets()).map((bucket) => bucket.name);
  } catch {
    return { store, scanned: '0 objects', hits: new Map(), missing: 'the server does not answer' };
  }
  const hits: Hits = new Map();
  let versions = 0;
  let bytes = 0;
  for (const bucket of buckets) {
    if (!(await client.bucketExists(bucket))) continue;
    const listing = client.listObjects(bucket, '', true, { IncludeVersion: true }) as AsyncIterable<{
      name?: string;
      versionId?: string | null;
      isDeleteMarker?: boolean;
    }>;
    for await (const item of listing) {
      if (!item.name) continue;
      versions += 1;
      if (clientId && item.name.includes(clientId) && !item.isDeleteMarker) hits.set('object-of-client', (hits.get('object-of-client') ?? 0) + 1);
      if (item.isDeleteMarker) continue;
      const options = item.versionId && item.versionId !== 'null' ? { versionId: item.versionId } : {};
      const content = await readAll(await client.getObject(bucket, item.name, options));
      bytes += content.length;
      addHits(hits, await countInObject(content, patterns));
    }
  }
  return { store, scanned: `${versions} object versions in ${buckets.length} buckets, ${formatBytes(bytes)}`, hits };
}

async function countInObject(content: Buffer, patterns: BytePatterns): Promise<Hits> {
  const hits = patterns.count(content);
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) addHits(hits, await countInZipEntries(content, patterns));
  return hits;
}

/** The uncompressed entries of a zip; a zip that does not open is left to the raw scan. */
function countInZipEntries(content: Buffer, patterns: BytePatterns): Promise<Hits> {
  return new Promise((resolve) => {
    const hits: Hits = new Map();
    yauzl.fromBuffer(content, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return resolve(hits);
      zip.on('error', () => resolve(hits));
      zip.on('end', () => resolve(hits));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return zip.readEntry();
          readAll(stream)
            .then((bytes) => patterns.count(bytes, hits))
            .catch(() => undefined)
            .finally(() => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
