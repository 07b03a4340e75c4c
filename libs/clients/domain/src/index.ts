export * from './lib/phone';
export * from './lib/client-profile';
export * from './lib/display-name';
export * from './lib/search';
export * from './lib/client';
export * from './lib/phone-reservation';
export * from './lib/event-catalogs';
export * from './lib/client-columns';
