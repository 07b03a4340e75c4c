export * from './lib/consent-permissions';
export * from './lib/consent-commands';
export * from './lib/consent-events';
export type { MarketingConsentEvidence } from './lib/marketing-consent-evidence';
export * from './lib/consent';
export * from './lib/contact-permission';
export * from './lib/event-catalog';
