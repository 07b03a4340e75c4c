import { EventCatalog } from '@salon/shared/ddd';
import { ConsentEvent } from './consent-events';

/**
 * How consent events are stored. None has personal fields, on purpose:
 * - they hold no attribute of the person: no phone, e-mail, name or address, only the client id
 *   (an opaque id whose personal data lives, encrypted, in the clients context), yes/no switches,
 *   whether the phone takes SMS (`smsCapable`, `hasEmail`: facts about a number, not the number),
 *   timestamps, and ids of staff members and salons;
 * - the evidence of written consent is a reference (`documentRef`: an archive or document id,
 *   which must never embed the client's name) or the version of the consent text; the signed
 *   document itself, if scanned, lives in a store that deletes it on erasure;
 * - so, once the client's data key is destroyed, the consent history is the history of an
 *   anonymous id, and it stays readable as the proof of what the client had agreed to.
 * A personal field added to an event must be listed here (the spec keeps this list honest).
 */
export const consentEventCatalog: EventCatalog<ConsentEvent> = {
  RegistrationConsentApplied: { schemaVersion: 1 },
  ConsentGranted: { schemaVersion: 1 },
  MarketingConsentGranted: { schemaVersion: 1 },
  ConsentWithdrawn: { schemaVersion: 1 },
  AllMarketingConsentWithdrawn: { schemaVersion: 1 },
  SmsCapabilityChanged: { schemaVersion: 1 },
  SmsConsentSwitchedOff: { schemaVersion: 1 },
  ConsentClosed: { schemaVersion: 1 },
};
