export * from './lib/relay/visit-integration-events';
export * from './lib/visits-feature.module';
export * from './lib/visit-list';
export * from './lib/bi';
