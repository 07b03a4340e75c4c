import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ObjectStore } from '@salon/shared/object-store';
import { ClientImportSettings } from './client-import-settings';

/**
 * Where an uploaded file waits for its job: the object store, so a job survives a restart of the
 * service (and another instance can run it). Keys are made of ids only; the bucket is unversioned,
 * so removing a file removes it for good (it holds personal data).
 */
export class ImportFileStore {
  private readonly store: ObjectStore;
  private bucketReady: Promise<void> | undefined;

  constructor(settings: ClientImportSettings) {
    this.store = new ObjectStore({ ...settings.objectStore, versioning: false, storeName: 'the import file store' });
  }

  keyOf(tenantId: string, jobId: string): string {
    return `client-imports/${tenantId}/${jobId}`;
  }

  async save(key: string, path: string, size: number): Promise<void> {
    await this.ensureBucket();
    await this.store.put(key, createReadStream(path), { contentType: 'application/octet-stream', size });
  }

  async download(key: string, path: string): Promise<void> {
    await this.ensureBucket();
    await pipeline(await this.store.get(key), createWriteStream(path));
  }

  /** Repeatable: a file already gone is no error. */
  async remove(key: string): Promise<void> {
    await this.ensureBucket();
    await this.store.removeEverythingUnder(key);
  }

  private ensureBucket(): Promise<void> {
    this.bucketReady ??= this.store.ensureBucket().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }
}
