import type { IntegrationEventOf } from './topics';

/**
 * Integration contract of the consent context: what a client agreed to be contacted for, by
 * which channel, with who changed it, when, where and through what.
 *
 * Two topics (names without the environment's KAFKA_TOPIC_PREFIX; see TOPICS):
 *
 * - `consent.consent-events.v1` (delete policy, kept forever): every change of a client's consent,
 *   one message per event of the client's consent stream. Key = client id, value = the event's
 *   data as JSON (one of ConsentEventsV1, named by the `event-type` header). For auditors and
 *   read models that want the history.
 *
 * - `consent.consent-state.v1` (compacted): the client's CURRENT consent after each change.
 *   Key = client id, value = ConsentStateV1 as JSON, or null (a tombstone) once the client was
 *   deleted or erased. This is the topic a sender (the notification service) consumes: read it
 *   from the beginning with a fresh consumer group into a table keyed by client id, keep the
 *   value with the highest `version` per key, delete the key on a tombstone, and answer every
 *   "may I send?" from `permissions[purpose][channel].allowed`. A client absent from the table has
 *   no consent record (never registered, not yet processed, deleted or erased): never send.
 *
 * Both topics carry the HEADERS of every integration event: event-id, event-type, schema-version,
 * tenant-id (the salon chain), correlation-id, causation-id, stream-revision (the revision of the
 * client's consent stream that produced the message; a consumer may drop a message whose revision
 * is not higher than the one it holds). On the state topic `event-type` is `ConsentState` and
 * `schema-version` is 1.
 *
 * No personal data travels on either topic: no name, phone or e-mail; only the client id, yes/no
 * switches, whether the phone can take SMS, timestamps, staff and salon ids and references to the
 * signed consent documents. Addresses come from `clients.client-events.v1` (encrypted `pii`,
 * which only the clients context reads); this context reads only that topic's clear facts.
 */

/** Why a message is sent. `notifications`: automatic notifications other than reminders (booking confirmations, ...). */
export type ContactPurposeV1 = 'notifications' | 'reminders' | 'marketing';
export const CONTACT_PURPOSES_V1: readonly ContactPurposeV1[] = ['notifications', 'reminders', 'marketing'];

/** How it is sent. */
export type ContactChannelV1 = 'sms' | 'email';
export const CONTACT_CHANNELS_V1: readonly ContactChannelV1[] = ['sms', 'email'];

/**
 * The switches a client has, as staff see them on the profile:
 * - `notifications`     "agrees to receive notifications": the master switch of every automatic
 *                       notification, reminders included (ON by default at registration);
 * - `remindersBySms`    visit reminders by SMS (never ON while the phone is a landline);
 * - `remindersByEmail`  visit reminders by e-mail;
 * - `newsletter`        e-mail marketing: ON only with written consent on record;
 * - `marketingSms`      marketing SMS: ON only with written consent, never to a landline.
 */
export type ConsentPermissionV1 = 'notifications' | 'remindersBySms' | 'remindersByEmail' | 'newsletter' | 'marketingSms';
export type MarketingPermissionV1 = 'newsletter' | 'marketingSms';
export type SmsPermissionV1 = 'remindersBySms' | 'marketingSms';

/** Through what a change came. */
export type ConsentSourceV1 = 'front-desk' | 'import' | 'client-request';

/**
 * The consent boxes of the front-desk registration form, defined here once for both contexts:
 * the clients context records them in `ClientRegistered.initialConsent` (clients.client-events.v1)
 * without deciding anything about them, the consent context applies them and records what it read
 * in `RegistrationConsentApplied.choices`. A box left out (or a message without `initialConsent`)
 * takes the consent context's default: notifications ON, SMS reminders ON when the phone can take
 * SMS, e-mail reminders ON when the client has an e-mail. Marketing is not on the form: it needs
 * written consent, recorded with its evidence afterwards.
 */
export const INITIAL_CONSENT_CHOICES_V1 = ['notifications', 'remindersBySms', 'remindersByEmail'] as const satisfies readonly ConsentPermissionV1[];
export type InitialConsentChoiceV1 = (typeof INITIAL_CONSENT_CHOICES_V1)[number];
export type InitialConsentChoicesV1 = { readonly [Choice in InitialConsentChoiceV1]?: boolean };

/** What readInitialConsentChoicesV1 found: the choices, or the first box that is not yes/no. */
export type InitialConsentReadingV1 =
  | { readonly ok: true; readonly choices: InitialConsentChoicesV1 }
  | { readonly ok: false; readonly field: 'initialConsent' | `initialConsent.${InitialConsentChoiceV1}`; readonly reason: string };

/**
 * Reads the boxes of a form or a message: absent or null is no box ticked either way; a box is
 * yes or no; anything else on it (a marketing box, say) is dropped. The one reading both contexts
 * use, each turning a refusal into its own error.
 */
