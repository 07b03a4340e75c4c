import { CONSENT_EVENT_TYPES_V1 } from '@salon/contracts';
import { consentEventCatalog } from './event-catalog';

// The contract lists the consent events once; the domain records exactly those.
const CONSENT_EVENT_TYPES = CONSENT_EVENT_TYPES_V1;

describe('consentEventCatalog', () => {
  it('knows every consent event, at schema version 1', () => {
    expect(Object.keys(consentEventCatalog).sort()).toEqual([...CONSENT_EVENT_TYPES].sort());
    for (const definition of Object.values(consentEventCatalog)) expect(definition.schemaVersion).toBe(1);
  });

  it('declares no personal field: consent events hold ids, switches, dates and references only', () => {
    for (const definition of Object.values(consentEventCatalog)) expect(definition.personalFields ?? []).toEqual([]);
  });
});
