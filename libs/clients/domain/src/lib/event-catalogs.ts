import { EventCatalog } from '@salon/shared/ddd';
import { ClientEvent } from './client';
import { PhoneReservationEvent } from './phone-reservation';

/** What a profile holds about the person. Line type and SMS capability say nothing about them. */
const PERSONAL_PROFILE_FIELDS = [
  'phone',
  'secondPhone',
  'email',
  'firstName',
  'lastName',
  'patronymic',
  'birthDate',
  'gender',
  'comment',
] as const;

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
};

/** Reservation events hold no personal data: the phone is only in the stream name, keyed-hashed (HMAC). */
export const phoneReservationEventCatalog: EventCatalog<PhoneReservationEvent> = {
  PhoneReserved: { schemaVersion: 1 },
  PhoneReleased: { schemaVersion: 1 },
};
