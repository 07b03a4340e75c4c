export * from './lib/publishing/visit-integration-events';
export * from './lib/visits-feature.module';
