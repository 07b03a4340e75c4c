import { EventCatalog } from '@salon/shared/ddd';
import { ClientEvent } from './client';
import { CLIENT_PROFILE_FIELDS, ClientProfile } from './client-profile';
import { PhoneReservationEvent } from './phone-reservation';

/**
 * What a profile holds about the person: every profile field but the three that say nothing about
 * them (line types and SMS capability, published in clear as facts). A field added to the profile
 * is personal, and so encrypted, unless it is named here as clear.
 */
const CLEAR_PROFILE_FIELDS: readonly string[] = ['phoneLineType', 'smsCapable', 'secondPhoneLineType'] satisfies readonly (keyof ClientProfile)[];
const PERSONAL_PROFILE_FIELDS = CLIENT_PROFILE_FIELDS.filter((field) => !CLEAR_PROFILE_FIELDS.includes(field));

/**
 * How client events are stored: personal fields are encrypted with the client's data key, so
 * destroying the key (erasure) removes them from the event store and every copy downstream.
 * ClientErased must stay free of personal fields: it is written as the key is destroyed.
 */
export const clientEventCatalog: EventCatalog<ClientEvent> = {
  ClientRegistered: { schemaVersion: 1, personalFields: PERSONAL_PROFILE_FIELDS },
  ClientProfileEdited: { schemaVersion: 1, personalFields: PERSONAL_PROFILE_FIELDS },
  ClientDiscountsSet: { schemaVersion: 1 },
  ClientVisitNoted: { schemaVersion: 1 },
  ClientDeleted: { schemaVersion: 1 },
  ClientErased: { schemaVersion: 1 },
  ClientPhotoSet: { schemaVersion: 1, personalFields: ['photoRef'] },
  ClientPhotoRemoved: { schemaVersion: 1 },
  // A case reference may name the person: encrypted, and shredded by a later erasure.
  ClientLegalHoldPlaced: { schemaVersion: 1, personalFields: ['reference'] },
  ClientLegalHoldLifted: { schemaVersion: 1 },
};

/** Reservation events hold no personal data: the phone is only in the stream name, keyed-hashed (HMAC). */
export const phoneReservationEventCatalog: EventCatalog<PhoneReservationEvent> = {
  PhoneReserved: { schemaVersion: 1 },
  PhoneReleased: { schemaVersion: 1 },
};
