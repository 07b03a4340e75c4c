export * from './lib/command-handler';
export * from './lib/event-codec';
