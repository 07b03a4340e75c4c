export * from './lib/consent-permissions';
export * from './lib/consent';
export * from './lib/contact-permission';
export * from './lib/event-catalog';
