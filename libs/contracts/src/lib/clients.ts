import type { InitialConsentChoicesV1, RegistrationMarketingConsentV1 } from './consent';
import type { IntegrationEventOf } from './topics';

/**
 * Integration events of the clients context, on `clients.client-events.v1` (key = client id).
 * The message value is the event's data as JSON; the `event-type` header names which one of
 * these it is. Headers also carry the event id, schema version, tenant, correlation/causation
 * ids and the stream revision (see HEADERS).
 *
 * Personal fields never travel in clear: they are inside `pii`, encrypted with the client's
 * data key (AES-256-GCM), for the clients context's own read models. Another context never
 * decrypts them: what it needs to know about them travels in clear as facts (ClientContactFactsV1:
 * whether there is an e-mail, the phones' line types, whether SMS reach the phone), never the
 * values. Once the client is erased the key is gone and the envelope reads as erased.
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
export const PHONE_LINE_TYPES_V1 = ['mobile', 'fixed-line', 'fixed-line-or-mobile', 'voip', 'other', 'unknown'] as const;
export type PhoneLineTypeV1 = (typeof PHONE_LINE_TYPES_V1)[number];

/**
 * What other contexts act on about a client's contact details, in clear: facts, never the
 * details themselves (the phone numbers and the e-mail stay inside `pii`).
 */
export interface ClientContactFactsV1 {
  /** The main phone's line type. */
  readonly phoneLineType: PhoneLineTypeV1;
  /** Whether SMS can reach the main phone: false for a landline. */
  readonly smsCapable: boolean;
  /** The second phone's line type; absent when the client has no second phone. */
  readonly secondPhoneLineType?: PhoneLineTypeV1;
  /**
   * Whether the profile has an e-mail address. Added to v1 later: see CLIENT_FIELDS_ADDED_TO_V1
   * for what a consumer does with a message without it.
   */
  readonly hasEmail: boolean;
}

/**
 * The clear part of a profile, with the facts of ClientContactFactsV1. Inside `pii`: phone,
 * secondPhone, email, firstName, lastName, patronymic, birthDate (YYYY-MM-DD), gender, comment.
 */
export interface ClientProfileV1 extends ClientContactFactsV1 {
  readonly clientId: string;
  readonly pii?: PiiEnvelopeV1;
}

export interface ClientEventsV1 {
  /**
   * `initialConsent`: the consent boxes of the registration form, as the front desk ticked them
   * (see InitialConsentChoicesV1); a box left out takes the consent context's default.
   * `marketingConsent` (added in 1.2.0, optional): written marketing consent an imported row
   * brought, with its evidence (RegistrationMarketingConsentV1: references and staff ids, nothing
   * of the person); absent on every registration without it, and on every message before 1.2.0.
   */
  ClientRegistered: ClientProfileV1 & {
    readonly registeredAt: string;
    readonly initialConsent: InitialConsentChoicesV1;
    readonly marketingConsent?: RegistrationMarketingConsentV1;
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
  /**
   * The chain must keep the client's data for a legal claim (GDPR Art. 17(3)(e)): no retention
   * category touches the client and erasure is refused until it is lifted. `reason` is a code
   * (litigation, legal-claim, regulator-inquiry, tax-audit, law-enforcement-request); a case
   * reference, if any, is inside `pii`.
   */
  ClientLegalHoldPlaced: { readonly clientId: string; readonly reason: string; readonly placedAt: string; readonly pii?: PiiEnvelopeV1 };
  ClientLegalHoldLifted: { readonly clientId: string; readonly liftedAt: string };
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
  'ClientLegalHoldPlaced',
  'ClientLegalHoldLifted',
];

export type ClientIntegrationEventV1 = IntegrationEventOf<ClientEventsV1>;

/**
 * Fields added to the v1 messages after messages without them had been published. The topic
 * keeps every message for ever and a new consumer group (or a rebuild) reads it from the
 * beginning, so a consumer meets both kinds: read a message as ClientEventsAsReadV1, where these
 * fields may be absent, and decide what absence means for you.
 *
 * - `hasEmail` (ClientRegistered, ClientProfileEdited): absent = not said. The consent context
 *   reads it as no e-mail, so e-mail reminders start OFF unless the form ticked them (it never
 *   decrypts `pii` to find out). A replayed old registration changes nothing there: the record is
 *   already open.
 */
export const CLIENT_FIELDS_ADDED_TO_V1 = ['hasEmail'] as const;
export type ClientFieldAddedToV1 = (typeof CLIENT_FIELDS_ADDED_TO_V1)[number];

/** A field added to v1 later, made optional: what a message on the topic may look like. */
type AsRead<Data> = Omit<Data, ClientFieldAddedToV1> & Partial<Pick<Data, ClientFieldAddedToV1 & keyof Data>>;

/** The events as a consumer may find them on the topic: old messages lack CLIENT_FIELDS_ADDED_TO_V1. */
export type ClientEventsAsReadV1 = { readonly [Type in ClientEventTypeV1]: AsRead<ClientEventsV1[Type]> };
