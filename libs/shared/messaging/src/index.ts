export * from './lib/checkpoint-store';
export * from './lib/event-relay';
export * from './lib/integration-message';
export * from './lib/projection';
export * from './lib/projection-runner';
export * from './lib/read-model-versions';
export * from './lib/rebuild-projection';
export * from './lib/topics-admin';
