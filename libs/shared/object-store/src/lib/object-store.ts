import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { Client } from 'minio';
import type { Readable } from 'node:stream';

/** Where one bucket lives and how it behaves. */
export interface ObjectStoreSettings {
  /** e.g. http://127.0.0.1:9000 (MINIO_ENDPOINT). */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** One bucket per use and environment, created at start when missing. */
  readonly bucket: string;
  /** Whether the bucket keeps object versions (removal then removes them all). */
  readonly versioning: boolean;
  /**
   * The part size of a multipart upload: a stream of unknown length is buffered one part at a
   * time, so this bounds the memory of an upload (S3's minimum, 5 MiB, up to 5 GiB). Default 8 MiB.
   */
  readonly partSizeBytes?: number;
  /** What the 503 tells the caller the store is ("the photo store"); default "the file store". */
  readonly storeName?: string;
}

/** An object version (or delete marker) as the bucket lists it. */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId?: string;
  readonly isDeleteMarker: boolean;
}

/** What `stat` tells of a stored object. */
export interface StoredObjectInfo {
  readonly size: number;
  readonly contentType?: string;
  readonly etag: string;
  readonly lastModified: Date;
  readonly versionId?: string;
}

export interface PutObjectOptions {
  readonly contentType: string;
  /** Stored with the object, so every way of fetching it gets it (e.g. `attachment`). */
  readonly contentDisposition?: string;
  /** The length when known; a stream of unknown length is uploaded part by part. */
  readonly size?: number;
}

export interface LinkOptions {
  /** How long the link works, in seconds (S3 allows up to 7 days). */
  readonly lifetimeSeconds: number;
  /** Makes the browser save the object under this name, never show it (response Content-Disposition). */
  readonly download?: { readonly fileName: string };
  /** Overrides the Content-Type the link answers with. */
  readonly contentType?: string;
}

/** How many keys one DeleteObjects request takes (the S3 limit). */
const DELETE_BATCH = 1000;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * The object store did not answer (down, unreachable, the bucket gone): a 503 for the caller,
 * never a 500, since nothing was decided and the request can be sent again. Policies retry it.
 */
export class ObjectStoreUnavailableError extends ServiceUnavailableException {
  constructor(storeName: string) {
    super({
      statusCode: 503,
      error: 'object-store-unavailable',
      message: `${storeName[0].toUpperCase()}${storeName.slice(1)} cannot be reached right now; nothing was changed. Try again in a moment.`,
    });
  }
}

/**
 * One bucket in MinIO (or any S3): stores and reads objects (buffers or streams), lists and
 * removes every version under a prefix, and signs short-lived download links. The repository's
 * only adapter to the object store; every context that keeps files uses it.
 */
export class ObjectStore {
  private readonly logger = new Logger(ObjectStore.name);
  private readonly client: Client;
  readonly bucket: string;
  private readonly storeName: string;

  constructor(private readonly settings: ObjectStoreSettings) {
    const endpoint = new URL(settings.endpoint);
    const useSSL = endpoint.protocol === 'https:';
    this.client = new Client({
      endPoint: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      partSize: settings.partSizeBytes ?? DEFAULT_PART_SIZE,
    });
    this.bucket = settings.bucket;
    this.storeName = settings.storeName ?? 'the file store';
  }