export function readInitialConsentChoicesV1(value: unknown): InitialConsentReadingV1 {
  if (value === undefined || value === null) return { ok: true, choices: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, field: 'initialConsent', reason: 'The consent choices are a set of yes/no boxes' };
  }
  const boxes = value as Readonly<Record<string, unknown>>;
  for (const choice of INITIAL_CONSENT_CHOICES_V1) {
    if (boxes[choice] !== undefined && typeof boxes[choice] !== 'boolean') {
      return { ok: false, field: `initialConsent.${choice}`, reason: `"${choice}" is yes or no` };
    }
  }
  const given = INITIAL_CONSENT_CHOICES_V1.filter((choice) => boxes[choice] !== undefined);
  return { ok: true, choices: Object.fromEntries(given.map((choice) => [choice, boxes[choice]])) as InitialConsentChoicesV1 };
}

/**
 * The rules of written marketing consent's references, defined here once for both contexts: the
 * consent context refuses evidence that breaks them, and the clients context checks an imported
 * row against them before it records the registration (so a dry run says what the consent context
 * would refuse). A document reference is an archive or form id kept in clear for ever (the proof
 * of what was agreed outlives an erasure), so it must hold nothing of the person: no spaces, "@"
 * or "+" (no spelled-out name, e-mail or E.164 number), and a digit (a form number), which a bare
 * surname lacks.
 */
