export * from './lib/helpers';
export * from './lib/server-addresses';