  /** Creates the bucket when it is missing and sets its versioning as configured. Idempotent. */
  async ensureBucket(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket);
      } catch (error) {
        // Another instance made it meanwhile.
        if ((error as { code?: string }).code !== 'BucketAlreadyOwnedByYou') throw error;
      }
    }
    // Once enabled, S3 versioning can only be suspended: "off" on a versioned bucket suspends it.
    const { versioning } = this.settings;
    const enabled = (await this.client.getBucketVersioning(this.bucket))?.Status === 'Enabled';
    if (versioning !== enabled) await this.client.setBucketVersioning(this.bucket, { Status: versioning ? 'Enabled' : 'Suspended' });
  }

  /** Whether the store answers and the bucket is there (readiness). */
  async check(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) throw new Error(`the bucket ${this.bucket} does not exist`);
  }

  /**
   * Stores `body` under `key`. A stream is uploaded as it is read (one part buffered at a time),
   * so an object larger than memory can be written; the upload fails if the stream fails.
   */
  async put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<void> {
    const size = Buffer.isBuffer(body) ? body.length : options.size;
    await this.reach('store an object', () =>
      this.client.putObject(this.bucket, key, body, size, {
        'Content-Type': options.contentType,
        ...(options.contentDisposition ? { 'Content-Disposition': options.contentDisposition } : {}),
      }),
    );
  }

  /**
   * Removes what an interrupted streaming `put` left under `key`: the parts of its multipart
   * upload, which are no object (no listing shows them) but hold the bytes sent so far.
   */
  async removeIncompleteUpload(key: string): Promise<void> {
    try {
      await this.client.removeIncompleteUpload(this.bucket, key);
    } catch (error) {
      // None there (it completed, or was never started): nothing to remove.
      if ((error as { code?: string }).code === 'NoSuchUpload') return;
      throw this.unavailable('remove an incomplete upload', error);
    }
  }

  /** The object's bytes as a stream (the current version). */
  get(key: string): Promise<Readable> {
    return this.reach('read an object', () => this.client.getObject(this.bucket, key));
  }

  /** Size, type and version of the object; undefined when there is none under `key`. */
  async stat(key: string): Promise<StoredObjectInfo | undefined> {
    try {
      const stat = await this.client.statObject(this.bucket, key);
      const contentType = stat.metaData?.['content-type'] as string | undefined;
      return { size: stat.size, etag: stat.etag, lastModified: stat.lastModified, versionId: stat.versionId ?? undefined, ...(contentType ? { contentType } : {}) };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'NotFound' || code === 'NoSuchKey') return undefined;
      throw this.unavailable('stat an object', error);
    }
  }

  /** A link to `key` that works for `lifetimeSeconds`; `download` makes the browser save it. */
  async link(key: string, options: LinkOptions): Promise<{ url: string; expiresAt: Date }> {
    const requestedAt = new Date();
    const headers: Record<string, string> = {};
    // Quotes and backslashes would end the quoted file name early; names here are made of ids.
    if (options.download) headers['response-content-disposition'] = `attachment; filename="${options.download.fileName.replace(/["\\]/g, '_')}"`;
    if (options.contentType) headers['response-content-type'] = options.contentType;
    const url = await this.reach('sign a link', () => this.client.presignedGetObject(this.bucket, key, options.lifetimeSeconds, headers, requestedAt));
    return { url, expiresAt: new Date(requestedAt.getTime() + options.lifetimeSeconds * 1000) };
  }

  /**
   * Every version and delete marker under `prefix` (a versioned bucket keeps them all). A bucket
   * that does not exist holds nothing: buckets made on first use (the data packages') are missing
   * until then, and an erasure's removal must not wait for ever on a bucket nobody wrote to.
   */
  versionsUnder(prefix: string): Promise<ObjectVersion[]> {
    return this.reach('list objects', () => this.listVersions(prefix));
  }

  private async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const versions: ObjectVersion[] = [];
    const stream = this.client.listObjects(this.bucket, prefix, true, { IncludeVersion: true });
    try {
      for await (const item of stream as AsyncIterable<{ name?: string; versionId?: string | null; isDeleteMarker?: boolean }>) {
        if (!item.name) continue;
        versions.push({ key: item.name, versionId: item.versionId ?? undefined, isDeleteMarker: item.isDeleteMarker === true });
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'NoSuchBucket') return [];
      throw error;
    }
    return versions;
  }

  /**
   * Removes every version and delete marker under `prefix`, so nothing of it can be restored.
   * Repeatable: a second call finds nothing. Returns how many entries it removed.
   */
  async removeEverythingUnder(prefix: string): Promise<number> {
    const versions = await this.versionsUnder(prefix);
    for (let start = 0; start < versions.length; start += DELETE_BATCH) {
      // With its version id ("null" for one stored while versioning was off), an entry is removed
      // for good; without, a versioned bucket would only add a delete marker.
      const batch = versions.slice(start, start + DELETE_BATCH).map(({ key, versionId }) => ({ name: key, ...(versionId ? { versionId } : {}) }));
      const results = await this.reach('remove objects', () => this.client.removeObjects(this.bucket, batch));
      const failed = results.filter((result) => result && 'Error' in result && result.Error);
      if (failed.length > 0) {
        // Keys are ids only, so the log may name the prefix.
        this.logger.error(`could not remove ${failed.length} of ${batch.length} objects under ${prefix}`);
        throw new Error(`the object store refused to remove ${failed.length} objects`);
      }
    }
    return versions.length;
  }

  private async reach<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.unavailable(what, error);
    }
  }

  private unavailable(what: string, error: unknown): ObjectStoreUnavailableError {
    this.logger.error(`object store: could not ${what}: ${(error as Error).message}`);
    return new ObjectStoreUnavailableError(this.storeName);
  }
}
