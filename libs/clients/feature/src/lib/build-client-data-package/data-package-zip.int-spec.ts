import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'minio';
import yauzl from 'yauzl';
import { ObjectStore } from '@salon/shared/object-store';
import { minio, uniqueName } from '@salon/shared/testing';
import { DataPackageZip } from './data-package-zip';

/** The package's zip streamed into the local MinIO: hashed per entry and whole, and an interrupted one leaves nothing. */
describe('DataPackageZip', () => {
  const server = minio();
  const bucket = uniqueName('package-zip');
  const objects = new ObjectStore({
    endpoint: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    bucket,
    versioning: true,
    partSizeBytes: 5 * 1024 * 1024,
  });
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const mtime = new Date('2025-06-15T10:00:00.000Z');

  beforeAll(() => objects.ensureBucket());
  afterAll(async () => {
    await objects.removeEverythingUnder('');
    await new Client(server).removeBucket(bucket);
  });

  async function* chunks(count: number, size: number, failAt?: number): AsyncGenerator<Buffer> {
    for (let index = 0; index < count; index++) {
      if (index === failAt) throw new Error('the visits service went away');
      yield randomBytes(size);
    }
  }

  it('writes entries as they come, each hashed for the manifest, and the whole zip hashed as stored', async () => {
    const zip = new DataPackageZip((stream) => objects.put('a/package.zip', stream, { contentType: 'application/zip' }), mtime);
    await zip.add('one.json', ['{"a":', '1}\n']);
    // 12 MiB of incompressible bytes: more than two upload parts.
    await zip.add('photos/big.bin', chunks(192, 64 * 1024), { compress: false });
    const stored = await zip.finish();

    const bytes = Buffer.concat(await (await objects.get('a/package.zip')).toArray());
    expect({ byteLength: bytes.length, sha256: sha256(bytes) }).toEqual(stored);
    const entries = await new Promise<Map<string, Buffer>>((resolve, reject) =>
      yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) => {
        if (error || !file) return reject(error);
        const found = new Map<string, Buffer>();
        file.on('entry', (entry: yauzl.Entry) =>
          file.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) return reject(streamError);
            stream.toArray().then((parts) => {
              found.set(entry.fileName, Buffer.concat(parts));
              file.readEntry();
            }, reject);
          }),
        );
        file.on('end', () => resolve(found));
        file.readEntry();
      }),
    );
    expect(zip.written.map(({ path }) => path)).toEqual(['one.json', 'photos/big.bin']);
    for (const file of zip.written) expect({ ...file }).toEqual({ path: file.path, sha256: sha256(entries.get(file.path)!), byteLength: entries.get(file.path)!.length });
  });

  it('fails the entry whose source fails; aborted, it leaves no object and no upload part behind', async () => {
    const zip = new DataPackageZip((stream) => objects.put('b/package.zip', stream, { contentType: 'application/zip' }), mtime);
    // Fails after 8 MiB: at least one part of the multipart upload was sent.
    await expect(zip.add('visits.json', chunks(200, 64 * 1024, 128))).rejects.toThrow('the visits service went away');
    await zip.abort();
    await objects.removeEverythingUnder('b/package.zip');
    await objects.removeIncompleteUpload('b/package.zip');

    expect(await objects.versionsUnder('b/')).toEqual([]);
    const incomplete = await new Client(server).listIncompleteUploads(bucket, 'b/', true).toArray();
    expect(incomplete).toEqual([]);
  });
});
