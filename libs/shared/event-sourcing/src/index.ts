export * from './lib/command-handler';
export * from './lib/event-codec';
export * from './lib/state-after-event';
