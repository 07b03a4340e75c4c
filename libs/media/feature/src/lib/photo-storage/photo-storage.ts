import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { Client } from 'minio';
import type { PhotoStorageSettings } from '../media-settings';

/** One object to store: its key, bytes and content type. */
export interface PhotoObject {
  readonly key: string;
  readonly bytes: Buffer;
  readonly contentType: string;
  /** Stored with the object, so every way of fetching it gets it (the original: attachment). */
  readonly contentDisposition?: string;
}

/** An object version (or delete marker) as the bucket lists it. */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId?: string;
  readonly isDeleteMarker: boolean;
}

/** How many keys one DeleteObjects request takes (the S3 limit). */
const DELETE_BATCH = 1000;

/**
 * The photo bucket in MinIO (or any S3): stores objects, lists and removes every version under a
 * prefix, and signs short-lived download links. The only place that talks to the object store.
 */
export class PhotoStorage {
  private readonly logger = new Logger(PhotoStorage.name);
  private readonly client: Client;
  readonly bucket: string;

  constructor(private readonly settings: PhotoStorageSettings) {
    const endpoint = new URL(settings.endpoint);
    const useSSL = endpoint.protocol === 'https:';
    this.client = new Client({
      endPoint: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
    });
    this.bucket = settings.bucket;
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

  async put(objects: readonly PhotoObject[]): Promise<void> {
    await this.reach('store a photo', () => Promise.all(
      objects.map((object) =>
        this.client.putObject(this.bucket, object.key, object.bytes, object.bytes.length, {
          'Content-Type': object.contentType,
          ...(object.contentDisposition ? { 'Content-Disposition': object.contentDisposition } : {}),
        }),
      ),
    ));
  }

  /** A link to `key` valid for the configured lifetime; `download` makes the browser save it, never show it. */
  async link(key: string, options: { download?: { fileName: string }; contentType?: string } = {}): Promise<{ url: string; expiresAt: Date }> {
    const lifetime = this.settings.urlLifetimeSeconds;
    const requestedAt = new Date();
    const headers: Record<string, string> = {};
    if (options.download) headers['response-content-disposition'] = `attachment; filename="${options.download.fileName}"`;
    if (options.contentType) headers['response-content-type'] = options.contentType;
    const url = await this.reach('sign a link', () => this.client.presignedGetObject(this.bucket, key, lifetime, headers, requestedAt));
    return { url, expiresAt: new Date(requestedAt.getTime() + lifetime * 1000) };
  }

  /** Every version and delete marker under `prefix` (a versioned bucket keeps them all). */
  versionsUnder(prefix: string): Promise<ObjectVersion[]> {
    return this.reach('list photo objects', () => this.listVersions(prefix));
  }

  private async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const versions: ObjectVersion[] = [];
    const stream = this.client.listObjects(this.bucket, prefix, true, { IncludeVersion: true });
    for await (const item of stream as AsyncIterable<{ name?: string; versionId?: string | null; isDeleteMarker?: boolean }>) {
      if (!item.name) continue;
      versions.push({ key: item.name, versionId: item.versionId ?? undefined, isDeleteMarker: item.isDeleteMarker === true });
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
      const results = await this.reach('remove photo objects', () => this.client.removeObjects(this.bucket, batch));
      const failed = results.filter((result) => result && 'Error' in result && result.Error);
      if (failed.length > 0) {
        // Keys are ids only, so the error may name them.
        this.logger.error(`could not remove ${failed.length} of ${batch.length} objects under ${prefix}`);
        throw new Error(`the object store refused to remove ${failed.length} objects`);
      }
    }
    return versions.length;
  }

  /**
   * An object store that does not answer (down, unreachable, the bucket gone) is a 503 for the
   * caller, never a 500: nothing was decided, the request can be sent again. Policies retry it.
   */
  private async reach<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.logger.error(`object store: could not ${what}: ${(error as Error).message}`);
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'object-store-unavailable',
        message: 'The photo store cannot be reached right now; nothing was changed. Try again in a moment.',
      });
    }
  }
}
