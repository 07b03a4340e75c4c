export * from './lib/consent-feature.module';
export { ClientEventsPolicy } from './lib/publishing/client-events-policy';
export { CONSENT_STREAM_PREFIXES, consentMessages, toConsentEventV1, toConsentStateV1 } from './lib/publishing/consent-integration-events';
export { ConsentCommands } from './lib/write/consent-commands.service';
export type { ConsentChange, ConsentHistoryEntry, ConsentWriteResult } from './lib/write/consent-commands.service';
