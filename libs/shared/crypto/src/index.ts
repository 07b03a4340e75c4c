export * from './lib/key-store.port';
export * from './lib/master-key';
export * from './lib/personal-data-cipher';
export { DataKeyUnwrapError, DataKeyWrapper } from './lib/data-key-wrapper';
export type { WrappedDataKey } from './lib/data-key-wrapper';
export { InMemoryKeyStore } from './lib/in-memory-key-store';
export { DATA_KEYS_COLLECTION, MongoKeyStore } from './lib/mongo-key-store';
export type { DataKeyDocument, MongoKeyStoreOptions } from './lib/mongo-key-store';
