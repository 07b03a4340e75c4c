import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { minio, uniqueName } from '@salon/shared/testing';
import { ObjectStore, ObjectStoreUnavailableError } from './object-store';

/** The adapter against the local MinIO, in a versioned bucket of the test's own. */
describe('ObjectStore', () => {
  const server = minio();
  const bucket = uniqueName('object-store-test');
  const store = new ObjectStore({
    endpoint: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    bucket,
    versioning: true,
    partSizeBytes: 5 * 1024 * 1024,
  });

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  async function bytesOf(stream: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  beforeAll(async () => {
    await store.ensureBucket();
    // Twice: another instance may have made it meanwhile.
    await store.ensureBucket();
  });

  afterAll(async () => {
    const client = new Client(server);
    await store.removeEverythingUnder('');
    await client.removeBucket(bucket);
  });

  it('uploads a stream of unknown length part by part and reads it back, with its stat', async () => {
    // 12 MiB in 64 KiB chunks: three parts of 5 MiB, never one buffer of the whole.
    const chunks = Array.from({ length: 192 }, () => randomBytes(64 * 1024));
    const whole = Buffer.concat(chunks);
    await store.put('tenant/t/a/big.bin', Readable.from(chunks), { contentType: 'application/zip' });

    const info = await store.stat('tenant/t/a/big.bin');
    expect(info).toMatchObject({ size: whole.length, contentType: 'application/zip' });
    expect(info?.versionId).toEqual(expect.any(String));
    expect(sha256(await bytesOf(await store.get('tenant/t/a/big.bin')))).toBe(sha256(whole));
    expect(await store.stat('tenant/t/a/missing.bin')).toBeUndefined();
  });

  it('signs a link that downloads the object under the given name and expires as asked', async () => {
    await store.put('tenant/t/b/report.json', Buffer.from('{"ok":true}'), { contentType: 'application/json' });
    const before = Date.now();
    const { url, expiresAt } = await store.link('tenant/t/b/report.json', { lifetimeSeconds: 120, download: { fileName: 'report "1".json' } });
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(before + 120_000 - 1000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report _1_.json"');
    expect(await response.text()).toBe('{"ok":true}');
  });

  it('removes every version and delete marker under a prefix, and only there', async () => {
    await store.put('tenant/t/c/x.txt', Buffer.from('one'), { contentType: 'text/plain' });
    await store.put('tenant/t/c/x.txt', Buffer.from('two'), { contentType: 'text/plain' });
    await new Client(server).removeObject(bucket, 'tenant/t/c/x.txt'); // a delete marker
    await store.put('tenant/t/d/y.txt', Buffer.from('kept'), { contentType: 'text/plain' });

    const versions = await store.versionsUnder('tenant/t/c/');
    expect(versions).toHaveLength(3);
    expect(versions.filter((version) => version.isDeleteMarker)).toHaveLength(1);

    expect(await store.removeEverythingUnder('tenant/t/c/')).toBe(3);
    expect(await store.versionsUnder('tenant/t/c/')).toEqual([]);
    expect(await store.removeEverythingUnder('tenant/t/c/')).toBe(0);
    expect(await store.versionsUnder('tenant/t/d/')).toHaveLength(1);
  });

  it('finds nothing under any prefix of a bucket that was never made, so removing from it is done at once', async () => {
    const missing = new ObjectStore({ endpoint: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`, accessKey: server.accessKey, secretKey: server.secretKey, bucket: uniqueName('never-made'), versioning: true });
    expect(await missing.versionsUnder('tenant/t/')).toEqual([]);
    expect(await missing.removeEverythingUnder('tenant/t/')).toBe(0);
  });

  it('answers an unreachable store with ObjectStoreUnavailableError (503 object-store-unavailable), never a 500', async () => {
    // Port 1 on loopback: nothing listens there.
    const unreachable = new ObjectStore({ endpoint: 'http://127.0.0.1:1', accessKey: 'a', secretKey: 'not-a-real-secret', bucket, versioning: true });
    for (const attempt of [
      () => unreachable.put('k', Buffer.from('x'), { contentType: 'text/plain' }),
      () => unreachable.get('k'),
      () => unreachable.stat('k'),
      () => unreachable.versionsUnder(''),
      () => unreachable.removeEverythingUnder(''),
    ]) {
      const error = await attempt().then(() => undefined, (reason: unknown) => reason);
      expect(error).toBeInstanceOf(ObjectStoreUnavailableError);
      expect((error as ObjectStoreUnavailableError).getStatus()).toBe(503);
      expect((error as ObjectStoreUnavailableError).getResponse()).toMatchObject({ statusCode: 503, error: 'object-store-unavailable' });
    }
  });
});
