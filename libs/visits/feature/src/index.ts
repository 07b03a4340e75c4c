export * from './lib/publishing/visit-integration-events';