export const MARKETING_DOCUMENT_REF_PATTERN_V1 = /^(?=.*\d)[A-Za-z0-9._:/#-]+$/;
export const MARKETING_DOCUMENT_REF_RULE_V1 =
  'is an archive or form id of letters, digits, ".", "_", ":", "/", "#" or "-" with at least one digit, never the client\'s name or contact';
export const MAX_MARKETING_DOCUMENT_REF_LENGTH_V1 = 500;
export const MAX_CONSENT_TEXT_VERSION_LENGTH_V1 = 100;

/**
 * Written marketing consent a registration brings with it, with its evidence. Only an import
 * records one (`source` 'import'): a row of the salon's spreadsheet that says the client agreed to
 * the newsletter or marketing SMS and names what they signed (a document reference, the version of
 * the consent text, or both). The front-desk form carries none: marketing is granted afterwards on
 * the client's consent page. `signedAt` is when the import recorded it (a spreadsheet gives no
 * signing moment; the consent existed by then, and marketing may be sent from then on);
 * `collectedBy` and `salonId` are the staff member who imported the file and their salon.
 */
export interface RegistrationMarketingConsentV1 {
  readonly source: 'import';
  readonly permissions: readonly MarketingPermissionV1[];
  readonly documentRef?: string;
  readonly consentTextVersion?: string;
  readonly signedAt: string;
  readonly collectedBy: string;
  readonly salonId: string;
}

/**
 * The answer to "may I send <purpose> by <channel> to this client?", with the first reason that
 * forbids it, checked in this order:
 * - `no-consent-record`             the consent context never heard of the client;
 * - `client-closed`                 the client was deleted or erased;
 * - `notifications-off`             the master switch is OFF (not asked for marketing);
 * - `sms-to-landline`               the client's phone cannot receive SMS;
 * - `reminders-by-sms-off`, `reminders-by-email-off`  no reminders wanted by that channel;
 * - `no-written-marketing-consent`  no written consent on record for marketing by that channel;
 * - `allowed`                       send.
 */
export type ContactReasonV1 =
  | 'allowed'
  | 'no-consent-record'
  | 'client-closed'
  | 'notifications-off'
  | 'sms-to-landline'
  | 'reminders-by-sms-off'
  | 'reminders-by-email-off'
  | 'no-written-marketing-consent';

export interface ContactAnswerV1 {
  readonly allowed: boolean;
  readonly reason: ContactReasonV1;
}

export type ConsentSwitchesV1 = { readonly [Permission in ConsentPermissionV1]: boolean };

/** What the client signed for marketing and when (who collected it and where stay in the ledger). */
export interface PublishedMarketingEvidenceV1 {
  /** An archive or document id of the signed form (never embeds the client's name). */
  readonly documentRef?: string;
  /** The version of the consent text the client signed. */
  readonly consentTextVersion?: string;
  /** ISO-8601 UTC. A marketing message may be sent only after this moment. */
  readonly signedAt: string;
}

/**
 * The value on `consent.consent-state.v1` (key = the client id; null value = tombstone: the
 * client was deleted or erased, forget them). Every message is the complete current state, so a
 * consumer only ever keeps the latest one per key.
 */
export interface ConsentStateV1 {
  readonly clientId: string;
  /**
   * The number of events in the client's consent stream when this state was computed. Strictly
   * increasing per client: keep the value with the highest version if you ever see two.
   */
  readonly version: number;
  /** ISO-8601 UTC: when the last change was recorded. */
  readonly updatedAt: string;
  /** Whether the client's phone can receive SMS (false for a landline). */
  readonly smsCapable: boolean;
  /**
   * The answer for every purpose by every channel, every rule applied: what a sender acts on.
   * E.g. `permissions.reminders.sms` → `{ allowed: false, reason: 'sms-to-landline' }`.
   * Marketing answers `allowed` from the moment of the signature (`marketingEvidence.*.signedAt`).
   */
  readonly permissions: { readonly [Purpose in ContactPurposeV1]: { readonly [Channel in ContactChannelV1]: ContactAnswerV1 } };
  /** The switches as recorded (what the profile form shows). Do not send from these: use `permissions`. */
  readonly switches: ConsentSwitchesV1;
  /** The written consent behind each marketing switch that is ON; null while it is OFF. */
  readonly marketingEvidence: { readonly [Permission in MarketingPermissionV1]: PublishedMarketingEvidenceV1 | null };
}

/** The `event-type` header of messages on `consent.consent-state.v1`. */
export const CONSENT_STATE_EVENT_TYPE_V1 = 'ConsentState';

/** Who, where and through what: on every consent event (when is the event's own `...At`). */
export interface ConsentChangeOriginV1 {
  readonly source: ConsentSourceV1;
  /** The staff member (user id) who made the change; null for changes taken from other contexts. */
  readonly actorId: string | null;
  /** The salon where it was made, when known. */
  readonly salonId: string | null;
}

/** The full record of written marketing consent, as the ledger keeps it. */
export interface MarketingConsentEvidenceV1 {
  readonly documentRef?: string;
  readonly consentTextVersion?: string;
  /** ISO-8601 UTC: when the client signed. */
  readonly signedAt: string;
  /** The staff member who collected the signature. */
  readonly collectedBy: string;
  /** The salon where it was signed. */
  readonly salonId: string;
}

/** Events on `consent.consent-events.v1`, by `event-type` header. Timestamps are ISO-8601 UTC. */
export interface ConsentEventsV1 {
  /**
   * The record opens when the client's registration reaches the consent context: `choices` is
   * what the registration form said, `permissions` every switch as it then stood (defaults
   * filled in), `notApplied` the choices the rules refused (SMS for a landline). `smsCapable` and
   * `hasEmail` are the clear facts of ClientRegistered; `hasEmail` is false when a registration
   * published before that fact was in the clients contract did not say (CLIENT_FIELDS_ADDED_TO_V1).
   */
  RegistrationConsentApplied: ConsentChangeOriginV1 & {
    readonly clientId: string;
    readonly smsCapable: boolean;
    readonly hasEmail: boolean;
    readonly choices: InitialConsentChoicesV1;
    readonly permissions: ConsentSwitchesV1;
    readonly notApplied: readonly { readonly permission: SmsPermissionV1; readonly reason: 'sms-to-landline' }[];
    readonly appliedAt: string;
  };
  /** A non-marketing switch turned ON. */
  ConsentGranted: ConsentChangeOriginV1 & { readonly clientId: string; readonly permission: ConsentPermissionV1; readonly grantedAt: string };
  /** A marketing switch turned ON (or its written consent renewed), with the evidence. */
  MarketingConsentGranted: ConsentChangeOriginV1 & {
    readonly clientId: string;
    readonly permission: MarketingPermissionV1;
    readonly evidence: MarketingConsentEvidenceV1;
    readonly grantedAt: string;
  };
  /** A switch turned OFF. */
  ConsentWithdrawn: ConsentChangeOriginV1 & { readonly clientId: string; readonly permission: ConsentPermissionV1; readonly withdrawnAt: string };
  /** Every marketing switch turned OFF in one call; `permissions` are those that were ON. */
  AllMarketingConsentWithdrawn: ConsentChangeOriginV1 & {
    readonly clientId: string;
    readonly permissions: readonly MarketingPermissionV1[];
    readonly withdrawnAt: string;
  };
  /** The client's phone changed to one that can (or cannot) receive SMS. */
  SmsCapabilityChanged: ConsentChangeOriginV1 & { readonly clientId: string; readonly smsCapable: boolean; readonly changedAt: string };
  /** Follows SmsCapabilityChanged when the phone became a landline: these SMS switches went OFF. */
  SmsConsentSwitchedOff: ConsentChangeOriginV1 & {
    readonly clientId: string;
    readonly permissions: readonly SmsPermissionV1[];
    readonly reason: 'sms-to-landline';
    readonly switchedOffAt: string;
  };
  /** The client was deleted or erased: every permission reads no from now on. */
  ConsentClosed: ConsentChangeOriginV1 & { readonly clientId: string; readonly reason: 'deleted' | 'erased'; readonly closedAt: string };
}

export type ConsentEventTypeV1 = keyof ConsentEventsV1;
export const CONSENT_EVENT_TYPES_V1: readonly ConsentEventTypeV1[] = [
  'RegistrationConsentApplied',
  'ConsentGranted',
  'MarketingConsentGranted',
  'ConsentWithdrawn',
  'AllMarketingConsentWithdrawn',
  'SmsCapabilityChanged',
  'SmsConsentSwitchedOff',
  'ConsentClosed',
];

export type ConsentIntegrationEventV1 = IntegrationEventOf<ConsentEventsV1>;
