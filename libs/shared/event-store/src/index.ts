export * from './lib/event-store.port';
export * from './lib/errors';
export * from './lib/sqlite-event-store';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './lib/eventstoredb-event-store';
export * from './lib/metered-event-store';
export * from './lib/trace-context';
