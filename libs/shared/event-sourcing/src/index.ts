export * from './lib/command-handler';
export * from './lib/event-codec';
export * from './lib/state-after-event';
export * from './lib/conflict-retry';
export * from './lib/per-chain-sequence';
