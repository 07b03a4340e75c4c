export * from './lib/client-photos';
export * from './lib/photo-keys';
