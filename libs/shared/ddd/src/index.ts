export * from './lib/message';
export * from './lib/decider';
export * from './lib/domain-error';
export * from './lib/decider-specification';
export * from './lib/event-catalog';
export * from './lib/calendar';
export * from './lib/page-size';
