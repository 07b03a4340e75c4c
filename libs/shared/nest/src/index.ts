export * from './lib/bootstrap';
export * from './lib/config';
export * from './lib/error-filter';
export * from './lib/health';
export * from './lib/json-logger';
export * from './lib/request-context';
export * from './lib/validation';
export * from './lib/infrastructure';
