export * from './lib/helpers';
export * from './lib/server-addresses';
export * from './lib/service-env';
export * from './lib/collection-hash';
export * from './lib/environment-cleanup';
export * from './lib/clock';
export * from './lib/http-refusals';
export * from './lib/service-process';
