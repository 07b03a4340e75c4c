import { AnyEvent } from '@salon/shared/ddd';
import { ClientEvent } from './client';
import { PhoneReservationEvent } from './phone-reservation';

type DataOf<Evt extends AnyEvent, Type extends Evt['type']> = Extract<Evt, { type: Type }>['data'];

/**
 * The shape of `EventCatalog` of @salon/shared/event-sourcing, restated: a domain library may not
 * import a data-access library (module boundaries, type imports included). TypeScript compares
 * shapes, so these catalogs are accepted wherever an `EventCatalog<ClientEvent>` is expected.
 */
export type DomainEventCatalog<Evt extends AnyEvent> = {
  readonly [Type in Evt['type']]: {
    readonly schemaVersion: number;
    readonly personalFields?: readonly (keyof DataOf<Evt, Type> & string)[];
    readonly upcasters?: Readonly<Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>;
  };
};

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
export const clientEventCatalog: DomainEventCatalog<ClientEvent> = {
  ClientRegistered: { schemaVersion: 1, personalFields: PERSONAL_PROFILE_FIELDS },
  ClientProfileEdited: { schemaVersion: 1, personalFields: PERSONAL_PROFILE_FIELDS },
  ClientDiscountsSet: { schemaVersion: 1 },
  ClientVisitNoted: { schemaVersion: 1 },
  ClientDeleted: { schemaVersion: 1 },
  ClientErased: { schemaVersion: 1 },
  ClientPhotoSet: { schemaVersion: 1, personalFields: ['photoRef'] },
  ClientPhotoRemoved: { schemaVersion: 1 },
};

/** Reservation events hold no personal data: the phone is only in the (hashed) stream name. */
export const phoneReservationEventCatalog: DomainEventCatalog<PhoneReservationEvent> = {
  PhoneReserved: { schemaVersion: 1 },
  PhoneReleased: { schemaVersion: 1 },
};
