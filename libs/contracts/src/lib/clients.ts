/**
 * Integration events of the clients context, on `clients.client-events.v1` (key = client id).
 * The message value is the event's data as JSON; the `event-type` header names which one of
 * these it is. Headers also carry the event id, schema version, tenant, correlation/causation
 * ids and the stream revision (see HEADERS).
 *
 * Personal fields never travel in clear: they are inside `pii`, encrypted with the client's
 * data key (AES-256-GCM). Consumers that need them decrypt through the key store; once the
 * client is erased the key is gone and they read as erased.
 */

/** Encrypted personal fields. Bytes are base64; `subject` is the client id. */
export interface PiiEnvelopeV1 {
  readonly v: 1;
  readonly subject: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/** 'fixed-line' numbers cannot receive SMS; the consent context refuses SMS for them. */
export type PhoneLineTypeV1 = 'mobile' | 'fixed-line' | 'fixed-line-or-mobile' | 'voip' | 'other' | 'unknown';

/**
 * The clear part of a profile. Inside `pii`: phone, secondPhone, email, firstName, lastName,
 * patronymic, birthDate (YYYY-MM-DD), gender, comment.
 */
export interface ClientProfileV1 {
  readonly clientId: string;
  readonly phoneLineType: PhoneLineTypeV1;
  readonly smsCapable: boolean;
  readonly secondPhoneLineType?: PhoneLineTypeV1;
  readonly pii?: PiiEnvelopeV1;
}

export interface ClientEventsV1 {
  /** `initialConsent`: the consent boxes of the registration form; absent = the consent default. */
  ClientRegistered: ClientProfileV1 & {
    readonly registeredAt: string;
    readonly initialConsent: { readonly notifications?: boolean; readonly remindersBySms?: boolean; readonly remindersByEmail?: boolean };
  };
  /** The whole profile after an explicit save; a personal field absent from `pii` was cleared. */
  ClientProfileEdited: ClientProfileV1 & { readonly editedAt: string };
  ClientDiscountsSet: {
    readonly clientId: string;
    readonly productDiscountPercent: number;
    readonly serviceDiscountPercent: number;
    readonly setAt: string;
  };
  /** Inside `pii`: photoRef (the object key in the media store). */
  ClientPhotoSet: { readonly clientId: string; readonly setAt: string; readonly pii?: PiiEnvelopeV1 };
  ClientPhotoRemoved: { readonly clientId: string; readonly removedAt: string };
  /**
   * The clients context has learnt of a visit (any status) and will refuse hard deletion. Mostly
   * of use to read models that track the client stream's revision (the profile ETag).
   */
  ClientVisitNoted: { readonly clientId: string; readonly visitId: string; readonly notedAt: string };
  /** Hard deletion of a client without visits. Consumers delete everything they hold about it. */
  ClientDeleted: { readonly clientId: string; readonly deletedAt: string };
  /**
   * GDPR erasure: consumers drop every personal value; visits and amounts stay, shown as
   * "Archived client <archivedNumber>" (numbered per chain).
   */
  ClientErased: { readonly clientId: string; readonly archivedNumber: number; readonly erasedAt: string };
}

export type ClientEventTypeV1 = keyof ClientEventsV1;
export const CLIENT_EVENT_TYPES_V1: readonly ClientEventTypeV1[] = [
  'ClientRegistered',
  'ClientProfileEdited',
  'ClientDiscountsSet',
  'ClientPhotoSet',
  'ClientPhotoRemoved',
  'ClientVisitNoted',
  'ClientDeleted',
  'ClientErased',
];

export type ClientIntegrationEventV1 = {
  [Type in ClientEventTypeV1]: { readonly type: Type; readonly data: ClientEventsV1[Type] };
}[ClientEventTypeV1];
