import { consentEventCatalog } from './event-catalog';

const CONSENT_EVENT_TYPES = [
  'RegistrationConsentApplied',
  'ConsentGranted',
  'MarketingConsentGranted',
  'ConsentWithdrawn',
  'AllMarketingConsentWithdrawn',
  'SmsCapabilityChanged',
  'SmsConsentSwitchedOff',
  'ConsentClosed',
];

describe('consentEventCatalog', () => {
  it('knows every consent event, at schema version 1', () => {
    expect(Object.keys(consentEventCatalog).sort()).toEqual([...CONSENT_EVENT_TYPES].sort());
    for (const definition of Object.values(consentEventCatalog)) expect(definition.schemaVersion).toBe(1);
  });

  it('declares no personal field: consent events hold ids, switches, dates and references only', () => {
    for (const definition of Object.values(consentEventCatalog)) expect(definition.personalFields ?? []).toEqual([]);
  });
});
