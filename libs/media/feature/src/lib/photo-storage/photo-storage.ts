import { ObjectStore } from '@salon/shared/object-store';
import type { ObjectVersion } from '@salon/shared/object-store';
import type { PhotoStorageSettings } from '../media-settings';

export type { ObjectVersion } from '@salon/shared/object-store';

/** One object to store: its key, bytes and content type. */
export interface PhotoObject {
  readonly key: string;
  readonly bytes: Buffer;
  readonly contentType: string;
  /** Stored with the object, so every way of fetching it gets it (the original: attachment). */
  readonly contentDisposition?: string;
}

/**
 * The photo bucket: the shared object store (@salon/shared/object-store) with media's settings —
 * the bucket, its versioning and the lifetime of a photo link. An unreachable store is a 503
 * `object-store-unavailable` (ObjectStoreUnavailableError).
 */
export class PhotoStorage {
  private readonly store: ObjectStore;
  readonly bucket: string;

  constructor(private readonly settings: PhotoStorageSettings) {
    this.store = new ObjectStore({ ...settings, storeName: 'the photo store' });
    this.bucket = settings.bucket;
  }

  /** Creates the bucket when it is missing and sets its versioning as configured. Idempotent. */
  ensureBucket(): Promise<void> {
    return this.store.ensureBucket();
  }

  /** Whether the store answers and the bucket is there (readiness). */
  check(): Promise<void> {
    return this.store.check();
  }

  async put(objects: readonly PhotoObject[]): Promise<void> {
    await Promise.all(objects.map((object) => this.store.put(object.key, object.bytes, object)));
  }

  /** The object's bytes as a stream. */
  read(key: string) {
    return this.store.get(key);
  }

  /** A link to `key` valid for the configured lifetime; `download` makes the browser save it, never show it. */
  link(key: string, options: { download?: { fileName: string }; contentType?: string } = {}): Promise<{ url: string; expiresAt: Date }> {
    return this.store.link(key, { ...options, lifetimeSeconds: this.settings.urlLifetimeSeconds });
  }

  /** Every version and delete marker under `prefix` (a versioned bucket keeps them all). */
  versionsUnder(prefix: string): Promise<ObjectVersion[]> {
    return this.store.versionsUnder(prefix);
  }

  /**
   * Removes every version and delete marker under `prefix`, so nothing of it can be restored.
   * Repeatable: a second call finds nothing. Returns how many entries it removed.
   */
  removeEverythingUnder(prefix: string): Promise<number> {
    return this.store.removeEverythingUnder(prefix);
  }
}
