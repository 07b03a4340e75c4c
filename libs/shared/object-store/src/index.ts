export { ObjectStore, ObjectStoreUnavailableError } from './lib/object-store';
export type { ObjectStoreSettings, ObjectVersion, StoredObjectInfo, PutObjectOptions, LinkOptions } from './lib/object-store';
