export * from './lib/topics';
export * from './lib/clients';
export * from './lib/visits';
export * from './lib/consent';
export * from './lib/media';
